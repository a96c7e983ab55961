"""PostgreSQL itself refuses to rewrite history: audit, daily log, instructions, reports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from models.services import audit
from rules.enums import Role
from tests.support import walk
from tests.support.walk import CALENDAR, MONDAY_0800, Team, step_payload, walk_to


@pytest.fixture
def finished_case(db_session, make_account) -> int:
    team = Team(
        *(
            make_account(r)
            for r in (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU, Role.JFU)
        )
    )
    case_id = walk_to(db_session, team, 9)
    walk.complete_step(
        db_session, team.kasi, case_id, 9, step_payload(9), MONDAY_0800.replace(hour=11), CALENDAR
    )
    db_session.flush()
    return case_id


@pytest.mark.parametrize("table", ["audit_events", "log_entries", "instructions", "reports"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET id = id WHERE case_id = :case",
        "DELETE FROM {table} WHERE case_id = :case",
        "TRUNCATE {table} CASCADE",
    ],
)
def test_history_rows_cannot_be_updated_deleted_or_truncated(
    db_session, finished_case, table, statement
):
    with pytest.raises(DBAPIError, match="append-only"):
        with db_session.begin_nested():
            db_session.execute(sa.text(statement.format(table=table)), {"case": finished_case})
    remaining = db_session.scalar(
        sa.text(f"SELECT count(*) FROM {table} WHERE case_id = :case"), {"case": finished_case}
    )
    assert remaining > 0


def test_a_correction_is_a_new_log_entry_pointing_at_the_old_one(db_session, finished_case):
    from models import LogEntry

    original = db_session.scalars(sa.select(LogEntry).filter_by(case_id=finished_case)).one()
    correction = LogEntry(
        case_id=finished_case,
        text="Koreksi: perbaikan selesai pukul 10.30",
        log_date=original.log_date,
        author_id=original.author_id,
        created_at=original.created_at,
        corrects_id=original.id,
    )
    db_session.add(correction)
    audit.record(
        db_session,
        actor_id=original.author_id,
        action="log_entry.correct",
        entity="log_entry",
        entity_id=original.id,
        case_id=finished_case,
    )
    db_session.flush()
    assert correction.corrects is original
