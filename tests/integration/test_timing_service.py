"""Timing verdicts from the database: the bulk path agrees with the per-case one."""

from __future__ import annotations

from datetime import timedelta

from models import Case
from models.services.timing import case_timing, open_case_timings
from rules.enums import Role
from rules.timing import case_badge
from tests.support import walk
from tests.support.walk import CALENDAR, MONDAY_0800, Team, step_payload, walk_to


def test_bulk_verdicts_match_the_case_page_verdicts(db_session, make_account):
    team = Team(
        *(
            make_account(r)
            for r in (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU, Role.JFU)
        )
    )
    ids = [
        walk_to(db_session, team, target, minutes_per_step=minutes)
        for target, minutes in ((2, 1), (4, 9), (7, 2), (8, 30))
    ]
    walk.return_for_rework(
        db_session,
        team.kasi,
        ids[-1],
        {"reason": "Belum beres"},
        MONDAY_0800 + timedelta(hours=5),
        CALENDAR,
        step=8,
    )
    closed = walk_to(db_session, team, 9)
    walk.complete_step(
        db_session,
        team.kasi,
        closed,
        9,
        step_payload(9),
        MONDAY_0800 + timedelta(hours=6),
        CALENDAR,
    )
    db_session.flush()
    now = MONDAY_0800 + timedelta(hours=7)

    bulk = open_case_timings(db_session, now, CALENDAR, case_ids=[*ids, closed])
    assert set(bulk) == set(ids)  # closed cases are not in progress
    for case_id in ids:
        full = case_timing(db_session.get(Case, case_id), now, CALENDAR)
        fast = bulk[case_id]
        assert (
            fast.elapsed_minutes,
            fast.forecast_minutes,
            fast.steps_over,
            fast.rework_rounds,
            fast.over,
            fast.at_risk,
        ) == (
            full.elapsed_minutes,
            full.forecast_minutes,
            full.steps_over,
            full.rework_rounds,
            full.over,
            full.at_risk,
        )
        assert case_badge(fast) is case_badge(full)
    assert bulk[ids[-1]].rework_rounds == 1


def test_the_timing_benchmark_runs_at_small_scale():
    from bench.timing_verdicts import main

    figures = main(["--cases", "200", "--repeat", "1"])
    assert figures["cases"] == 200
