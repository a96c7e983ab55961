"""Timing verdicts for cases, measured by the rules from the stored step runs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import WorkingCalendar
from rules.sop import SopDefinition
from rules.timing import CaseTiming, FinishedRuns, StepRunTimes, time_case, time_open_case

from ..cases import Case, StepRun
from ..sop_versions import SopVersion


def run_times(run: StepRun) -> StepRunTimes:
    """The rules' view of a step run."""
    return StepRunTimes(
        step=run.step,
        round=run.round,
        standard_minutes=run.standard_minutes,
        actionable_at=run.actionable_at,
        completed_at=run.completed_at,
        working_minutes=float(run.working_minutes) if run.working_minutes is not None else None,
    )


def case_timing(case: Case, now: datetime, calendar: WorkingCalendar) -> CaseTiming:
    """Every step of one case against its standard, the step in progress live against `now`."""
    runs = [run_times(run) for run in case.step_runs]
    return time_case(case.sop_version.sop, runs, now, calendar, case.current_step)


def open_case_timings(
    session: Session, now: datetime, calendar: WorkingCalendar, *, case_ids: list[int] | None = None
) -> dict[int, CaseTiming]:
    """Verdicts for open cases in one query: finished runs summed in SQL, the live run measured.

    With `case_ids`, only those cases (a page of the work queue); else every open case.
    """
    finished = sa.and_(StepRun.completed_at.is_not(None))
    timed = sa.and_(finished, StepRun.standard_minutes.is_not(None))
    live = sa.and_(StepRun.completed_at.is_(None))
    stmt = (
        sa.select(
            Case.id,
            Case.current_step,
            Case.sop_version_id,
            sa.func.coalesce(sa.func.sum(StepRun.working_minutes).filter(timed), 0).label("timed"),
            sa.func.coalesce(
                sa.func.sum(StepRun.working_minutes).filter(
                    finished, StepRun.standard_minutes.is_(None)
                ),
                0,
            ).label("untimed"),
            sa.func.count()
            .filter(timed, StepRun.working_minutes > StepRun.standard_minutes)
            .label("over"),
            sa.func.coalesce(sa.func.max(StepRun.round).filter(finished), 0).label("rounds"),
            sa.func.min(StepRun.actionable_at).label("first_at"),
            sa.func.max(StepRun.actionable_at).filter(live).label("live_at"),
            sa.func.max(StepRun.standard_minutes).filter(live).label("live_standard"),
            sa.func.max(StepRun.step).filter(live).label("live_step"),
            sa.func.max(StepRun.round).filter(live).label("live_round"),
        )
        .join(StepRun, StepRun.case_id == Case.id)
        .where(Case.status == "open")
        .group_by(Case.id)
    )
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(case_ids))
    rows = session.execute(stmt).all()
    sops = _sops(session, {row.sop_version_id for row in rows})
    verdicts = {}
    for row in rows:
        summary = FinishedRuns(
            timed_minutes=float(row.timed),
            untimed_minutes=float(row.untimed),
            steps_over=row.over,
            rework_rounds=row.rounds,
            first_actionable_at=row.first_at,
        )
        live_run = None
        if row.live_at is not None:
            live_run = StepRunTimes(
                step=row.live_step,
                round=row.live_round,
                standard_minutes=row.live_standard,
                actionable_at=row.live_at,
                completed_at=None,
            )
        verdicts[row.id] = time_open_case(
            sops[row.sop_version_id], summary, live_run, now, calendar, row.current_step
        )
    return verdicts


def _sops(session: Session, version_ids: set[int]) -> dict[int, SopDefinition]:
    if not version_ids:
        return {}
    versions = session.scalars(sa.select(SopVersion).where(SopVersion.id.in_(version_ids)))
    return {version.id: version.sop for version in versions}
