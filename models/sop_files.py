"""Reading an uploaded SOP table into rows of cells: tab-separated text, .docx, .xlsx.

The SOP-AP documents come as Word tables, Excel sheets, or text copied out of them; each is
read into [(row number, [cell text, ...]), ...] for rules.importer.read_table. Whatever the
file is, it is refused with a reason when it is empty, too large, binary, or not a table.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import PurePath

from .errors import ServiceError

MAX_BYTES = 2 * 1024 * 1024
"""The largest upload read (2 MB): an SOP table is a few kilobytes."""
MAX_UNPACKED = 40 * 1024 * 1024
"""The most a .docx or .xlsx may unpack to, so a small file cannot fill the memory."""
MAX_ROWS = 500
MAX_COLUMNS = 60
FORMATS = {".txt": "tsv", ".tsv": "tsv", ".docx": "docx", ".xlsx": "xlsx"}

Rows = list[tuple[int, list[str]]]


def read_upload(filename: str, data: bytes) -> Rows:
    """The rows of the SOP table in an uploaded file, by its extension."""
    kind = FORMATS.get(PurePath(filename or "").suffix.lower())
    if kind is None:
        raise ServiceError("sop_file_kind", name=filename, kinds=", ".join(sorted(FORMATS)))
    if not data.strip():
        raise ServiceError("sop_file_empty", name=filename)
    if len(data) > MAX_BYTES:
        raise ServiceError("sop_file_too_large", name=filename, limit="2 MB")
    if kind == "tsv":
        return _bounded(_tsv_rows(data, filename), filename)
    _check_zip(data, filename)
    reader = _docx_rows if kind == "docx" else _xlsx_rows
    return _bounded(reader(data, filename), filename)


def _bounded(rows: Rows, filename: str) -> Rows:
    if len(rows) > MAX_ROWS or any(len(cells) > MAX_COLUMNS for _n, cells in rows):
        raise ServiceError("sop_file_too_big_table", name=filename, rows=MAX_ROWS)
    return rows


def _text(data: bytes, filename: str) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise ServiceError("sop_file_binary", name=filename)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if sum(not (ch.isprintable() or ch in "\t\r\n") for ch in text) > len(text) // 100:
        raise ServiceError("sop_file_binary", name=filename)
    return text


def _tsv_rows(data: bytes, filename: str) -> Rows:
    text = _text(data, filename)
    if "\t" not in text:
        raise ServiceError("sop_file_not_table", name=filename)
    return [(number, line.split("\t")) for number, line in enumerate(text.splitlines(), 1)]


def _check_zip(data: bytes, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ServiceError("sop_file_unreadable", name=filename) from None
    if unpacked > MAX_UNPACKED:
        raise ServiceError("sop_file_too_large", name=filename, limit="40 MB")


def _docx_rows(data: bytes, filename: str) -> Rows:
    """The paragraphs before the table (its title), then the rows of the table holding the SOP."""
    import docx  # python-docx; loaded only for an upload of this kind
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise ServiceError("sop_file_unreadable", name=filename) from None
    tables = document.tables
    if not tables:
        raise ServiceError("sop_file_not_table", name=filename)
    table = next((t for t in tables if _has_quality_header(t)), tables[0])
    title = [(0, [p.text]) for p in document.paragraphs if p.text.strip()]
    rows: Rows = [(0, [cell]) for _n, (cell,) in title]
    for number, row in enumerate(table.rows, 1):
        rows.append((number, [_cell_text(cell.text) for cell in row.cells]))
    return rows


def _has_quality_header(table: object) -> bool:
    text = " ".join(cell.text.casefold() for row in table.rows[:3] for cell in row.cells)  # type: ignore[attr-defined]
    return all(word in text for word in ("kelengkapan", "waktu", "output"))


def _xlsx_rows(data: bytes, filename: str) -> Rows:
    """The rows of the first sheet that holds the SOP table (the first sheet otherwise)."""
    import openpyxl  # loaded only for an upload of this kind

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile):
        raise ServiceError("sop_file_unreadable", name=filename) from None
    try:
        sheets = [_sheet_rows(sheet) for sheet in book.worksheets]
    finally:
        book.close()
    for rows in sheets:
        text = " ".join(cell.casefold() for _n, cells in rows[:40] for cell in cells)
        if all(word in text for word in ("kelengkapan", "waktu", "output")):
            return rows
    if not sheets or not any(cells for _n, cells in sheets[0]):
        raise ServiceError("sop_file_not_table", name=filename)
    return sheets[0]


def _sheet_rows(sheet: object) -> Rows:
    rows: Rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):  # type: ignore[attr-defined]
        if number > MAX_ROWS * 2:
            break
        rows.append((number, [_value_text(value) for value in values[: MAX_COLUMNS + 1]]))
    return rows


def _value_text(value: object) -> str:
    """A cell's value as it reads: 3.0 as "3", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _cell_text(str(value))


def _cell_text(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def rows_of(data: Sequence[Sequence[object]]) -> Rows:
    """Rows stored as JSON ([[number, [cell, ...]], ...]) back as rows."""
    return [(int(number), [str(cell) for cell in cells]) for number, cells in data]  # type: ignore[misc]
