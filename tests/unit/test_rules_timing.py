"""Verdicts on time: steps and cases against their standards, in working minutes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    DEFAULT_TIMEZONE,
    Badge,
    FinishedRuns,
    StepRunTimes,
    calendar_from_settings,
    case_badge,
    time_case,
    time_open_case,
    time_step,
)
from tests.support.sops import portal_sop

JAKARTA = ZoneInfo(DEFAULT_TIMEZONE)
CALENDAR = calendar_from_settings(None, DEFAULT_TIMEZONE, [])
SOP = portal_sop()


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A Jakarta time in March 2025; the 3rd is a Monday."""
    return datetime(2025, 3, day, hour, minute, tzinfo=JAKARTA)


def run(
    step: int,
    start: datetime,
    end: datetime | None,
    round: int = 0,
    working_minutes: float | None = None,
) -> StepRunTimes:
    standard = SOP.step(step).standard_minutes
    return StepRunTimes(step, round, standard, start, end, working_minutes)


def chain(start: datetime, *passes: tuple[int, float | None]) -> list[StepRunTimes]:
    """Runs one after another, each taking the given working minutes (None: still running)."""
    runs, rounds = [], dict.fromkeys(range(1, 10), -1)
    for step, taken in passes:
        rounds[step] += 1
        end = None if taken is None else CALENDAR.add(start, timedelta(minutes=taken))
        runs.append(run(step, start, end, rounds[step]))
        start = end or start
    return runs


def test_a_step_over_lunch_counts_only_working_minutes() -> None:
    timing = time_step(run(4, wib(3, 11, 55), wib(3, 13, 10)), wib(5, 9), CALENDAR)
    assert (timing.working_minutes, timing.wall_minutes) == (15, 75)
    assert (timing.over_by_minutes, timing.over, timing.live) == (5, True, False)
    assert timing.badge is Badge.OVER
    assert (timing.step, timing.round, timing.standard_minutes) == (4, 0, 10)


@pytest.mark.parametrize(
    ("now", "badge", "over_by"),
    [
        (wib(3, 8, 7), Badge.WITHIN, 0),
        (wib(3, 8, 8), Badge.AT_RISK, 0),
        (wib(3, 8, 10), Badge.AT_RISK, 0),
        (wib(3, 8, 11), Badge.OVER, 1),
    ],
)
def test_a_live_step_turns_at_risk_at_80_percent_and_over_past_its_standard(
    now: datetime, badge: Badge, over_by: float
) -> None:
    timing = time_step(run(4, wib(3, 8), None), now, CALENDAR)
    assert timing.live
    assert (timing.badge, timing.over_by_minutes, timing.over) == (
        badge,
        over_by,
        badge is Badge.OVER,
    )


def test_a_finished_step_is_within_or_over_never_at_risk() -> None:
    timing = time_step(run(4, wib(3, 8), wib(3, 8, 9)), wib(3, 15), CALENDAR)
    assert (timing.badge, timing.live, timing.working_minutes) == (Badge.WITHIN, False, 9)


def test_a_live_step_is_measured_in_working_time_over_the_weekend() -> None:
    timing = time_step(run(7, wib(7, 16, 20), None), wib(10, 7, 45), CALENDAR)
    assert timing.working_minutes == 25
    assert timing.wall_minutes == (wib(10, 7, 45) - wib(7, 16, 20)) / timedelta(minutes=1)
    assert timing.badge is Badge.OVER


def test_an_untimed_step_is_measured_but_never_over() -> None:
    timing = time_step(run(2, wib(3, 8), wib(4, 8)), wib(5, 8), CALENDAR)
    assert (timing.working_minutes, timing.standard_minutes) == (450, None)
    assert (timing.badge, timing.over, timing.over_by_minutes) == (Badge.UNTIMED, False, 0)


def test_working_minutes_stored_at_completion_are_used_as_they_are() -> None:
    stored = run(4, wib(3, 11, 55), wib(3, 13, 10), working_minutes=4.0)
    assert time_step(stored, wib(5, 9), CALENDAR).working_minutes == 4.0
    live = run(4, wib(3, 8), None, working_minutes=4.0)
    assert time_step(live, wib(3, 8, 30), CALENDAR).working_minutes == 30


def test_a_clock_behind_the_step_start_measures_nothing() -> None:
    timing = time_step(run(4, wib(3, 9), None), wib(3, 8), CALENDAR)
    assert (timing.working_minutes, timing.wall_minutes, timing.badge) == (0, 0, Badge.WITHIN)


def test_a_case_on_track_forecasts_within_the_59_minutes() -> None:
    runs = chain(wib(3, 8), (1, 2), (2, 60), (3, 3), (4, None))
    timing = time_case(SOP, runs, wib(3, 9, 9), CALENDAR, current_step=4)
    assert timing.elapsed_minutes == 2 + 3 + 4
    assert timing.untimed_minutes == 60
    assert timing.forecast_minutes == 9 + (10 - 4) + 43
    assert timing.standard_total == 59
    assert (timing.over, timing.at_risk, timing.steps_over) == (False, False, 0)
    assert timing.lead_wall_minutes == 69
    assert [step.step for step in timing.steps] == [1, 2, 3, 4]
    assert case_badge(timing) is Badge.WITHIN


def test_a_case_whose_earlier_steps_used_up_the_slack_is_at_risk() -> None:
    runs = chain(wib(3, 8), (1, 10), (2, 60), (3, 3), (4, None))
    timing = time_case(SOP, runs, wib(3, 9, 17), CALENDAR, current_step=4)
    assert (timing.elapsed_minutes, timing.forecast_minutes) == (17, 17 + 6 + 43)
    assert (timing.over, timing.at_risk, timing.steps_over) == (False, True, 1)
    assert case_badge(timing) is Badge.AT_RISK


def test_a_case_whose_live_step_is_over_shows_over() -> None:
    runs = chain(wib(3, 8), (1, 2), (2, 60), (3, 3), (4, None))
    timing = time_case(SOP, runs, wib(3, 9, 17), CALENDAR, current_step=4)
    assert timing.elapsed_minutes == 2 + 3 + 12
    assert timing.forecast_minutes == 17 + 0 + 43
    assert not timing.over
    assert case_badge(timing) is Badge.OVER


def test_a_current_step_not_yet_started_counts_its_whole_standard() -> None:
    runs = chain(wib(3, 8), (1, 3), (2, 10), (3, 3))
    timing = time_case(SOP, runs, wib(3, 9), CALENDAR, current_step=4)
    assert timing.forecast_minutes == 6 + 10 + 43


def test_rework_rounds_count_towards_the_case_and_can_push_it_over() -> None:
    passes = [(1, 3), (2, 30), (3, 3), (4, 10), (5, 10), (6, 5), (7, 20), (8, 3)]
    runs = chain(wib(3, 8), *passes, (7, 10), (8, 3), (9, 5))
    timing = time_case(SOP, runs, wib(6, 8), CALENDAR, current_step=None)
    assert timing.elapsed_minutes == 59 + 10 + 3
    assert timing.forecast_minutes == timing.elapsed_minutes
    assert (timing.over, timing.at_risk, timing.steps_over) == (True, False, 0)
    assert timing.rework_rounds == 1
    assert [(step.step, step.round) for step in timing.steps][-3:] == [(7, 1), (8, 1), (9, 0)]
    assert timing.lead_wall_minutes == 102
    assert case_badge(timing) is Badge.OVER


def test_a_closed_case_within_standard_is_within() -> None:
    passes = [(1, 3), (2, 30), (3, 3), (4, 10), (5, 10), (6, 5), (7, 20), (8, 3), (9, 5)]
    timing = time_case(SOP, chain(wib(3, 8), *passes), wib(6, 8), CALENDAR, current_step=None)
    assert (timing.elapsed_minutes, timing.over, timing.at_risk) == (59, False, False)
    assert case_badge(timing) is Badge.WITHIN


def test_stored_working_minutes_feed_the_case_total() -> None:
    runs = [run(1, wib(3, 8), wib(3, 9), working_minutes=3.0), run(2, wib(3, 9), None)]
    timing = time_case(SOP, runs, wib(3, 10), CALENDAR, current_step=2)
    assert (timing.elapsed_minutes, timing.untimed_minutes) == (3.0, 60)
    assert timing.forecast_minutes == 3 + 56


def test_a_case_without_runs_measures_nothing() -> None:
    timing = time_case(SOP, [], wib(3, 10), CALENDAR, current_step=2)
    assert (timing.elapsed_minutes, timing.lead_wall_minutes, timing.forecast_minutes) == (0, 0, 56)


def _finished_summary(runs: list[StepRunTimes]) -> FinishedRuns:
    """What SQL sums over the finished runs, computed here from the same runs."""
    done = [time_step(r, wib(28, 8), CALENDAR) for r in runs if r.completed_at is not None]
    return FinishedRuns(
        timed_minutes=sum(s.working_minutes for s in done if s.standard_minutes is not None),
        untimed_minutes=sum(s.working_minutes for s in done if s.standard_minutes is None),
        steps_over=sum(1 for s in done if s.over),
        rework_rounds=max((r.round for r in runs if r.completed_at is not None), default=0),
        first_actionable_at=min((r.actionable_at for r in runs), default=None),
        last_completed_at=max((r.completed_at for r in runs if r.completed_at), default=None),
    )


@settings(max_examples=200, deadline=None)
@given(
    taken=st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=12),
    live=st.booleans(),
    later=st.integers(min_value=0, max_value=3000),
)
def test_the_fast_path_gives_the_same_verdict_as_the_full_one(taken, live, later) -> None:
    steps = [1, 2, 3, 4, 5, 6, 7, 8, 7, 8, 9][: len(taken)]
    passes = [(step, float(minutes)) for step, minutes in zip(steps, taken, strict=False)]
    if live:
        passes[-1] = (passes[-1][0], None)
    runs = chain(wib(3, 8), *passes)
    now = CALENDAR.add(runs[-1].completed_at or runs[-1].actionable_at, timedelta(minutes=later))
    current = runs[-1].step if live else None
    full = time_case(SOP, runs, now, CALENDAR, current_step=current)
    live_run = runs[-1] if live else None
    fast = time_open_case(SOP, _finished_summary(runs), live_run, now, CALENDAR, current)
    for field in (
        "elapsed_minutes",
        "forecast_minutes",
        "over",
        "at_risk",
        "steps_over",
        "untimed_minutes",
        "rework_rounds",
        "lead_wall_minutes",
    ):
        assert getattr(fast, field) == pytest.approx(getattr(full, field)), field
    assert case_badge(fast) is case_badge(full)
    assert fast.steps == tuple(step for step in full.steps if step.live)
