"""Verdicts on time: each step's working minutes against its standard, and the case's."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.calendar import WorkingCalendar
from rules.sop import SopDefinition

AT_RISK_SHARE = 0.8
"""A step in progress is at risk once it has used this share of its standard."""


class Badge(StrEnum):
    """How a step or a case stands against its standard time."""

    WITHIN = "within"
    AT_RISK = "at_risk"
    OVER = "over"
    UNTIMED = "untimed"


@dataclass(frozen=True)
class StepRunTimes:
    """When one pass at a step became actionable and was completed (None while in progress)."""

    step: int
    round: int
    standard_minutes: int | None
    actionable_at: datetime
    completed_at: datetime | None
    working_minutes: float | None = None


@dataclass(frozen=True)
class StepTiming:
    """One pass at a step measured against its standard."""

    step: int
    round: int
    standard_minutes: int | None
    working_minutes: float
    wall_minutes: float
    over_by_minutes: float
    over: bool
    live: bool
    badge: Badge


@dataclass(frozen=True)
class CaseTiming:
    """A whole case measured against the SOP's total standard."""

    steps: tuple[StepTiming, ...]
    elapsed_minutes: float
    standard_total: int
    forecast_minutes: float
    over: bool
    at_risk: bool
    rework_rounds: int
    steps_over: int
    untimed_minutes: float
    lead_wall_minutes: float


def time_step(run: StepRunTimes, now: datetime, calendar: WorkingCalendar) -> StepTiming:
    """Measure one pass at a step; a pass still in progress is measured up to `now`."""
    live = run.completed_at is None
    end = now if run.completed_at is None else run.completed_at
    if run.working_minutes is not None and not live:
        working = run.working_minutes
    else:
        working = calendar.working_minutes(run.actionable_at, end)
    wall = max((end - run.actionable_at) / timedelta(minutes=1), 0.0)
    standard = run.standard_minutes
    if standard is None:
        badge = Badge.UNTIMED
        over_by = 0.0
    else:
        over_by = max(working - standard, 0.0)
        if working > standard:
            badge = Badge.OVER
        elif live and working >= AT_RISK_SHARE * standard:
            badge = Badge.AT_RISK
        else:
            badge = Badge.WITHIN
    return StepTiming(
        step=run.step,
        round=run.round,
        standard_minutes=standard,
        working_minutes=working,
        wall_minutes=wall,
        over_by_minutes=over_by,
        over=badge is Badge.OVER,
        live=live,
        badge=badge,
    )


@dataclass(frozen=True)
class FinishedRuns:
    """What a case's finished step runs add up to (summed in SQL for many cases at once)."""

    timed_minutes: float = 0.0
    untimed_minutes: float = 0.0
    steps_over: int = 0
    rework_rounds: int = 0
    first_actionable_at: datetime | None = None
    last_completed_at: datetime | None = None


def summarise(steps: Sequence[StepTiming]) -> tuple[float, float, int]:
    """Working minutes in timed and in untimed steps, and how many steps ran over."""
    timed = sum(step.working_minutes for step in steps if step.standard_minutes is not None)
    untimed = sum(step.working_minutes for step in steps if step.standard_minutes is None)
    return timed, untimed, sum(1 for step in steps if step.over)


def time_case(
    sop: SopDefinition,
    runs: Sequence[StepRunTimes],
    now: datetime,
    calendar: WorkingCalendar,
    current_step: int | None,
) -> CaseTiming:
    """Measure a case from its step runs; `current_step` is None once the case is closed."""
    steps = tuple(time_step(run, now, calendar) for run in runs)
    timed, untimed, over = summarise(steps)
    return _verdict(
        sop,
        steps,
        timed,
        untimed,
        over,
        rework_rounds=max((run.round for run in runs), default=0),
        lead_wall_minutes=_lead_wall_minutes(runs, now, current_step),
        current_step=current_step,
    )


def time_open_case(
    sop: SopDefinition,
    finished: FinishedRuns,
    live: StepRunTimes | None,
    now: datetime,
    calendar: WorkingCalendar,
    current_step: int | None,
) -> CaseTiming:
    """The same verdict as time_case from a summary of the finished runs plus the live run.

    Its `steps` hold only the live step: this is the fast path for queues and dashboards.
    """
    steps = () if live is None else (time_step(live, now, calendar),)
    timed, untimed, over = summarise(steps)
    start = finished.first_actionable_at or (live.actionable_at if live else now)
    end = now if current_step is not None else (finished.last_completed_at or now)
    return _verdict(
        sop,
        steps,
        finished.timed_minutes + timed,
        finished.untimed_minutes + untimed,
        finished.steps_over + over,
        rework_rounds=max(finished.rework_rounds, live.round if live else 0),
        lead_wall_minutes=max((end - start) / timedelta(minutes=1), 0.0),
        current_step=current_step,
    )


def _verdict(
    sop: SopDefinition,
    steps: tuple[StepTiming, ...],
    elapsed: float,
    untimed: float,
    steps_over: int,
    *,
    rework_rounds: int,
    lead_wall_minutes: float,
    current_step: int | None,
) -> CaseTiming:
    standard_total = sop.total_standard_minutes
    forecast = elapsed
    if current_step is not None:
        # What the current step still needs at best, then the full standard of every later step.
        standard = sop.step(current_step).standard_minutes or 0
        live = [step for step in steps if step.live and step.step == current_step]
        used = live[-1].working_minutes if live else 0.0
        forecast += max(standard - used, 0.0) + sop.standard_after(current_step)
    over = elapsed > standard_total
    return CaseTiming(
        steps=steps,
        elapsed_minutes=elapsed,
        standard_total=standard_total,
        forecast_minutes=forecast,
        over=over,
        at_risk=not over and forecast > standard_total,
        rework_rounds=rework_rounds,
        steps_over=steps_over,
        untimed_minutes=untimed,
        lead_wall_minutes=lead_wall_minutes,
    )


def _lead_wall_minutes(
    runs: Sequence[StepRunTimes], now: datetime, current_step: int | None
) -> float:
    if not runs:
        return 0.0
    start = min(run.actionable_at for run in runs)
    completions = [run.completed_at for run in runs if run.completed_at is not None]
    finished = current_step is None and len(completions) == len(runs)
    end = max(completions) if finished else now
    return max((end - start) / timedelta(minutes=1), 0.0)


def case_badge(case_timing: CaseTiming) -> Badge:
    """The case's badge: its own verdict, or its live step's when that is worse."""
    live = {step.badge for step in case_timing.steps if step.live}
    if case_timing.over or Badge.OVER in live:
        return Badge.OVER
    if case_timing.at_risk or Badge.AT_RISK in live:
        return Badge.AT_RISK
    return Badge.WITHIN
