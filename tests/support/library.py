"""Putting an SOP table into the library through the services, as a superuser would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from admin_app.permissions import NEW_POSITION_GRANTS
from models import Account, Role, SopVersion
from models.services import positions, sop_import, sop_library
from rules.enums import OutputKind
from rules.importer import Choices, StepChoice
from tests.support.sop_tables import Shape
from tests.support.walk import MONDAY_0800


def choices_for(shape: Shape, performers: tuple[str, ...]) -> Choices:
    """What the superuser chooses for a shape: its columns' positions and its behaviours."""
    return Choices(
        columns={i: shape.positions[name] for i, name in enumerate(performers)},
        steps={
            n: StepChoice(
                output_kind=OutputKind(shape.kinds[n]) if n in shape.kinds else None,
                names_performer_for=shape.names.get(n, ()),
                may_return_to=shape.returns.get(n),
                sets_priority=n in shape.priority,
            )
            for n in range(1, len(shape.steps) + 1)
        },
    )


def ensure_positions(session: Any, shape: Shape) -> None:
    """Create the positions the shape maps to that do not exist yet."""
    for name, code in shape.positions.items():
        if session.query(Role).filter_by(code=code).first() is None:
            positions.create_position(
                session, None, code=code, name=name, grants=NEW_POSITION_GRANTS
            )


def publish_shape(
    session: Any, shape: Shape, path: Path, now: datetime = MONDAY_0800
) -> SopVersion:
    """Upload a written table, map it, save the draft and publish it; the published version."""
    upload = sop_import.start(session, None, path.name, path.read_bytes())
    table = sop_import.table_of(upload)
    ensure_positions(session, shape)
    sop, problems = sop_import.build(
        session, table, name=shape.title, choices=choices_for(shape, table.performers)
    )
    assert sop is not None, [problem.message("en") for problem in problems]
    draft = sop_library.save_draft(session, None, sop, source=upload)
    return sop_library.publish(session, None, draft, now)


def staff(shape: Shape, make_account: Callable[..., Account]) -> dict[str, list[Account]]:
    """Two accounts for every position of the shape (and the reporter's)."""
    return {
        code: [make_account(code), make_account(code)]
        for code in sorted(set(shape.positions.values()))
    }
