"""Read an SOP table in the government SOP-AP format, and build a definition from it.

An SOP-AP table (Permenpan-RB 35/2012) has a header row `No | Kegiatan | PELAKSANA ... |
MUTU BAKU | KETERANGAN` over a row naming each performer column and `Kelengkapan | Waktu |
Output`; each step's row marks its performer's column (a flowchart shape in the original, an
"X" or any text in a sheet, nothing at all in a text copy). Reading is separate from building:
`read_table` takes rows of cells from any source (tab-separated text, a .docx table, an .xlsx
sheet) and reports every problem with its row; `build_sop` then applies what the superuser
chose (which position each column is, the behaviours of each step) and checks the whole.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rules.enums import OutputKind
from rules.errors import RuleError, SopDefinitionError, SopImportError
from rules.sop import SopDefinition, sop_from_dict

_QUALITY_COLUMNS = ("kelengkapan", "waktu", "output")
_TITLE_MARK = "standar operasional prosedur"
WORKING_DAY_MINUTES = 450
"""A working day of the civil-service week (37.5 hours over five days), for "1 hari"."""
_UNITS = {
    "menit": 1,
    "mnt": 1,
    "min": 1,
    "minute": 1,
    "minutes": 1,
    "jam": 60,
    "hour": 60,
    "hours": 60,
    "hari": WORKING_DAY_MINUTES,
    "day": WORKING_DAY_MINUTES,
    "days": WORKING_DAY_MINUTES,
}
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)")
_UNTIMED = frozenset({"", "-", "–", "—"})
_LIST_SEPARATOR = re.compile(r"[,;\n]")

Row = tuple[int, Sequence[str]]
"""A row of the source as read: its 1-based line (or sheet row) number and its cells' text."""


@dataclass(frozen=True)
class Problem:
    """Something in the table, or in the choices made for it, that stops the import."""

    line: int
    reason: RuleError

    def error(self) -> SopImportError:
        """The problem as a refusal naming its row."""
        return SopImportError(self.line, self.reason)

    def message(self, lang: str = "id") -> str:
        """The problem in the reader's language, with its row."""
        return self.error().message(lang)


@dataclass(frozen=True)
class TableStep:
    """One step's row as read: its number, activity, marked columns and mutu baku."""

    line: int
    number: int
    activity: str
    marks: tuple[int, ...]
    kelengkapan: tuple[str, ...]
    waktu: str
    minutes: int | None
    output: str


@dataclass(frozen=True)
class SopTable:
    """The whole table as read: its title, its performer columns, its steps, its problems."""

    title: str
    performers: tuple[str, ...]
    steps: tuple[TableStep, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class StepChoice:
    """What the superuser sets for one step when importing: performer and behaviours."""

    position: str | None = None
    """The step's position, whatever the table marks."""
    column: int | None = None
    """The performer column chosen for the step, when the table marks none (or several)."""
    waktu: str | None = None
    """The standard time as the superuser corrected it, instead of the table's."""
    activity_en: str | None = None
    """The activity in English (the table has none; a new version keeps the old one's)."""
    record_kind: str | None = None
    """The code its output is filed under (by default from the output's label)."""
    output_kind: OutputKind | None = None
    names_performer_for: tuple[int, ...] = ()
    may_return_to: int | None = None
    sets_priority: bool = False
    shared_with_reporter: bool = False
    separate_from: tuple[int, ...] = ()


@dataclass(frozen=True)
class Choices:
    """Every choice for one import: column positions, per-step choices, who records and closes."""

    columns: Mapping[int, str] = field(default_factory=dict)
    steps: Mapping[int, StepChoice] = field(default_factory=dict)
    record_for_others: frozenset[str] | None = None
    close_early_by: frozenset[str] | None = None


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _folded(cells: Sequence[str]) -> list[str]:
    return [" ".join(cell.split()).casefold() for cell in cells]


def _quality_row(rows: Sequence[Row]) -> tuple[int, int] | None:
    """(index of the row naming Kelengkapan, Waktu, Output; index of Kelengkapan in it)."""
    for index, (_line, cells) in enumerate(rows):
        folded = _folded(cells)
        for column in range(len(folded) - 2):
            if tuple(folded[column : column + 3]) == _QUALITY_COLUMNS:
                return index, column
    return None


def read_table(rows: Sequence[Row]) -> SopTable:
    """Read an SOP-AP table from rows of cells; every problem is kept, with its row."""
    found = _quality_row(rows)
    if found is None:
        return SopTable("", (), (), (Problem(1, RuleError("sop_import_no_header")),))
    quality_at, quality = found
    header_at = quality_at
    # The header may span two rows: No, Kegiatan, PELAKSANA over the performers' names.
    if _folded(rows[quality_at][1][:1]) != ["no"] and quality_at > 0:
        header_at = quality_at - 1
    header = _folded(rows[header_at][1])
    if header[:1] not in (["no"], ["no."]) or not header[1:2] or "kegiatan" not in header[1]:
        line = rows[header_at][0]
        return SopTable("", (), (), (Problem(line, RuleError("sop_import_header_start")),))
    performers = _performer_names(rows, header_at, quality_at, quality)
    title = _title(rows[:header_at])
    steps: list[TableStep] = []
    problems: list[Problem] = []
    for line, cells in rows[quality_at + 1 :]:
        if not any(cell.strip() for cell in cells):
            continue
        step = _read_step(line, cells, quality, problems)
        if step is not None:
            steps.append(step)
    problems += _numbering_problems(steps, rows[quality_at][0])
    return SopTable(title, performers, tuple(steps), tuple(problems))


def read_tsv(text: str) -> SopTable:
    """Read the table from its text with tab-separated cells (a copy of the document's table)."""
    return read_table([(number, line.split("\t")) for number, line in _lines(text)])


def _lines(text: str) -> Iterable[tuple[int, str]]:
    return enumerate(text.splitlines(), 1)


def _performer_names(
    rows: Sequence[Row], header_at: int, quality_at: int, quality: int
) -> tuple[str, ...]:
    """The names of the performer columns (between Kegiatan and Kelengkapan)."""
    names = []
    for column in range(2, quality):
        name = _cell(rows[quality_at][1], column)
        if not name or name.casefold() == "pelaksana":
            name = _cell(rows[header_at][1], column) if header_at != quality_at else ""
        if not name or name.casefold() == "pelaksana":
            name = f"Pelaksana {column - 1}"
        names.append(" ".join(name.split()))
    return tuple(names)


def _title(rows: Sequence[Row]) -> str:
    """The SOP's name: the first text after "STANDAR OPERASIONAL PROSEDUR" above the table."""
    texts = [" ".join(cell.split()) for _line, cells in rows for cell in cells if cell.strip()]
    for index, text in enumerate(texts):
        if text.casefold() == _TITLE_MARK and index + 1 < len(texts):
            return texts[index + 1]
    return ""


def _read_step(
    line: int, cells: Sequence[str], quality: int, problems: list[Problem]
) -> TableStep | None:
    if len(cells) < quality + 1:
        reason = RuleError("sop_import_too_few_columns", expected=quality + 1, found=len(cells))
        problems.append(Problem(line, reason))
        return None
    number_text = _cell(cells, 0)
    number = _step_number(number_text)
    if number is None:
        problems.append(Problem(line, RuleError("sop_import_bad_number", value=number_text)))
        return None
    activity = " ".join(_cell(cells, 1).split())
    if not activity:
        problems.append(Problem(line, RuleError("sop_import_no_activity")))
    waktu = " ".join(_cell(cells, quality + 1).split())
    try:
        minutes = standard_minutes(waktu)
    except ValueError:
        problems.append(Problem(line, RuleError("sop_import_bad_time", value=waktu)))
        minutes = None
    items = (item.strip(" -•·*\t") for item in _LIST_SEPARATOR.split(_cell(cells, quality)))
    kelengkapan = tuple(dict.fromkeys(" ".join(item.split()) for item in items if item))
    return TableStep(
        line=line,
        number=number,
        activity=activity,
        marks=tuple(column - 2 for column in range(2, quality) if _cell(cells, column)),
        kelengkapan=kelengkapan,
        waktu=waktu,
        minutes=minutes,
        output=" ".join(_cell(cells, quality + 2).split()),
    )


def _step_number(text: str) -> int | None:
    """A step number as typed ("3", "3.") or as a sheet stores it ("3.0")."""
    match = re.fullmatch(r"(\d+)(?:\.0*)?", text)
    if match is None or not text.isascii() or int(match[1]) < 1:
        return None
    return int(match[1])


def _numbering_problems(steps: Sequence[TableStep], header_line: int) -> list[Problem]:
    if not steps:
        return [Problem(header_line, RuleError("sop_import_no_steps"))]
    problems = []
    seen: dict[int, TableStep] = {}
    for step in steps:
        if step.number in seen:
            reason = RuleError("sop_import_duplicate_number", number=step.number)
            problems.append(Problem(step.line, reason))
        seen.setdefault(step.number, step)
    for expected in range(1, max(seen) + 1):
        if expected not in seen:
            after = [step.line for step in steps if step.number > expected]
            line = after[0] if after else steps[-1].line
            problems.append(Problem(line, RuleError("sop_import_missing_number", number=expected)))
    return problems


def standard_minutes(waktu: str) -> int | None:
    """Whole working minutes in "3 menit", "1,5 jam", "2 jam 30 menit", "1 hari"; None if blank.

    A standard is a positive whole number of minutes: "0 menit", "0,01 jam" or "sebentar" is
    not one (ValueError).
    """
    text = waktu.strip().casefold()
    if text in _UNTIMED:
        return None
    total = Decimal(0)
    position = 0
    for match in _DURATION_PART.finditer(text):
        if text[position : match.start()].strip() or match[2] not in _UNITS:
            raise ValueError(waktu)
        try:
            total += Decimal(match[1].replace(",", ".")) * _UNITS[match[2]]
        except InvalidOperation as exc:
            raise ValueError(waktu) from exc
        position = match.end()
    if position == 0 or text[position:].strip() or total <= 0 or total != int(total):
        raise ValueError(waktu)
    return int(total)


def build_sop(
    table: SopTable, *, key: str, name: str, version: int, choices: Choices
) -> tuple[SopDefinition | None, tuple[Problem, ...]]:
    """The definition the table and the choices make, or None and every problem found.

    Unless chosen otherwise, the first step opens the case, the last writes the daily log entry
    when its output mentions a log, and every other step writes a report; the table has no
    English, so the Indonesian activity stands in for it.
    """
    steps = {step.number: step for step in table.steps}
    corrected = {
        steps[n].line
        for n, choice in choices.steps.items()
        if n in steps and choice.waktu is not None
    }
    problems = [
        problem
        for problem in table.problems
        if not (problem.line in corrected and problem.reason.code == "sop_import_bad_time")
    ]
    for number in sorted(set(choices.steps) - set(steps)):
        line = table.steps[-1].line if table.steps else 1
        problems.append(Problem(line, RuleError("sop_import_mapping_unknown_step", step=number)))
    data_steps = [_step_data(step, table, choices, problems) for step in table.steps]
    if problems:
        return None, tuple(problems)
    data: dict[str, Any] = {"key": key, "name": name, "version": version, "steps": data_steps}
    if choices.record_for_others is not None:
        data["record_for_others"] = sorted(choices.record_for_others)
    if choices.close_early_by is not None:
        data["close_early_by"] = sorted(choices.close_early_by)
    try:
        return sop_from_dict(data, name), ()
    except SopDefinitionError as exc:
        line = steps[exc.step].line if exc.step in steps else 1
        return None, (Problem(line, exc.reason),)


def _step_data(
    step: TableStep, table: SopTable, choices: Choices, problems: list[Problem]
) -> dict[str, Any]:
    choice = choices.steps.get(step.number, StepChoice())
    data: dict[str, Any] = {
        "number": step.number,
        "activity_id": step.activity,
        "activity_en": choice.activity_en or "",
        "role": _performer(step, table, choice, choices.columns, problems),
        "kelengkapan": list(step.kelengkapan),
        "output_kind": (choice.output_kind or _default_kind(step, table)).value,
        "output_label": step.output,
        "names_performer_for": list(choice.names_performer_for),
        "sets_priority": choice.sets_priority,
        "shared_with_reporter": choice.shared_with_reporter,
        "separate_from": list(choice.separate_from),
    }
    minutes = step.minutes
    if choice.waktu is not None:
        try:
            minutes = standard_minutes(choice.waktu)
        except ValueError:
            problems.append(
                Problem(step.line, RuleError("sop_import_bad_time", value=choice.waktu))
            )
    if minutes is not None:
        data["standard_minutes"] = minutes
    if choice.may_return_to is not None:
        data["may_return_to"] = choice.may_return_to
    if choice.record_kind and data["output_kind"] in (OutputKind.INSTRUCTION, OutputKind.REPORT):
        data["record_kind"] = choice.record_kind
    return data


def _performer(
    step: TableStep,
    table: SopTable,
    choice: StepChoice,
    columns: Mapping[int, str],
    problems: list[Problem],
) -> str:
    if choice.position:
        return choice.position
    marked = [choice.column] if choice.column is not None else list(step.marks)
    if len(marked) > 1:
        shown = [table.performers[column] for column in marked]
        problems.append(Problem(step.line, RuleError("sop_import_two_marks", columns=shown)))
        return ""
    if not marked or not 0 <= marked[0] < len(table.performers):
        problems.append(Problem(step.line, RuleError("sop_import_no_performer", step=step.number)))
        return ""
    position = columns.get(marked[0])
    if not position:
        column = table.performers[marked[0]]
        problems.append(Problem(step.line, RuleError("sop_import_column_unmapped", column=column)))
        return ""
    return position


def _default_kind(step: TableStep, table: SopTable) -> OutputKind:
    if step is table.steps[0]:
        return OutputKind.CASE
    if step is table.steps[-1] and "log" in step.output.casefold():
        return OutputKind.LOG_ENTRY
    return OutputKind.REPORT


def table_rows(sop: SopDefinition) -> list[Row]:
    """The SOP written back as an SOP-AP table (its positions as the performer columns, each
    step marked in its own), so that a new version can be made from it."""
    columns = list(dict.fromkeys(step.role for step in sop.steps))
    header = ["No", "Kegiatan", *columns, "Kelengkapan", "Waktu", "Output", "Keterangan"]
    rows: list[Row] = [(1, ["STANDAR OPERASIONAL PROSEDUR"]), (2, [sop.name]), (3, header)]
    for step in sop.steps:
        marks = ["X" if column == step.role else "" for column in columns]
        waktu = f"{step.standard_minutes} menit" if step.standard_minutes else ""
        cells = [str(step.number), step.activity_id, *marks, ", ".join(step.kelengkapan)]
        rows.append((step.number + 3, [*cells, waktu, step.output_label, ""]))
    return rows
