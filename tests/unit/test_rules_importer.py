"""Reading an SOP-AP table (rows of cells from any source) and building a definition from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import (
    Choices,
    OutputKind,
    Role,
    SopTable,
    StepChoice,
    build_sop,
    read_table,
    read_tsv,
    standard_minutes,
    table_rows,
)
from tests.support.sops import portal_sop

REAL_TABLE = (Path(__file__).parent / "data" / "sop_pemeliharaan_portal.txt").read_text(
    encoding="utf-8"
)
HEADER = "No\tKegiatan\tPELAKSANA\t\tMUTU BAKU\t\t\tKETERANGAN"
SUB_HEADER = "\t\tPelapor\tPetugas\tKelengkapan\tWaktu\tOutput\t"
COLUMNS = {0: "pelapor", 1: "petugas"}


def row(
    number: object,
    waktu: str = "5 menit",
    kelengkapan: str = "",
    output: str = "",
    marks: str = "\t",
) -> str:
    return f"{number}\tKegiatan {number}\t{marks}\t{kelengkapan}\t{waktu}\t{output}\t"


def table(*rows: str) -> str:
    """A small SOP table: title on lines 1-2, header on 3, sub-header on 4, rows from 5."""
    return "\n".join(["STANDAR OPERASIONAL PROSEDUR", "SOP Contoh", HEADER, SUB_HEADER, *rows])


def build(text: str, **choices: object) -> tuple[object, list[tuple[int, str]]]:
    sop, problems = build_sop(
        read_tsv(text), key="contoh", name="Contoh", version=1, choices=Choices(**choices)
    )
    return sop, [(problem.line, problem.reason.code) for problem in problems]


def test_the_real_sop_table_reads_with_its_five_performer_columns_and_nine_steps() -> None:
    read = read_tsv(REAL_TABLE)
    assert read.problems == ()
    assert read.title == "Pemeliharaan Portal Website DJKI"
    assert read.performers == (
        "Pengguna (Pegawai/Non Pegawai DJKI)",
        "Direktur TI-KI",
        "Kasubdit Perencanaan",
        "Kasi Portal Web",
        "JFU",
    )
    assert [step.number for step in read.steps] == list(range(1, 10))
    # A text copy lost the flowchart marks: no step has its performer marked.
    assert all(step.marks == () for step in read.steps)


def test_the_real_table_with_the_portal_choices_builds_the_shipped_portal_sop() -> None:
    portal = portal_sop()
    choices = Choices(
        steps={
            step.number: StepChoice(
                position=step.role,
                output_kind=step.output_kind,
                names_performer_for=step.names_performer_for,
                may_return_to=step.may_return_to,
                sets_priority=step.sets_priority,
            )
            for step in portal.steps
        }
    )
    sop, problems = build_sop(
        read_tsv(REAL_TABLE), key=portal.key, name=portal.name, version=1, choices=choices
    )
    assert problems == () and sop is not None
    assert sop.total_standard_minutes == 59
    for imported, shipped in zip(sop.steps, portal.steps, strict=True):
        assert (imported.activity_id, imported.role) == (shipped.activity_id, shipped.role)
        assert imported.kelengkapan == shipped.kelengkapan
        assert imported.standard_minutes == shipped.standard_minutes
        assert imported.output_label == shipped.output_label
        assert imported.names_performer_for == shipped.names_performer_for
        assert imported.named_by == shipped.named_by
        assert imported.may_return_to == shipped.may_return_to
    assert sop.close_early_by == portal.close_early_by
    assert sop.record_for_others == portal.record_for_others


def test_marked_columns_give_each_step_its_performer_once_columns_are_mapped() -> None:
    text = table(row(1, marks="X\t"), row(2, marks="\t√"), row(3, marks="\t●"))
    sop, problems = build(text, columns=COLUMNS)
    assert problems == []
    assert [step.role for step in sop.steps] == ["pelapor", "petugas", "petugas"]
    assert [step.output_kind for step in sop.steps] == [OutputKind.CASE, *[OutputKind.REPORT] * 2]


@pytest.mark.parametrize(
    ("waktu", "minutes"),
    [
        ("3 menit", 3),
        ("3 Menit", 3),
        ("10 mnt", 10),
        ("1 jam", 60),
        ("1,5 jam", 90),
        ("0.25 jam", 15),
        ("2 jam 30 menit", 150),
        ("1 hari", 450),
        ("", None),
        ("-", None),
    ],
)
def test_waktu_is_read_as_whole_working_minutes(waktu: str, minutes: int | None) -> None:
    assert standard_minutes(waktu) == minutes
    sop, problems = build(table(row(1, marks="x\t"), row(2, waktu, marks="\tx")), columns=COLUMNS)
    assert problems == [] and sop.step(2).standard_minutes == minutes


@pytest.mark.parametrize("waktu", ["sebentar", "0 menit", "0,01 jam", "30 detik", "5 - 10 menit"])
def test_an_unreadable_time_is_a_problem_at_its_row(waktu: str) -> None:
    with pytest.raises(ValueError):
        standard_minutes(waktu)
    read = read_tsv(table(row(1), row(2, waktu)))
    assert [(p.line, p.reason.code) for p in read.problems] == [(6, "sop_import_bad_time")]
    assert waktu in read.problems[0].message("en") and "Row 6" in read.problems[0].message("en")
    assert "Baris 6" in read.problems[0].message("id")


def test_kelengkapan_is_split_on_commas_semicolons_and_lines_and_trimmed() -> None:
    read = read_tsv(table(row(1, kelengkapan="komputer,printer; internet ,"), row(2)))
    assert read.steps[0].kelengkapan == ("komputer", "printer", "internet")
    cells = [
        (1, ["No", "Kegiatan", "A", "Kelengkapan", "Waktu", "Output"]),
        (2, ["1", "Lapor", "x", "- telepon\n- surat", "3 menit", ""]),
        (3, ["2", "Tangani", "x", "", "", ""]),
    ]
    assert read_table(cells).steps[0].kelengkapan == ("telepon", "surat")


def test_a_one_row_header_and_numbers_as_a_sheet_stores_them_are_read() -> None:
    cells = [
        (1, ["No", "Kegiatan", "Kasi", "Staf", "Kelengkapan", "Waktu", "Output", "Keterangan"]),
        (2, ["1.0", "Lapor", "x", "", "", "3 menit", "", ""]),
        (3, ["2.", "Tangani", "", "x", "", "1 jam", "laporan", ""]),
    ]
    read = read_table(cells)
    assert read.problems == () and read.performers == ("Kasi", "Staf")
    assert [(s.number, s.marks, s.minutes) for s in read.steps] == [(1, (0,), 3), (2, (1,), 60)]


def test_the_last_step_writes_the_log_entry_only_when_its_output_mentions_a_log() -> None:
    logged, _ = build(table(row(1), row(2, output="Log harian")), steps=_positions(2))
    reported, _ = build(table(row(1), row(2, output="laporan")), steps=_positions(2))
    assert logged.step(2).output_kind is OutputKind.LOG_ENTRY
    assert reported.step(2).output_kind is OutputKind.REPORT


def _positions(count: int) -> dict[int, StepChoice]:
    return {n: StepChoice(position="pelapor" if n == 1 else "petugas") for n in range(1, count + 1)}


def test_blank_rows_between_steps_are_skipped() -> None:
    sop, problems = build(table(row(1), "", "  \t ", row(2)), steps=_positions(2))
    assert problems == [] and len(sop.steps) == 2


def test_every_problem_of_the_table_is_listed_with_its_row() -> None:
    text = table(row(1), row(2, "sebentar"), row("dua"), row(2), row(5), "2\tKegiatan")
    read = read_tsv(text)
    assert sorted((p.line, p.reason.code) for p in read.problems) == [
        (6, "sop_import_bad_time"),
        (7, "sop_import_bad_number"),
        (8, "sop_import_duplicate_number"),
        (9, "sop_import_missing_number"),
        (9, "sop_import_missing_number"),
        (10, "sop_import_too_few_columns"),
    ]
    sop, problems = build(text, steps=_positions(5))
    assert sop is None and len(problems) >= 6


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "sop_import_no_header"),
        ("just some text\nno table here", "sop_import_no_header"),
        (table(row(1)).replace("Waktu", "Durasi"), "sop_import_no_header"),
        (table(row(1)).replace("No\tKegiatan", "Nomor\tUraian"), "sop_import_header_start"),
        (table(), "sop_import_no_steps"),
    ],
)
def test_a_text_that_is_not_an_sop_table_says_so(text: str, code: str) -> None:
    read = read_tsv(text)
    assert [p.reason.code for p in read.problems] == [code]
    assert read.steps == ()


def test_a_step_without_a_performer_or_with_two_is_a_problem_at_its_row() -> None:
    text = table(row(1, marks="x\t"), row(2), row(3, marks="x\tx"))
    assert build(text, columns=COLUMNS)[1] == [
        (6, "sop_import_no_performer"),
        (7, "sop_import_two_marks"),
    ]
    chosen = {2: StepChoice(column=1), 3: StepChoice(column=0)}
    sop, problems = build(text, columns=COLUMNS, steps=chosen)
    assert problems == [] and [s.role for s in sop.steps] == ["pelapor", "petugas", "pelapor"]


def test_a_marked_column_not_mapped_to_a_position_is_a_problem() -> None:
    text = table(row(1, marks="x\t"), row(2, marks="\tx"))
    sop, problems = build(text, columns={0: "pelapor"})
    assert sop is None and problems == [(6, "sop_import_column_unmapped")]


def test_behaviours_chosen_for_the_steps_are_checked_at_their_rows() -> None:
    text = table(*(row(n) for n in range(1, 6)))
    steps = _positions(5)
    ok = {**steps, 2: StepChoice(position="petugas", names_performer_for=(4,))}
    ok[5] = StepChoice(position="petugas", may_return_to=3)
    sop, problems = build(text, steps=ok)
    assert problems == [] and sop.step(4).named_by == 2 and sop.step(5).may_return_to == 3
    bad_return = {**steps, 4: StepChoice(position="petugas", may_return_to=4)}
    assert build(text, steps=bad_return)[1] == [(8, "sop_return_target")]
    names_missing = {**steps, 3: StepChoice(position="petugas", names_performer_for=(9,))}
    assert build(text, steps=names_missing)[1] == [(7, "sop_names_missing")]
    unknown = {**steps, 8: StepChoice(position="petugas")}
    assert build(text, steps=unknown)[1] == [(9, "sop_import_mapping_unknown_step")]


def test_a_superuser_cannot_be_a_performer_nor_can_a_table_of_one_step_make_an_sop() -> None:
    text = table(row(1), row(2))
    assert build(text, steps={**_positions(2), 2: StepChoice(position=Role.SUPERUSER)})[1] == [
        (6, "sop_superuser_performs")
    ]
    assert build(table(row(1)), steps=_positions(1))[1] == [(1, "sop_too_few_steps")]


def test_a_table_read_is_plain_data() -> None:
    read = read_tsv(table(row(1), row(2)))
    assert isinstance(read, SopTable) and read.steps[1].waktu == "5 menit"


def test_a_corrected_time_replaces_the_tables_and_is_checked_the_same_way() -> None:
    text = table(row(1), row(2, "sebentar"))
    assert build(text, steps=_positions(2))[1] == [(6, "sop_import_bad_time")]
    fixed = {**_positions(2), 2: StepChoice(position="petugas", waktu="1 jam")}
    sop, problems = build(text, steps=fixed)
    assert problems == [] and sop.step(2).standard_minutes == 60
    still_bad = {**_positions(2), 2: StepChoice(position="petugas", waktu="lama")}
    assert build(text, steps=still_bad)[1] == [(6, "sop_import_bad_time")]
    untimed = {**_positions(2), 2: StepChoice(position="petugas", waktu="")}
    assert build(text, steps=untimed)[0].step(2).standard_minutes is None


def test_an_sop_written_back_as_a_table_reads_and_builds_as_itself() -> None:
    portal = portal_sop()
    read = read_table(table_rows(portal))
    assert read.problems == () and read.title == portal.name
    columns = dict(enumerate(read.performers))
    steps = {
        step.number: StepChoice(
            output_kind=step.output_kind,
            names_performer_for=step.names_performer_for,
            may_return_to=step.may_return_to,
            sets_priority=step.sets_priority,
        )
        for step in portal.steps
    }
    sop, problems = build_sop(
        read,
        key=portal.key,
        name=portal.name,
        version=1,
        choices=Choices(columns=columns, steps=steps),
    )
    assert problems == ()
    assert [(s.role, s.standard_minutes, s.kelengkapan) for s in sop.steps] == [
        (s.role, s.standard_minutes, s.kelengkapan) for s in portal.steps
    ]
