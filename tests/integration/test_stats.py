"""The dashboard's figures against hand-computed numbers and an independent reading of the rows.

The scenario, in Asia/Jakarta time (no holidays in the test calendar):

    week of Mon 16-11-2026   A  by the book, 2 minutes a step               lead 14, conforms
    week of Mon 23-11-2026   B  rework once (step 8 returned after 48 min)  lead 66, rework
                             C  closed early at step 4                      closed early
                             D  by the book but 15 minutes a step           lead 105, conforms
                             E  steps 4-9 by a Kasi who is now a Kasubdit   lead 14, wrong role
                             F  reported by a Kasi for an outside reporter  lead 14, conforms
                             G  open at step 5, over its standard now
                             H  open at step 7 with the JFU, within
                             I  open at step 4, step 3 ran over
    week of Mon 09-11-2026   J  closed before the period                    not counted

"Now" is Tuesday 24-11-2026 10:00; the period is 16-11 to 29-11 (both days included).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from models import Account, Case, Role, StepRun
from models.services import cases as svc
from models.services import stats
from rules.enums import Role as RoleCode
from rules.stats import ConformanceRun, conformance_reasons
from tests.support import walk
from tests.support.sops import portal_sop
from tests.support.walk import CALENDAR, Team, report_payload, step_payload, walk_to

JAKARTA = ZoneInfo("Asia/Jakarta")
WEEK0 = datetime(2026, 11, 9, 8, 0, tzinfo=JAKARTA)
WEEK1 = datetime(2026, 11, 16, 8, 0, tzinfo=JAKARTA)
WEEK2 = datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)
START = datetime(2026, 11, 16, tzinfo=JAKARTA)
END = datetime(2026, 11, 30, tzinfo=JAKARTA)
TZ = "Asia/Jakarta"


def complete(session, team: Team, case_id: int, steps: range, now: datetime, minutes: int = 2):
    """Complete the given steps one after another, `minutes` apart; return the last instant."""
    for step in steps:
        now += timedelta(minutes=minutes)
        extra = {"assignee_id": team.jfu.id} if step == 6 else {}
        walk.complete_step(
            session, team.performer(step), case_id, step, step_payload(step, **extra), now, CALENDAR
        )
    return now


@pytest.fixture
def scenario(db_session, team, make_account) -> dict[str, int]:
    s = db_session
    ids = {"A": walk_to(s, team, 10, start=WEEK1)}

    ids["B"] = walk_to(s, team, 8, start=WEEK2)
    back = WEEK2 + timedelta(minutes=60)
    walk.return_for_rework(
        s, team.kasi, ids["B"], {"reason": "Masih galat"}, back, CALENDAR, step=8
    )
    for step, after in ((7, 5), (8, 6), (9, 8)):
        at = back + timedelta(minutes=after)
        walk.complete_step(
            s, team.performer(step), ids["B"], step, step_payload(step), at, CALENDAR
        )

    ids["C"] = walk_to(s, team, 4, start=WEEK2 + timedelta(hours=1))
    walk.close_early(
        s,
        team.kasi,
        ids["C"],
        {"reason": "duplikat"},
        WEEK2 + timedelta(hours=1, minutes=10),
        CALENDAR,
    )

    ids["D"] = walk_to(s, team, 10, start=WEEK2 + timedelta(hours=2), minutes_per_step=15)

    kasi_b = make_account(RoleCode.KASI)
    team_b = Team(team.pengguna, team.direktur, team.kasubdit, kasi_b, team.jfu, team.jfu2)
    ids["E"] = walk_to(s, team_b, 10, start=WEEK2 + timedelta(hours=5))
    kasi_b.roles = list(s.scalars(sa.select(Role).where(Role.code == RoleCode.KASUBDIT)))

    on_behalf = report_payload(reporter_name="Budi (telepon)", reporter_contact="0812-555-0101")
    start_f = WEEK2 + timedelta(hours=6)
    ids["F"] = svc.report(s, team.kasi, on_behalf, start_f, CALENDAR).case.id
    complete(s, team, ids["F"], range(2, 10), start_f)

    ids["G"] = walk_to(s, team, 5, start=WEEK2 + timedelta(hours=7))
    ids["H"] = walk_to(s, team, 7, start=NOW - timedelta(minutes=20))
    ids["I"] = walk_to(s, team, 4, start=NOW - timedelta(minutes=35), minutes_per_step=15)
    ids["J"] = walk_to(s, team, 10, start=WEEK0)
    s.flush()
    return ids


def test_closed_cases_give_the_hand_computed_lead_time_rework_and_conformance(db_session, scenario):
    figures, weeks = stats.closed_figures(db_session, stats.scope(db_session), START, END, TZ)
    assert (figures.closed, figures.completed, figures.closed_early) == (6, 5, 1)
    # Lead times of the completed cases: A 14, B 66, D 105, E 14, F 14.
    assert figures.lead_median == 14
    assert figures.lead_p90 == pytest.approx(66 + 0.6 * (105 - 66))
    assert (figures.completed_within, figures.share_within) == (3, 0.6)
    assert (figures.reworked, figures.rework_rate) == (1, 0.2)
    assert (figures.conforming, figures.nonconforming, figures.conformance) == (3, 3, 0.5)
    assert [
        (w.label, w.reported, w.completed, w.closed_early, w.completed_within) for w in weeks
    ] == [
        ("2026-W47", 1, 1, 0, 1),
        ("2026-W48", 8, 4, 1, 2),
    ]


def test_open_cases_by_step_and_over_standard_now_match_a_direct_count(db_session, scenario):
    where = stats.scope(db_session)
    found = {row.step: row for row in stats.open_by_step(db_session, where, NOW)}
    assert sorted(found) == [2, 3, 4, 5, 6, 7, 8, 9]
    # By hand: G at step 5 (its step over now), H at 7 (within), I at 4 (step 3 ran over).
    assert {
        s: (r.open_cases, r.live_over, r.earlier_over, r.over_now) for s, r in found.items()
    } == {
        2: (0, 0, 0, 0),
        3: (0, 0, 0, 0),
        4: (1, 0, 1, 1),
        5: (1, 1, 0, 1),
        6: (0, 0, 0, 0),
        7: (1, 0, 0, 0),
        8: (0, 0, 0, 0),
        9: (0, 0, 0, 0),
    }
    direct = db_session.execute(
        sa.text(
            "SELECT c.current_step, count(DISTINCT c.id) AS open_cases,"
            " count(DISTINCT c.id) FILTER (WHERE (r.completed_at IS NULL AND r.due_at < :now)"
            "   OR (r.completed_at IS NOT NULL AND r.working_minutes > r.standard_minutes)) AS over"
            " FROM cases c JOIN step_runs r ON r.case_id = c.id"
            " WHERE c.status = 'open' GROUP BY c.current_step"
        ),
        {"now": NOW},
    ).all()
    assert {row[0]: (row.open_cases, row.over) for row in direct} == {
        step: (row.open_cases, row.over_now) for step, row in found.items() if row.open_cases
    }


def _finished_runs(session) -> list[StepRun]:
    """Every run finished in the period, except the pass a case was closed early in."""
    return list(
        session.scalars(
            sa.select(StepRun).where(
                StepRun.completed_at >= START,
                StepRun.completed_at < END,
                StepRun.outcome != "closed_early",
            )
        )
    )


def test_step_figures_match_percentiles_computed_from_the_raw_runs(db_session, scenario):
    figures = stats.step_figures(db_session, stats.scope(db_session), START, END)
    by_step = defaultdict(list)
    for run in _finished_runs(db_session):
        by_step[run.step].append(run)
    assert [f.step for f in figures] == list(range(1, 10))
    for figure in figures:
        runs = by_step[figure.step]
        minutes = [float(run.working_minutes) for run in runs]
        standard = portal_sop().step(figure.step).standard_minutes
        assert (figure.runs, figure.standard) == (len(runs), standard)
        # statistics' "inclusive" quantiles interpolate as percentile_cont does.
        assert figure.median == pytest.approx(statistics.median(minutes))
        assert figure.p90 == pytest.approx(
            statistics.quantiles(minutes, n=10, method="inclusive")[8]
        )
        if standard is None:
            assert figure.share_within is None
        else:
            within = sum(1 for run in runs if run.working_minutes <= run.standard_minutes)
            assert (figure.within, figure.share_within) == (within, within / len(runs))
        assert figure.suggested is None  # too few runs to suggest anything


def test_step_7_counts_both_rounds_of_a_reworked_fix_and_step_8_its_return(db_session, scenario):
    figures = {
        f.step: f for f in stats.step_figures(db_session, stats.scope(db_session), START, END)
    }
    # A, B (twice), D, E, F fixed; the return of B's first fix is a pass at step 8 too.
    assert figures[7].runs == 6 and figures[8].runs == 6
    # Step 4 was finished by A, B, D, E, F, G and H; not by I (at step 4 now) nor by C (closed
    # early at step 4: that pass is not a performance of the step).
    assert figures[4].runs == 7


def test_many_slow_runs_make_the_review_suggest_a_new_standard(db_session, team):
    for n in range(30):
        walk_to(db_session, team, 4, start=WEEK2 + timedelta(minutes=n), minutes_per_step=12)
    figures = {
        f.step: f for f in stats.step_figures(db_session, stats.scope(db_session), START, END)
    }
    # Step 3 (standard 3) took 12 minutes every time: the median is 4x the standard.
    assert (figures[3].runs, figures[3].median, figures[3].p90) == (30, 12, 12)
    assert figures[3].suggested == 12
    assert figures[2].suggested is None  # untimed


def test_lead_time_and_conformance_match_a_direct_computation(db_session, scenario):
    figures, _ = stats.closed_figures(db_session, stats.scope(db_session), START, END, TZ)
    closed = db_session.execute(
        sa.text(
            "SELECT c.id, c.status, c.rework_rounds,"
            " (SELECT sum(r.working_minutes) FROM step_runs r"
            "   WHERE r.case_id = c.id AND r.standard_minutes IS NOT NULL) AS lead"
            " FROM cases c WHERE c.closed_at >= :start AND c.closed_at < :end"
        ),
        {"start": START, "end": END},
    ).all()
    completed = [row for row in closed if row.status == "closed"]
    leads = [float(row.lead) for row in completed]
    assert figures.closed == len(closed) and figures.completed == len(completed)
    assert figures.lead_median == pytest.approx(statistics.median(leads))
    assert figures.lead_p90 == pytest.approx(
        statistics.quantiles(leads, n=10, method="inclusive")[8]
    )
    assert figures.completed_within == sum(1 for lead in leads if lead <= 59)
    assert figures.reworked == sum(1 for row in completed if row.rework_rounds > 0)
    verdicts = _rules_verdicts(db_session, [row.id for row in closed])
    assert figures.conforming == sum(1 for reasons in verdicts.values() if not reasons)


def _rules_verdicts(session, case_ids: list[int]) -> dict[int, list[str]]:
    """The rules' reasons for each case, from the ORM objects (performers' roles as they are)."""
    session.expire_all()
    verdicts = {}
    for case_id in case_ids:
        case = session.get(Case, case_id)
        runs = [
            ConformanceRun(
                run.step, run.round, session.get(Account, run.performer_id).role_codes, run.outcome
            )
            for run in sorted(case.step_runs, key=lambda run: (run.completed_at, run.id))
        ]
        verdicts[case_id] = [r.code for r in conformance_reasons(case.sop_version.sop, runs)]
    return verdicts


def test_nonconforming_cases_come_newest_first_with_the_rules_reasons(db_session, scenario):
    page = stats.nonconforming(db_session, stats.scope(db_session), START, END)
    ids = {case_id: name for name, case_id in scenario.items()}
    assert [(ids[c.case_id], [r.code for r in c.reasons]) for c in page.cases] == [
        ("E", ["conformance_wrong_performer"] * 5),
        ("C", ["conformance_closed_early"]),
        ("B", ["conformance_rework"]),
    ]
    e_reasons = page.cases[0].reasons
    assert [r.params["step"] for r in e_reasons] == [4, 5, 6, 8, 9]
    assert e_reasons[0].message("id") == (
        "Langkah 4 dikerjakan oleh peran di luar SOP (seharusnya: kasi)."
    )
    assert page.cases[1].close_reason.value == "duplikat"
    assert page.next_cursor is None


def test_sql_and_rules_agree_on_every_closed_case(db_session, scenario):
    where = stats.scope(db_session)
    listed = {c.case_id for c in stats.nonconforming(db_session, where, START, END).cases}
    closed = db_session.scalars(
        sa.select(Case.id).where(Case.closed_at >= START, Case.closed_at < END)
    ).all()
    verdicts = _rules_verdicts(db_session, list(closed))
    assert listed == {case_id for case_id, reasons in verdicts.items() if reasons}


def test_nonconforming_pages_follow_the_cursor_to_the_end(db_session, scenario):
    where = stats.scope(db_session)
    ids = {case_id: name for name, case_id in scenario.items()}
    seen, cursor = [], None
    for _ in range(5):
        page = stats.nonconforming(db_session, where, START, END, after=cursor, per_page=1)
        seen += [ids[c.case_id] for c in page.cases]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["E", "C", "B"]


def test_jfu_workload_matches_a_direct_count(db_session, scenario, team):
    loads = {
        row.account_id: row
        for row in stats.named_load(db_session, stats.scope(db_session), START, END)
    }
    assert set(loads) == {team.jfu.id, team.jfu2.id}
    jfu = loads[team.jfu.id]
    # Fixes: A, B twice (2 and 5 minutes), D (15), E, F; 2 minutes otherwise. H waits for the fix.
    assert (jfu.open_directed, jfu.waiting_fix, jfu.fixes, jfu.median_fix) == (1, 1, 6, 2)
    assert (loads[team.jfu2.id].fixes, loads[team.jfu2.id].median_fix) == (0, None)
    direct = db_session.execute(
        sa.text(
            "SELECT performer_id, count(*) FROM step_runs WHERE step = 7"
            " AND completed_at >= :start AND completed_at < :end AND outcome <> 'closed_early'"
            " GROUP BY performer_id"
        ),
        {"start": START, "end": END},
    ).all()
    assert dict(direct) == {team.jfu.id: jfu.fixes}
    directed = db_session.execute(
        sa.text(
            "SELECT assignee_id, count(*) FROM cases WHERE status = 'open'"
            " AND assignee_id IS NOT NULL GROUP BY assignee_id"
        )
    ).all()
    assert dict(directed) == {team.jfu.id: jfu.open_directed}


def test_the_weekly_trend_counts_by_iso_week_in_jakarta(db_session, scenario):
    _, weeks = stats.closed_figures(db_session, stats.scope(db_session), START, END, TZ)
    cases = db_session.scalars(sa.select(Case)).all()

    def week(instant: datetime) -> str:
        year, number, _ = instant.astimezone(JAKARTA).isocalendar()
        return f"{year}-W{number:02d}"

    reported = Counter(week(c.created_at) for c in cases if START <= c.created_at < END)
    completed = Counter(
        week(c.closed_at)
        for c in cases
        if c.status == "closed" and c.closed_at and START <= c.closed_at < END
    )
    assert {w.label: w.reported for w in weeks} == {w.label: reported[w.label] for w in weeks}
    assert {w.label: w.completed for w in weeks} == {w.label: completed[w.label] for w in weeks}


def test_a_case_closed_just_before_midnight_jakarta_counts_in_that_week(db_session, team):
    # Sunday 29-11 23:59 WIB is Sunday 16:59 UTC: week 48 in Jakarta, whatever the server's zone.
    late = datetime(2026, 11, 29, 23, 50, tzinfo=JAKARTA)
    walk_to(db_session, team, 10, start=late, minutes_per_step=1)
    _, weeks = stats.closed_figures(db_session, stats.scope(db_session), START, END, TZ)
    assert {w.label: w.completed for w in weeks} == {"2026-W47": 0, "2026-W48": 1}


def test_an_empty_period_gives_zeros_and_no_percentiles(db_session, scenario):
    start, end = datetime(2025, 1, 1, tzinfo=JAKARTA), datetime(2025, 1, 8, tzinfo=JAKARTA)
    data = stats.dashboard(db_session, start, end, NOW, TZ)
    assert (data.closed.closed, data.closed.lead_median, data.closed.conformance) == (0, None, None)
    assert all(f.runs == 0 and f.median is None for f in data.steps)
    assert data.nonconforming.cases == [] and data.nonconforming.next_cursor is None
    assert [w.label for w in data.weeks] == ["2025-W01", "2025-W02"]
