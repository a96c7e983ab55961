"""The SOP as data: its steps, who performs them, their standards and behaviours, read and checked.

Every special thing a step does is one of its properties: it opens the case (the first step),
sets the priority, names the performer of later steps, may send the case back to an earlier
step, writes the daily activity log entry (its output kind). Performers are positions
(jabatan) named by a code; which positions exist is the database's business, not the rules'.
"""

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rules.enums import OutputKind, Role
from rules.errors import RuleError, SopDefinitionError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""The form of an SOP key, a position code and a record kind: lower-case words and hyphens."""
KEY_LIMIT = 100
CODE_LIMIT = 50
NAME_LIMIT = 300
RETURN_RECORD_KIND = "pengembalian"
"""What a return to an earlier step records; no step produces it as its own output."""

_SOP_KEYS = frozenset({"key", "name", "version", "steps"})
_OPTIONAL_SOP_KEYS = frozenset({"name_en", "record_for_others", "close_early_by"})
_REQUIRED_STEP_KEYS = frozenset({"number", "activity_id", "role", "output_kind"})
_OPTIONAL_STEP_KEYS = frozenset(
    {
        "activity_en",
        "kelengkapan",
        "standard_minutes",
        "output_label",
        "record_kind",
        "names_performer_for",
        "may_return_to",
        "sets_priority",
        "shared_with_reporter",
        "separate_from",
    }
)
_STEP_OUTPUTS = (OutputKind.CASE, OutputKind.INSTRUCTION, OutputKind.REPORT, OutputKind.LOG_ENTRY)
_RECORDS = frozenset({OutputKind.INSTRUCTION, OutputKind.REPORT})


@dataclass(frozen=True)
class StepDef:
    """One step: who performs it, with what inputs, in how long, producing which record."""

    number: int
    activity_id: str
    activity_en: str
    role: str
    kelengkapan: tuple[str, ...]
    standard_minutes: int | None
    output_kind: OutputKind
    output_label: str
    record_kind: str | None
    names_performer_for: tuple[int, ...] = ()
    named_by: int | None = None
    """The earlier step that names this step's performer (derived from names_performer_for)."""
    may_return_to: int | None = None
    sets_priority: bool = False
    shared_with_reporter: bool = False
    """Whether the person who reported the case sees this step's output (else it is internal)."""
    separate_from: tuple[int, ...] = ()
    """Earlier steps whose performers may not perform this one (four eyes: who fixed does not
    accept the fix; who names a performer is not named)."""

    @property
    def names_assignee(self) -> bool:
        """True when this step names the performer of later steps."""
        return bool(self.names_performer_for)

    @property
    def by_assignee(self) -> bool:
        """True when only the performer named at an earlier step may take this step."""
        return self.named_by is not None


@dataclass(frozen=True)
class SopDefinition:
    """A whole SOP: its identity, its steps numbered 1..N, and who may record and close."""

    key: str
    name: str
    version: int
    steps: tuple[StepDef, ...]
    record_for_others: frozenset[str]
    """Positions that may open a case on behalf of an outside reporter (phone, email, walk-in)."""
    close_early_by: frozenset[str]
    """Positions that may close a case before its last step, with a reason."""
    name_en: str = ""

    def step(self, number: int) -> StepDef:
        """The step with this number, or RuleError "unknown_step"."""
        if 1 <= number <= len(self.steps) and self.steps[number - 1].number == number:
            return self.steps[number - 1]
        raise RuleError("unknown_step", step=number)

    @property
    def first_step(self) -> int:
        """Number of the first step (the report that opens a case)."""
        return self.steps[0].number

    @property
    def last_step(self) -> int:
        """Number of the last step (completing it closes the case)."""
        return self.steps[-1].number

    def next_step(self, number: int) -> int | None:
        """Number of the step after this one, or None after the last step."""
        self.step(number)
        return number + 1 if number < self.last_step else None

    @property
    def total_standard_minutes(self) -> int:
        """Sum of the standards of all timed steps."""
        return sum(step.standard_minutes or 0 for step in self.steps)

    def standard_after(self, number: int) -> int:
        """Sum of the standards of the timed steps after this one."""
        self.step(number)
        return sum(step.standard_minutes or 0 for step in self.steps[number:])

    @property
    def positions(self) -> frozenset[str]:
        """Every position this SOP names: performers, recorders and closers."""
        performers = {step.role for step in self.steps}
        return frozenset(performers | self.record_for_others | self.close_early_by)

    @property
    def named_steps(self) -> tuple[int, ...]:
        """The steps whose performer an earlier step names."""
        return tuple(step.number for step in self.steps if step.by_assignee)


def sop_from_dict(data: Mapping[str, Any], source: str) -> SopDefinition:
    """Build an SOP from plain data (TOML/JSON), refusing anything malformed."""
    if not isinstance(data, Mapping):
        raise SopDefinitionError(source, None, "sop_not_a_table")
    _check_keys(data, _SOP_KEYS, _SOP_KEYS | _OPTIONAL_SOP_KEYS, source, None)
    key = _slug(_text(data, "key", source, None), "key", KEY_LIMIT, source, None)
    name = _text(data, "name", source, None)
    if len(name) > NAME_LIMIT:
        raise SopDefinitionError(source, None, "sop_name_too_long", limit=NAME_LIMIT)
    version = _positive_int(data, "version", source, None)
    raw_steps = data["steps"]
    if not isinstance(raw_steps, list | tuple) or len(raw_steps) < 2:
        # One step could only be the report itself: nobody would handle the case.
        raise SopDefinitionError(source, None, "sop_too_few_steps")
    steps = _link_named(
        tuple(_step_from_dict(raw, position, source) for position, raw in enumerate(raw_steps, 1)),
        source,
    )
    _check_flow(steps, source)
    later = steps[1:]
    return SopDefinition(
        key=key,
        name=name,
        name_en=_text(data, "name_en", source, None, allow_empty=True, default=""),
        version=version,
        steps=steps,
        # Unless the definition says otherwise: whoever performs a later step may record a
        # report for an outside reporter, and whoever performs one not named case by case may
        # close a case early.
        record_for_others=_positions(
            data, "record_for_others", {step.role for step in later}, source
        ),
        close_early_by=_positions(
            data, "close_early_by", {step.role for step in later if not step.by_assignee}, source
        ),
    )


def _step_from_dict(raw: object, position: int, source: str) -> StepDef:
    if not isinstance(raw, Mapping):
        raise SopDefinitionError(source, position, "sop_not_a_table")
    _check_keys(
        raw, _REQUIRED_STEP_KEYS, _REQUIRED_STEP_KEYS | _OPTIONAL_STEP_KEYS, source, position
    )
    number = raw["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number != position:
        raise SopDefinitionError(
            source, position, "sop_step_order", expected=position, found=number
        )
    output_kind = _output_kind(raw, source, number)
    activity = _text(raw, "activity_id", source, number)
    label = _text(raw, "output_label", source, number, allow_empty=True, default="")
    return StepDef(
        number=number,
        activity_id=activity,
        activity_en=_text(raw, "activity_en", source, number, allow_empty=True, default="")
        or activity,
        role=_position(raw["role"], "role", source, number),
        kelengkapan=_kelengkapan(raw.get("kelengkapan", []), source, number),
        standard_minutes=(
            _positive_int(raw, "standard_minutes", source, number)
            if "standard_minutes" in raw
            else None
        ),
        output_kind=output_kind,
        output_label=label,
        record_kind=_record_kind(raw.get("record_kind"), output_kind, label, source, number),
        names_performer_for=_step_numbers(
            raw.get("names_performer_for", []), source, number, "names_performer_for"
        ),
        may_return_to=(
            _positive_int(raw, "may_return_to", source, number) if "may_return_to" in raw else None
        ),
        sets_priority=_flag(raw, "sets_priority", source, number),
        shared_with_reporter=_flag(raw, "shared_with_reporter", source, number),
        separate_from=_step_numbers(raw.get("separate_from", []), source, number, "separate_from"),
    )


def _link_named(steps: tuple[StepDef, ...], source: str) -> tuple[StepDef, ...]:
    """Mark each step whose performer an earlier step names, refusing impossible targets.

    One step names the performer (a case keeps one named performer, as the portal SOP's JFU);
    it may name them for several later steps.
    """
    naming = [step.number for step in steps if step.names_performer_for]
    if len(naming) > 1:
        raise SopDefinitionError(source, naming[1], "sop_two_naming_steps", first=naming[0])
    named_by: dict[int, int] = {}
    for step in steps:
        for target in step.names_performer_for:
            if not 1 <= target <= len(steps):
                raise SopDefinitionError(source, step.number, "sop_names_missing", target=target)
            if target <= step.number:
                raise SopDefinitionError(source, step.number, "sop_names_not_later", target=target)
            named_by[target] = step.number
    return tuple(replace(step, named_by=named_by.get(step.number)) for step in steps)


def _check_flow(steps: tuple[StepDef, ...], source: str) -> None:
    """Check what only the steps together can tell: the case, the returns."""
    first = steps[0]
    if first.output_kind is not OutputKind.CASE:
        raise SopDefinitionError(source, first.number, "sop_first_not_case")
    if first.names_performer_for or first.may_return_to is not None or first.sets_priority:
        raise SopDefinitionError(source, first.number, "sop_first_behaviour")
    for step in steps[1:]:
        if step.output_kind is OutputKind.CASE:
            raise SopDefinitionError(source, step.number, "sop_case_not_first")
        # The first step is the report itself, done once when the case opens.
        for earlier in step.separate_from:
            # Separation from the report itself would shut out a reporter who is also staff.
            if not first.number < earlier < step.number:
                raise SopDefinitionError(source, step.number, "sop_separate_target", target=earlier)
        if step.may_return_to is not None and not first.number < step.may_return_to < step.number:
            raise SopDefinitionError(
                source, step.number, "sop_return_target", target=step.may_return_to
            )


def _check_keys(
    raw: Mapping[str, Any],
    required: frozenset[str],
    allowed: frozenset[str],
    source: str,
    step: int | None,
) -> None:
    missing = sorted(required - raw.keys())
    if missing:
        raise SopDefinitionError(source, step, "sop_missing_key", name=missing[0])
    # Unknown keys are refused so that a misspelt flag cannot silently fall back to its default.
    unknown = sorted(str(key) for key in raw.keys() - allowed)
    if unknown:
        raise SopDefinitionError(source, step, "sop_unknown_key", name=unknown[0])


def _text(
    raw: Mapping[str, Any],
    name: str,
    source: str,
    step: int | None,
    *,
    allow_empty: bool = False,
    default: str | None = None,
) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str):
        raise SopDefinitionError(source, step, "sop_not_text", name=name)
    value = value.strip()
    if not value and not allow_empty:
        raise SopDefinitionError(source, step, "sop_empty_text", name=name)
    return value


def _slug(value: str, name: str, limit: int, source: str, step: int | None) -> str:
    if len(value) > limit or not SLUG.fullmatch(value):
        raise SopDefinitionError(source, step, "sop_not_a_code", name=name, value=value)
    return value


def _position(value: object, name: str, source: str, step: int | None) -> str:
    if not isinstance(value, str):
        raise SopDefinitionError(source, step, "sop_not_text", name=name)
    code = _slug(value.strip(), name, CODE_LIMIT, source, step)
    if code == Role.SUPERUSER:
        # A superuser manages accounts and the SOPs; performing steps is for positions.
        raise SopDefinitionError(source, step, "sop_superuser_performs")
    return code


def _positions(
    raw: Mapping[str, Any], name: str, default: Iterable[str], source: str
) -> frozenset[str]:
    if name not in raw:
        return frozenset(default)
    value = raw[name]
    if not isinstance(value, list | tuple):
        raise SopDefinitionError(source, None, "sop_not_a_list", name=name)
    return frozenset(_position(item, name, source, None) for item in value)


def _positive_int(raw: Mapping[str, Any], name: str, source: str, step: int | None) -> int:
    value = raw[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SopDefinitionError(source, step, "sop_not_positive", name=name)
    return value


def _step_numbers(value: object, source: str, step: int, name: str) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise SopDefinitionError(source, step, "sop_not_a_list", name=name)
    return tuple(sorted(set(value)))


def _flag(raw: Mapping[str, Any], name: str, source: str, step: int) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise SopDefinitionError(source, step, "sop_not_a_flag", name=name)
    return value


def _output_kind(raw: Mapping[str, Any], source: str, step: int) -> OutputKind:
    value = raw["output_kind"]
    for kind in _STEP_OUTPUTS:
        if value == kind.value:
            return kind
    choices = [kind.value for kind in _STEP_OUTPUTS]
    raise SopDefinitionError(source, step, "sop_bad_choice", name="output_kind", choices=choices)


def _kelengkapan(value: object, source: str, step: int) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise SopDefinitionError(source, step, "sop_not_a_list", name="kelengkapan")
    items = tuple(item.strip() for item in value)
    seen: set[str] = set()
    for item in items:
        if item.casefold() in seen:
            raise SopDefinitionError(source, step, "sop_kelengkapan_twice", item=item)
        seen.add(item.casefold())
    return items


def slug_of(text: str, limit: int) -> str:
    """Text as a code: its ASCII letters and digits, lower-case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit].strip("-")


def record_kind_for(label: str, number: int) -> str:
    """The record kind a step's output is filed under: its label as a code, else `langkah-N`."""
    code = slug_of(label, CODE_LIMIT)
    return code if code and code != RETURN_RECORD_KIND else f"langkah-{number}"


def _record_kind(
    value: object, output_kind: OutputKind, label: str, source: str, step: int
) -> str | None:
    if output_kind not in _RECORDS:
        if value is not None:
            raise SopDefinitionError(source, step, "sop_record_kind_unused")
        return None
    if value is None:
        return record_kind_for(label, step)
    code = _position(value, "record_kind", source, step)
    if code == RETURN_RECORD_KIND:
        raise SopDefinitionError(source, step, "sop_record_kind_reserved", value=code)
    return code


def sop_to_dict(sop: SopDefinition) -> dict[str, Any]:
    """Plain data for an SOP (TOML/JSON-friendly: absent keys stand for None)."""
    data: dict[str, Any] = {
        "key": sop.key,
        "name": sop.name,
        "version": sop.version,
        "record_for_others": sorted(sop.record_for_others),
        "close_early_by": sorted(sop.close_early_by),
        "steps": [_step_to_dict(step) for step in sop.steps],
    }
    if sop.name_en:
        data["name_en"] = sop.name_en
    return data


def _step_to_dict(step: StepDef) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": step.number,
        "activity_id": step.activity_id,
        "activity_en": step.activity_en,
        "role": step.role,
        "kelengkapan": list(step.kelengkapan),
        "output_kind": step.output_kind.value,
        "output_label": step.output_label,
        "names_performer_for": list(step.names_performer_for),
        "sets_priority": step.sets_priority,
        "shared_with_reporter": step.shared_with_reporter,
        "separate_from": list(step.separate_from),
    }
    optional = {
        "standard_minutes": step.standard_minutes,
        "record_kind": step.record_kind,
        "may_return_to": step.may_return_to,
    }
    data.update({name: value for name, value in optional.items() if value is not None})
    return data


def load_sop_file(path: str | Path) -> SopDefinition:
    """Read and check an SOP definition from a TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as exc:
        raise SopDefinitionError(str(path), None, "sop_unreadable", reason=exc.strerror) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SopDefinitionError(str(path), None, "sop_not_toml", reason=str(exc)) from exc
    return sop_from_dict(data, str(path))
