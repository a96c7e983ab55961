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
    """Open cases whose current step this account may take (a JFU: only those directed to them)."""
    roles = account.role_codes - {Role.SUPERUSER}
    clauses = []
    if roles - {Role.JFU}:
        clauses.append(Case.waiting_role.in_(sorted(roles - {Role.JFU})))
    if Role.JFU in roles:
        clauses.append(
            sa.and_(
                Case.waiting_role == Role.JFU,
                sa.or_(Case.assignee_id == account.id, Case.assignee_id.is_(None)),
            )
        )
    if not clauses:
        return sa.false()
    return sa.and_(Case.status == CaseStatus.OPEN, sa.or_(*clauses))


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
