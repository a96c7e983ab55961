"""The SOP import form: what a superuser chose for a table, read from the request, kept as JSON.

The choices are plain data ({"name", "name_en", "new_version_of", "columns", "steps"}) so that
they can be kept with the upload and shown again; `rules_choices` turns them into what
rules.importer.build_sop reads. A performer column may be mapped to a position that does not
exist yet ("new:<code>"); it is created when the draft is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from models import Role, db
from models.services.positions import suggested_code
from rules.enums import OutputKind
from rules.importer import Choices, SopTable, StepChoice
from rules.payload import whole_number
from rules.sop import SopDefinition

NEW = "new:"
STEP_KINDS = (OutputKind.INSTRUCTION, OutputKind.REPORT, OutputKind.LOG_ENTRY)
"""What a step after the first may output (the first opens the case)."""


def _numbers(value: object) -> list[int]:
    """Step numbers typed as "6, 7" (anything unreadable left out)."""
    return sorted({n for t in str(value or "").split(",") if (n := _number(t)) is not None})


def _number(value: object) -> int | None:
    return whole_number(str(value or "").strip(), digits=3)


def initial(table: SopTable, positions: list[Role]) -> dict[str, Any]:
    """First choices for a new table: its title as the name, columns matched to positions."""
    return {
        "name": table.title,
        "name_en": "",
        "new_version_of": "",
        "columns": {str(i): _guess(name, positions) for i, name in enumerate(table.performers)},
        "steps": {},
    }


def _guess(column: str, positions: list[Role]) -> str:
    """The position a column names (its code or name, or its name with a note in brackets, as
    "Pengguna (Pegawai/Non Pegawai DJKI)"), else a new one."""
    folded = " ".join(column.split()).casefold()
    bare = folded.split(" (")[0]
    for role in positions:
        if role.code in (folded, bare) or role.name.casefold() in (folded, bare):
            return role.code
    return NEW + suggested_code(column)


def of_definition(sop: SopDefinition, table: SopTable) -> dict[str, Any]:
    """Choices that rebuild this SOP from its own table (a new version made from it): what the
    table cannot hold (English, record kinds, who records and closes) comes along too."""
    columns = {str(i): name for i, name in enumerate(table.performers)}
    return {
        "name": sop.name,
        "name_en": sop.name_en,
        "new_version_of": sop.key,
        "columns": columns,
        "record_for_others": sorted(sop.record_for_others),
        "close_early_by": sorted(sop.close_early_by),
        "steps": {
            str(step.number): {
                "column": None,
                "waktu": None,
                "output_kind": step.output_kind.value,
                "names": list(step.names_performer_for),
                "return_to": step.may_return_to,
                "priority": step.sets_priority,
                "shared": step.shared_with_reporter,
                "separate": list(step.separate_from),
                "activity_en": step.activity_en if step.activity_en != step.activity_id else "",
                "record_kind": step.record_kind,
            }
            for step in sop.steps
        },
    }


def from_request(
    form: Any, table: SopTable, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The choices as the form posted them (anything unreadable is left unchosen); what the
    form does not show (English, record kinds) stays as `previous` had it."""
    previous = previous or {}
    kept = previous.get("steps", {})
    steps = {}
    for step in table.steps:
        n = step.number
        kind = form.get(f"kind-{n}", "")
        waktu = form.get(f"waktu-{n}")
        steps[str(n)] = {
            "activity_en": kept.get(str(n), {}).get("activity_en"),
            "record_kind": kept.get(str(n), {}).get("record_kind"),
            "column": _number(form.get(f"column-{n}")),
            "waktu": None if waktu is None or waktu.strip() == step.waktu else waktu.strip(),
            "output_kind": kind if kind in {k.value for k in OutputKind} else None,
            "names": _numbers(form.get(f"names-{n}")),
            "separate": _numbers(form.get(f"separate-{n}")),
            "return_to": _number(form.get(f"return-{n}")),
            "priority": form.get(f"priority-{n}") == "1",
            "shared": form.get(f"shared-{n}") == "1",
        }
    chosen = form.get("roles_shown") == "1"  # the two lists below were on the form
    return {
        "name": " ".join(str(form.get("name", "")).split()),
        "name_en": " ".join(str(form.get("name_en", "")).split()),
        "new_version_of": str(form.get("new_version_of", "")),
        "columns": {
            str(i): str(form.get(f"column-map-{i}", "")) for i in range(len(table.performers))
        },
        "record_for_others": (
            sorted(form.getlist("record_for_others"))
            if chosen
            else previous.get("record_for_others")
        ),
        "close_early_by": (
            sorted(form.getlist("close_early_by")) if chosen else previous.get("close_early_by")
        ),
        "steps": steps,
    }


def position_code(value: str) -> str:
    """The position a column is mapped to (a new one by the code it will get)."""
    return value[len(NEW) :] if value.startswith(NEW) else value


def new_positions(data: Mapping[str, Any], table: SopTable) -> list[tuple[str, str]]:
    """(code, name) of the positions the mapping asks to create, one per code; a code that
    exists by now (created with an earlier save of the draft) is simply that position."""
    existing = set(db.session.scalars(sa.select(Role.code)))
    wanted: dict[str, str] = {}
    for index, value in data["columns"].items():
        code = position_code(value)
        if value.startswith(NEW) and code not in existing and int(index) < len(table.performers):
            wanted.setdefault(code, table.performers[int(index)])
    return sorted(wanted.items())


def rules_choices(data: Mapping[str, Any]) -> Choices:
    """What rules.importer.build_sop reads."""
    steps = {}
    for number, chosen in data["steps"].items():
        kind = chosen.get("output_kind")
        steps[int(number)] = StepChoice(
            column=chosen.get("column"),
            waktu=chosen.get("waktu"),
            activity_en=chosen.get("activity_en"),
            record_kind=chosen.get("record_kind"),
            output_kind=OutputKind(kind) if kind else None,
            names_performer_for=tuple(chosen.get("names", ())),
            may_return_to=chosen.get("return_to"),
            sets_priority=bool(chosen.get("priority")),
            shared_with_reporter=bool(chosen.get("shared")),
            separate_from=tuple(chosen.get("separate", ())),
        )
    columns = {int(i): position_code(v) for i, v in data["columns"].items() if v}
    recorders, closers = data.get("record_for_others"), data.get("close_early_by")
    return Choices(
        columns=columns,
        steps=steps,
        record_for_others=None if recorders is None else frozenset(recorders),
        close_early_by=None if closers is None else frozenset(closers),
    )
