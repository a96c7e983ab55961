"""SOP tables in other shapes than the portal's, written as the documents they come in.

Two SOP-AP tables a directorate might upload: a 6-step network SOP (one step untimed, one of
"1 jam", the performer named at step 3) and a 12-step data-request SOP (two return loops, a
performer named at step 5 for steps 6 and 8). Each is written as tab-separated text, as a
.docx table (python-docx) and as an .xlsx sheet (openpyxl), with the performer's column of
each step marked as SOP-AP documents mark it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from openpyxl import Workbook


@dataclass(frozen=True)
class Shape:
    """An SOP table: its title, performer columns, steps (column, cells) and what to choose."""

    title: str
    columns: tuple[str, ...]
    steps: tuple[tuple[int, str, str, str, str], ...]
    """(performer column, activity, kelengkapan, waktu, output) per step, numbered from 1."""
    positions: dict[str, str]
    """Column → the position code it maps to (new ones are created from the mapping)."""
    names: dict[int, tuple[int, ...]] = field(default_factory=dict)
    returns: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    priority: tuple[int, ...] = ()
    mark: str = "√"

    def rows(self) -> list[list[str]]:
        """The table as rows of cells: title, header over performers, steps."""
        width = len(self.columns)
        header = ["No", "Kegiatan", "PELAKSANA", *[""] * (width - 1), "MUTU BAKU", "", "", ""]
        sub = ["", "", *self.columns, "Kelengkapan", "Waktu", "Output", "Keterangan"]
        rows = [["STANDAR OPERASIONAL PROSEDUR"], [self.title], header, sub]
        for number, (column, activity, kelengkapan, waktu, output) in enumerate(self.steps, 1):
            marks = [self.mark if i == column else "" for i in range(width)]
            rows.append([str(number), activity, *marks, kelengkapan, waktu, output, ""])
        return rows

    def position_of(self, number: int) -> str:
        """The position that performs a step once the columns are mapped."""
        return self.positions[self.columns[self.steps[number - 1][0]]]


NETWORK = Shape(
    title="Penanganan Gangguan Jaringan",
    columns=("Pegawai", "Kasubdit Infrastruktur", "Kasi Jaringan", "Staf Jaringan"),
    steps=(
        (0, "Melaporkan gangguan jaringan kepada Subdit Infrastruktur", "telepon", "3 menit", ""),
        (1, "Menetapkan prioritas penanganan gangguan", "", "", "disposisi"),
        (2, "Memeriksa gangguan dan menunjuk teknisi", "komputer", "15 menit", "hasil periksa"),
        (3, "Memperbaiki gangguan jaringan", "alat jaringan", "1 jam", "jaringan pulih"),
        (2, "Memeriksa hasil perbaikan", "laporan", "10 menit", "berita acara"),
        (
            2,
            "Mencatat penanganan ke dalam log kegiatan harian",
            "log kegiatan",
            "5 menit",
            "catatan log kegiatan",
        ),
    ),  # fmt: skip
    positions={
        "Pegawai": "pengguna",
        "Kasubdit Infrastruktur": "kasubdit-infrastruktur",
        "Kasi Jaringan": "kasi-jaringan",
        "Staf Jaringan": "staf-jaringan",
    },
    names={3: (4,)},
    returns={5: 4},
    kinds={2: "instruction", 3: "instruction"},
    priority=(2,),
)

DATA_REQUEST = Shape(
    title="Layanan Permohonan Data",
    columns=(
        "Pemohon",
        "Kepala Subbagian Tata Usaha",
        "Kasubdit Perencanaan",
        "Kasi Layanan Data",
        "Petugas Layanan Data",
    ),
    steps=(
        (0, "Mengajukan permohonan data", "formulir", "5 menit", "formulir permohonan"),
        (1, "Menerima dan mengagendakan permohonan", "buku agenda", "10 menit", "agenda"),
        (2, "Mendisposisikan permohonan", "lembar disposisi", "1 jam", "disposisi"),
        (3, "Menelaah permohonan", "", "30 menit", "hasil telaah"),
        (3, "Menunjuk petugas layanan data", "", "10 menit", "surat tugas"),
        (4, "Mengumpulkan data yang diminta", "komputer", "2 jam", "data"),
        (3, "Memeriksa kelengkapan data", "", "30 menit", "catatan periksa"),
        (4, "Menyusun jawaban permohonan", "komputer, printer", "1 jam", "konsep jawaban"),
        (2, "Memeriksa konsep jawaban", "", "30 menit", "paraf"),
        (1, "Mengirim jawaban kepada pemohon", "", "15 menit", "tanda terima"),
        (3, "Mengarsipkan berkas permohonan", "map arsip", "10 menit", "arsip"),
        (
            3,
            "Mencatat layanan ke dalam log kegiatan harian",
            "log kegiatan",
            "5 menit",
            "log kegiatan harian",
        ),
    ),  # fmt: skip
    positions={
        "Pemohon": "pengguna",
        "Kepala Subbagian Tata Usaha": "kepala-subbagian-tata-usaha",
        "Kasubdit Perencanaan": "kasubdit",
        "Kasi Layanan Data": "kasi-layanan-data",
        "Petugas Layanan Data": "petugas-layanan-data",
    },
    names={5: (6, 8)},
    returns={7: 6, 9: 8},
    kinds={3: "instruction", 5: "instruction"},
    priority=(3,),
    mark="X",
)


def write_tsv(shape: Shape, path: Path) -> Path:
    """The table as a text copy: tab-separated cells (the marks are kept)."""
    path.write_text("\n".join("\t".join(row) for row in shape.rows()) + "\n", encoding="utf-8")
    return path


def write_docx(shape: Shape, path: Path) -> Path:
    """The table as a Word document: title paragraphs, then the table, header cells merged."""
    document = Document()
    rows = shape.rows()
    for line in rows[:2]:
        document.add_paragraph(line[0])
    table_rows = rows[2:]
    width = len(table_rows[1])
    table = document.add_table(rows=len(table_rows), cols=width)
    for r, cells in enumerate(table_rows):
        for c, text in enumerate(cells):
            if text:
                table.cell(r, c).text = text
    performers = len(shape.columns)
    table.cell(0, 0).merge(table.cell(1, 0))  # No and Kegiatan span both header rows
    table.cell(0, 1).merge(table.cell(1, 1))
    table.cell(0, 2).merge(table.cell(0, 1 + performers))  # PELAKSANA over its columns
    table.cell(0, 2 + performers).merge(table.cell(0, 4 + performers))  # MUTU BAKU
    document.save(str(path))
    return path


def write_xlsx(shape: Shape, path: Path) -> Path:
    """The table as an Excel sheet, the step numbers as numbers, header cells merged."""
    book = Workbook()
    sheet = book.active
    sheet.title = "SOP"
    for r, cells in enumerate(shape.rows(), 1):
        for c, text in enumerate(cells, 1):
            if text:
                sheet.cell(r, c, int(text) if r > 4 and c == 1 else text)
    performers = len(shape.columns)
    sheet.merge_cells(start_row=3, start_column=3, end_row=3, end_column=2 + performers)
    book.save(str(path))
    return path
