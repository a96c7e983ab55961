"""Reading the fields of an action's payload: checked, stripped, converted to enums."""

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from rules.errors import RuleError
from rules.sop import StepDef

TEXT_LIMIT = 10_000
"""Most characters a free text (description, step output, reason, note) may hold."""

_Choice = TypeVar("_Choice", bound=StrEnum)
# C0 control characters other than tab, line feed and carriage return: a NUL byte cannot be
# stored in PostgreSQL text, and the others are never typed by a person.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ASCII_DIGITS = re.compile("[0-9]+")


def whole_number(text: object, digits: int = 18) -> int | None:
    """ASCII digits (at most `digits`) as an int; None for anything else, '８' and '-1' too."""
    if not isinstance(text, str) or len(text) > digits or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)


def optional_text(payload: Mapping[str, object], field: str, limit: int = TEXT_LIMIT) -> str | None:
    """The field's text stripped of surrounding blanks; None when absent or blank."""
    value = payload.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RuleError("field_invalid", field=field)
    if _CONTROL_CHARACTERS.search(value):
        raise RuleError("text_invalid", field=field)
    value = value.strip()
    if len(value) > limit:
        raise RuleError("text_too_long", field=field, limit=limit)
    return value or None


def optional_choice(
    payload: Mapping[str, object], field: str, choices: type[_Choice]
) -> _Choice | None:
    """The field's value as a member of `choices`; None when absent or blank."""
    value = payload.get(field)
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    for choice in choices:
        if value == choice.value:
            return choice
    allowed = [choice.value for choice in choices]
    raise RuleError("invalid_choice", field=field, value=value, choices=allowed)


def optional_number(payload: Mapping[str, object], field: str) -> int | None:
    """The field as a positive whole number (an int or its digits, as a form sends it)."""
    value = payload.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = whole_number(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RuleError("field_invalid", field=field)
    return value


def ticked_kelengkapan(payload: Mapping[str, object], step: StepDef) -> tuple[str, ...]:
    """The items of the step's kelengkapan that the payload ticks (case-insensitively)."""
    value = payload.get("kelengkapan") or ()
    # A bare string is iterable too, but its characters are not items.
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        raise RuleError("field_invalid", field="kelengkapan")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise RuleError("field_invalid", field="kelengkapan")
    ticked = {item.strip().casefold() for item in items}
    return tuple(item for item in step.kelengkapan if item.casefold() in ticked)


def confirmed_kelengkapan(payload: Mapping[str, object], step: StepDef) -> tuple[str, ...]:
    """The step's kelengkapan, once the payload confirms every item (case-insensitively)."""
    ticked = ticked_kelengkapan(payload, step)
    missing = [item for item in step.kelengkapan if item not in ticked]
    if missing:
        raise RuleError("kelengkapan_incomplete", step=step.number, missing=missing)
    return step.kelengkapan
