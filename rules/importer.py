"""Import an SOP from the text of its table in the government SOP format (tab-separated)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rules.enums import OutputKind, Role
from rules.errors import SopDefinitionError, SopImportError
from rules.sop import SopDefinition, sop_from_dict

_HEADER_START = "No\tKegiatan"
_QUALITY_HEADER = "MUTU BAKU"
_QUALITY_COLUMNS = ("kelengkapan", "waktu", "output")
_DURATION = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*jam)?\s*(?:(\d+)\s*menit)?", re.IGNORECASE)


@dataclass(frozen=True)
class _Row:
    line: int
    number: int
    activity: str
    role: Role
    kelengkapan: list[str]
    minutes: int | None
    output: str


def parse_sop_table(
    text: str,
    *,
    key: str,
    name: str,
    performers: Mapping[int, Role],
    version: int = 1,
) -> SopDefinition:
    """Read an SOP table; the table lost its flowchart marks, so `performers` maps step → role.

    Imported steps produce reports (the first the case, the last a log entry when its output
    mentions a log) and carry no assignment or rework; the table has no English, so the
    Indonesian activity stands in for it.
    """
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.startswith(_HEADER_START)), None)
    if header is None:
        raise SopImportError(1, "no header row starting with 'No', tab, 'Kegiatan'")
    quality = _quality_column(lines, header)
    rows: list[_Row] = []
    # Data rows start after the header row and the sub-header row of performer names.
    for index in range(header + 2, len(lines)):
        if lines[index].strip():
            rows.append(_read_row(lines[index], index + 1, len(rows) + 1, quality, performers))
    unknown = sorted(set(performers) - {row.number for row in rows})
    if unknown:
        raise SopImportError(
            header + 1, f"performer mapping for step {unknown[0]}, not in the table"
        )
    data = {"key": key, "name": name, "version": version, "steps": _steps(rows)}
    try:
        return sop_from_dict(data, f"table {key!r}")
    except SopDefinitionError as exc:
        step_line = {row.number: row.line for row in rows}.get(exc.step or 0, header + 1)
        raise SopImportError(step_line, exc.reason) from exc


def _quality_column(lines: list[str], header: int) -> int:
    """Index of the Kelengkapan column; Waktu and Output follow it."""
    cells = [cell.strip().upper() for cell in lines[header].split("\t")]
    if _QUALITY_HEADER not in cells:
        raise SopImportError(header + 1, f"the header row has no {_QUALITY_HEADER!r} column")
    quality = cells.index(_QUALITY_HEADER)
    sub_header = lines[header + 1].split("\t") if header + 1 < len(lines) else []
    names = tuple(cell.strip().casefold() for cell in sub_header[quality : quality + 3])
    if names != _QUALITY_COLUMNS:
        reason = f"expected Kelengkapan, Waktu, Output under {_QUALITY_HEADER!r}"
        raise SopImportError(header + 2, reason)
    return quality


def _read_row(
    line: str, line_number: int, expected: int, quality: int, performers: Mapping[int, Role]
) -> _Row:
    cells = line.split("\t")
    if len(cells) < quality + 3:
        reason = f"too few columns: expected at least {quality + 3}, found {len(cells)}"
        raise SopImportError(line_number, reason)
    number_text = cells[0].strip()
    if not number_text.isdecimal():
        raise SopImportError(line_number, f"step number {number_text!r} is not a number")
    number = int(number_text)
    if number != expected:
        reason = f"steps must be numbered in order: expected {expected}, found {number}"
        raise SopImportError(line_number, reason)
    if number not in performers:
        raise SopImportError(line_number, f"no performer mapping for step {number}")
    waktu = cells[quality + 1].strip()
    try:
        minutes = _minutes(waktu)
    except ValueError as exc:
        raise SopImportError(line_number, f"unreadable time {waktu!r}") from exc
    return _Row(
        line=line_number,
        number=number,
        activity=cells[1].strip(),
        role=performers[number],
        kelengkapan=[item.strip() for item in cells[quality].split(",") if item.strip()],
        minutes=minutes,
        output=cells[quality + 2].strip(),
    )


def _minutes(waktu: str) -> int | None:
    """Whole minutes in "3 menit", "1,5 jam", "2 jam 30 menit"; None when blank (untimed)."""
    if not waktu:
        return None
    match = _DURATION.fullmatch(waktu)
    if match is None or not any(match.groups()):
        raise ValueError(waktu)
    hours = Decimal(match[1].replace(",", ".")) if match[1] else Decimal(0)
    total = hours * 60 + int(match[2] or 0)
    # A standard is a positive whole number of minutes; "0 menit" or "0,01 jam" is not one.
    if total <= 0 or total != int(total):
        raise ValueError(waktu)
    return int(total)


def _steps(rows: list[_Row]) -> list[dict[str, Any]]:
    steps = []
    for row in rows:
        if row is rows[0]:
            output_kind = OutputKind.CASE
        elif row is rows[-1] and "log" in row.output.casefold():
            output_kind = OutputKind.LOG_ENTRY
        else:
            output_kind = OutputKind.REPORT
        step: dict[str, Any] = {
            "number": row.number,
            "activity_id": row.activity,
            "activity_en": row.activity,
            "role": row.role.value,
            "kelengkapan": row.kelengkapan,
            "output_kind": output_kind.value,
            "output_label": row.output,
        }
        if row.minutes is not None:
            step["standard_minutes"] = row.minutes
        steps.append(step)
    return steps
