"""Row scoping in SQL: the cases (and their records) an account may see, as the rules decide."""

from __future__ import annotations

import sqlalchemy as sa

from rules.enums import Visibility
from rules.visibility import case_visibility

from ..accounts import Account
from ..cases import Case, StepRun
from .queue import waiting_for


def visible_cases(account: Account) -> sa.ColumnElement[bool]:
    """A WHERE clause on Case for the cases this account may see."""
    scopes = case_visibility(account.case_scopes)
    if Visibility.ALL in scopes:
        return sa.true()
    clauses = []
    if Visibility.ASSIGNED in scopes:
        # Directed to the account: named for a step, waiting now for one of its positions, or
        # one whose step it took (so a performer still sees the case it just handed on).
        clauses.append(Case.assignee_id == account.id)
        clauses.append(waiting_for(account))
        clauses.append(
            sa.exists().where(StepRun.case_id == Case.id, StepRun.performer_id == account.id)
        )
    if Visibility.OWN_REPORTS in scopes:
        clauses.append(sa.or_(Case.reporter_id == account.id, Case.recorded_by_id == account.id))
    return sa.or_(*clauses) if clauses else sa.false()


def visible_case_ids(account: Account) -> sa.Select[tuple[int]]:
    """The ids of the cases this account may see, for scoping records that belong to cases."""
    return sa.select(Case.id).where(visible_cases(account))


def sees_all_cases(account: Account) -> bool:
    """True when no row scoping applies to this account."""
    return Visibility.ALL in case_visibility(account.case_scopes)
