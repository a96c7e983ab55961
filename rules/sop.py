"""The SOP as data: its steps, who performs them, their standards, and how a definition is read."""

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rules.enums import InstructionKind, OutputKind, ReportKind, Role
from rules.errors import RuleError, SopDefinitionError

PORTAL_SOP_KEY = "pemeliharaan-portal"
_PORTAL_SOP_FILE = Path(__file__).with_name("sops") / "pemeliharaan_portal.toml"

_KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SOP_KEYS = frozenset({"key", "name", "version", "steps"})
_REQUIRED_STEP_KEYS = frozenset({"number", "activity_id", "activity_en", "role", "output_kind"})
_OPTIONAL_STEP_KEYS = frozenset(
    {
        "kelengkapan",
        "standard_minutes",
        "output_label",
        "record_kind",
        "names_assignee",
        "by_assignee",
        "may_return_to",
        "sets_priority",
    }
)
_Choice = TypeVar("_Choice", Role, OutputKind)
_PERFORMER_ROLES = tuple(role for role in Role if role is not Role.SUPERUSER)
# Which record kinds a step of each output kind may produce; a return for rework records
# "pengembalian" by itself, so no step produces it as its normal output.
_RECORD_KINDS: Mapping[OutputKind, frozenset[str]] = {
    OutputKind.CASE: frozenset(),
    OutputKind.INSTRUCTION: frozenset(InstructionKind),
    OutputKind.REPORT: frozenset(ReportKind) - {ReportKind.PENGEMBALIAN},
    OutputKind.LOG_ENTRY: frozenset(),
}


@dataclass(frozen=True)
class StepDef:
    """One step: who performs it, with what inputs, in how long, producing which record."""

    number: int
    activity_id: str
    activity_en: str
    role: Role
    kelengkapan: tuple[str, ...]
    standard_minutes: int | None
    output_kind: OutputKind
    output_label: str
    record_kind: str | None
    names_assignee: bool = False
    by_assignee: bool = False
    may_return_to: int | None = None
    sets_priority: bool = False


@dataclass(frozen=True)
class SopDefinition:
    """A whole SOP: its identity and its steps, numbered 1..N."""

    key: str
    name: str
    version: int
    steps: tuple[StepDef, ...]

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


def sop_from_dict(data: Mapping[str, Any], source: str) -> SopDefinition:
    """Build an SOP from plain data (TOML/JSON), refusing anything malformed."""
    if not isinstance(data, Mapping):
        raise SopDefinitionError(source, None, "the definition must be a table of keys")
    _check_keys(data, _SOP_KEYS, _SOP_KEYS, source, None)
    key = _text(data, "key", source, None)
    if not _KEY_PATTERN.fullmatch(key):
        raise SopDefinitionError(source, None, f"key {key!r} must be a lower-case slug")
    name = _text(data, "name", source, None)
    version = _positive_int(data, "version", source, None)
    raw_steps = data["steps"]
    if not isinstance(raw_steps, list | tuple) or len(raw_steps) < 2:
        # One step could only be the report itself: nobody would handle the case.
        raise SopDefinitionError(source, None, "'steps' must be a list of at least two steps")
    steps = tuple(
        _step_from_dict(raw, position, source) for position, raw in enumerate(raw_steps, 1)
    )
    _check_flow(steps, source)
    return SopDefinition(key=key, name=name, version=version, steps=steps)


def _step_from_dict(raw: object, position: int, source: str) -> StepDef:
    if not isinstance(raw, Mapping):
        raise SopDefinitionError(source, position, "a step must be a table of keys")
    _check_keys(
        raw, _REQUIRED_STEP_KEYS, _REQUIRED_STEP_KEYS | _OPTIONAL_STEP_KEYS, source, position
    )
    number = raw["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number != position:
        reason = f"steps must be numbered 1..N in order: expected {position}, found {number!r}"
        raise SopDefinitionError(source, position, reason)
    output_kind = _choice(raw, "output_kind", tuple(_RECORD_KINDS), source, number)
    return StepDef(
        number=number,
        activity_id=_text(raw, "activity_id", source, number),
        activity_en=_text(raw, "activity_en", source, number),
        role=_choice(raw, "role", _PERFORMER_ROLES, source, number),
        kelengkapan=_kelengkapan(raw.get("kelengkapan", []), source, number),
        standard_minutes=(
            _positive_int(raw, "standard_minutes", source, number)
            if "standard_minutes" in raw
            else None
        ),
        output_kind=output_kind,
        output_label=_text(raw, "output_label", source, number, allow_empty=True, default=""),
        record_kind=_record_kind(raw.get("record_kind"), output_kind, source, number),
        names_assignee=_flag(raw, "names_assignee", source, number),
        by_assignee=_flag(raw, "by_assignee", source, number),
        may_return_to=(
            _positive_int(raw, "may_return_to", source, number) if "may_return_to" in raw else None
        ),
        sets_priority=_flag(raw, "sets_priority", source, number),
    )


def _check_flow(steps: tuple[StepDef, ...], source: str) -> None:
    """Check what only the steps together can tell: the case, the assignment, the returns."""
    first, last = steps[0], steps[-1]
    if first.output_kind is not OutputKind.CASE:
        raise SopDefinitionError(source, first.number, "the first step must output the case")
    naming = [step.number for step in steps if step.names_assignee]
    if len(naming) > 1:
        raise SopDefinitionError(source, naming[1], "only one step may name an assignee")
    for step in steps[1:]:
        if step.output_kind is OutputKind.CASE:
            raise SopDefinitionError(source, step.number, "only the first step outputs the case")
        if step.by_assignee and not (naming and naming[0] < step.number):
            reason = "by_assignee needs an earlier step that names the assignee"
            raise SopDefinitionError(source, step.number, reason)
        if step.may_return_to is not None and not first.number < step.may_return_to < step.number:
            # The first step is the report itself, done once when the case opens.
            reason = "may_return_to must point to an earlier step after the first"
            raise SopDefinitionError(source, step.number, reason)
    if first.names_assignee or first.by_assignee or first.may_return_to is not None:
        reason = "the first step opens the case and cannot assign, be assigned or return"
        raise SopDefinitionError(source, first.number, reason)
    if last.names_assignee:
        reason = "the last step cannot name an assignee: no later step would be done by them"
        raise SopDefinitionError(source, last.number, reason)


def _check_keys(
    raw: Mapping[str, Any],
    required: frozenset[str],
    allowed: frozenset[str],
    source: str,
    step: int | None,
) -> None:
    missing = sorted(required - raw.keys())
    if missing:
        raise SopDefinitionError(source, step, f"missing key {missing[0]!r}")
    # Unknown keys are refused so that a misspelt flag cannot silently fall back to its default.
    unknown = sorted(str(key) for key in raw.keys() - allowed)
    if unknown:
        raise SopDefinitionError(source, step, f"unknown key {unknown[0]!r}")


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
        raise SopDefinitionError(source, step, f"{name!r} must be text")
    value = value.strip()
    if not value and not allow_empty:
        raise SopDefinitionError(source, step, f"{name!r} must not be empty")
    return value


def _positive_int(raw: Mapping[str, Any], name: str, source: str, step: int | None) -> int:
    value = raw[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SopDefinitionError(source, step, f"{name!r} must be a positive whole number")
    return value


def _flag(raw: Mapping[str, Any], name: str, source: str, step: int) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise SopDefinitionError(source, step, f"{name!r} must be true or false")
    return value


def _choice(
    raw: Mapping[str, Any], name: str, choices: tuple[_Choice, ...], source: str, step: int
) -> _Choice:
    value = raw[name]
    for choice in choices:
        if value == choice.value:
            return choice
    allowed = ", ".join(choice.value for choice in choices)
    raise SopDefinitionError(source, step, f"{name!r} must be one of: {allowed}")


def _kelengkapan(value: object, source: str, step: int) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise SopDefinitionError(source, step, "'kelengkapan' must be a list of non-empty texts")
    items = tuple(item.strip() for item in value)
    if len({item.casefold() for item in items}) != len(items):
        raise SopDefinitionError(source, step, "'kelengkapan' lists an item twice")
    return items


def _record_kind(value: object, output_kind: OutputKind, source: str, step: int) -> str | None:
    allowed = _RECORD_KINDS[output_kind]
    if value is None and output_kind is not OutputKind.INSTRUCTION:
        return None
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(sorted(allowed)) or "none"
        reason = f"'record_kind' for output_kind {output_kind.value!r} must be one of: {choices}"
        raise SopDefinitionError(source, step, reason)
    return value


def sop_to_dict(sop: SopDefinition) -> dict[str, Any]:
    """Plain data for an SOP (TOML/JSON-friendly: absent keys stand for None)."""
    return {
        "key": sop.key,
        "name": sop.name,
        "version": sop.version,
        "steps": [_step_to_dict(step) for step in sop.steps],
    }


def _step_to_dict(step: StepDef) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": step.number,
        "activity_id": step.activity_id,
        "activity_en": step.activity_en,
        "role": step.role.value,
        "kelengkapan": list(step.kelengkapan),
        "output_kind": step.output_kind.value,
        "output_label": step.output_label,
        "names_assignee": step.names_assignee,
        "by_assignee": step.by_assignee,
        "sets_priority": step.sets_priority,
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
        raise SopDefinitionError(str(path), None, f"cannot be read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SopDefinitionError(str(path), None, f"is not valid TOML: {exc}") from exc
    return sop_from_dict(data, str(path))


@functools.cache
def portal_sop() -> SopDefinition:
    """The SOP "Pemeliharaan Portal Website DJKI" shipped with SOP Desk."""
    return load_sop_file(_PORTAL_SOP_FILE)
