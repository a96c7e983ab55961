"""The work queue: open cases whose current step is this account's, oldest first."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.enums import CaseStatus, Role

from ..accounts import Account
from ..cases import Case

QueueCursor = tuple[datetime, int]


def waiting_for(account: Account) -> sa.ColumnElement[bool]:
    """Open cases whose current step this account may take.

    A step waits for a position; when its performer is named, only for that account.
    """
    roles = account.role_codes - {Role.SUPERUSER}
    if not roles:
        return sa.false()
    return sa.and_(
        Case.status == CaseStatus.OPEN,
        Case.waiting_role.in_(sorted(roles)),
        sa.or_(Case.waiting_account_id.is_(None), Case.waiting_account_id == account.id),
    )


def work_queue(
    session: Session, account: Account, *, after: QueueCursor | None = None, limit: int = 50
) -> list[Case]:
    """One page of the queue, keyset-paginated on (created_at, id)."""
    stmt = sa.select(Case).where(waiting_for(account))
    if after is not None:
        stmt = stmt.where(sa.tuple_(Case.created_at, Case.id) > sa.tuple_(*after))
    stmt = stmt.order_by(Case.created_at, Case.id).limit(limit)
    return list(session.scalars(stmt))


def own_open_reports(session: Session, account: Account, limit: int = 20) -> list[Case]:
    """The open cases this account reported or recorded, newest first (a reporter's view)."""
    return list(
        session.scalars(
            sa.select(Case)
            .where(
                Case.status == CaseStatus.OPEN,
                sa.or_(Case.reporter_id == account.id, Case.recorded_by_id == account.id),
            )
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(limit)
        )
    )
