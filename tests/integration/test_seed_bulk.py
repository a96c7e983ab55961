"""`seed-demo --cases N --logs M`: bulk data that is consistent, realistic and usable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from admin_app import clock
from admin_app.demo import DEMO_CASES
from admin_app.seed_bulk import MARKER_ACTION, SPECIAL_TITLES
from models import Account, AuditEvent, Case, Instruction, LogEntry, Report, StepRun, db
from models.services.timing import open_case_timings
from rules.enums import CaseStatus, Role
from rules.transitions import CaseState, check_invariants
from tests.support import walk
from tests.support.sops import portal_sop
from tests.support.walk import step_payload

CASES, LOGS = 300, 2000
OPTIONS = ["seed-demo", "--cases", str(CASES), "--logs", str(LOGS)]
DEMO_LOGS = sum(1 for _, fate in DEMO_CASES if fate == "closed")  # the demo case walked to the end


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


@pytest.fixture(scope="module")
def bulk_app(committed_app):
    """An app whose own database holds the demo data plus a small bulk load, committed once."""
    result = committed_app.test_cli_runner().invoke(args=OPTIONS)
    assert result.exit_code == 0, result.output
    committed_app.config["BULK_OUTPUT"] = result.output
    return committed_app


@pytest.fixture
def bulk_session(bulk_app) -> Iterator[Session]:
    """A session on the bulk database whose changes are rolled back after the test."""
    with bulk_app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def calendar(bulk_app):
    """The working calendar the seed placed its instants on."""
    with bulk_app.app_context():
        return clock.calendar()


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _bulk_cases(session) -> list[Case]:
    demo_titles = [title for title, _ in DEMO_CASES]
    return list(session.scalars(sa.select(Case).where(Case.title.not_in(demo_titles))))


def test_bulk_load_writes_exactly_the_cases_and_log_entries_asked_for(bulk_app, bulk_session):
    assert _count(bulk_session, Case) == len(DEMO_CASES) + CASES
    assert _count(bulk_session, LogEntry) == DEMO_LOGS + LOGS
    output = bulk_app.config["BULK_OUTPUT"]
    assert "kata sandi" in output and "Selesai dalam" in output
    routine = bulk_session.scalars(sa.select(LogEntry).where(LogEntry.case_id.is_(None))).all()
    authors = {entry.author_id for entry in routine}
    roles = {
        code
        for account in bulk_session.scalars(sa.select(Account).where(Account.id.in_(authors)))
        for code in account.role_codes
    }
    assert routine and roles <= {Role.KASI, Role.JFU}


def test_bulk_cases_mix_statuses_rework_and_steps_over_standard(bulk_session):
    cases = _bulk_cases(bulk_session)
    statuses = Counter(case.status for case in cases)
    assert set(statuses) == set(CaseStatus)
    assert statuses[CaseStatus.CLOSED] > statuses[CaseStatus.OPEN] > 0
    assert len({case.current_step for case in cases if case.status is CaseStatus.OPEN}) >= 5
    assert {case.close_reason for case in cases if case.status is CaseStatus.CLOSED_EARLY}
    assert any(case.rework_rounds for case in cases)
    returned = bulk_session.scalar(
        sa.select(sa.func.count()).where(StepRun.outcome == "returned").select_from(StepRun)
    )
    assert returned == bulk_session.scalar(sa.select(sa.func.sum(Case.rework_rounds)))
    timed = [
        run
        for case in cases
        for run in case.step_runs
        if run.completed_at is not None and run.standard_minutes is not None
    ]
    over = [run for run in timed if run.working_minutes > run.standard_minutes]
    assert 0.1 < len(over) / len(timed) < 0.35


def test_every_bulk_case_is_a_state_the_rules_could_reach(bulk_session):
    sop = portal_sop()
    for case in _bulk_cases(bulk_session):
        check_invariants(
            sop, CaseState(case.status, case.current_step, case.assignee_id, case.rework_rounds)
        )
        runs = case.step_runs
        open_runs = [run for run in runs if run.completed_at is None]
        assert [run.step for run in runs][:1] == [1]
        assert case.created_at == runs[0].completed_at
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert later.actionable_at == earlier.completed_at  # each step starts as one ends
        if case.status is CaseStatus.OPEN:
            assert len(open_runs) == 1 and open_runs[0] is runs[-1]
            assert (open_runs[0].step, open_runs[0].role) == (case.current_step, case.waiting_role)
            assert (open_runs[0].due_at is None) == (open_runs[0].standard_minutes is None)
        else:
            assert not open_runs
            assert case.closed_at == runs[-1].completed_at
            assert runs[-1].outcome == (
                "completed" if case.status is CaseStatus.CLOSED else "closed_early"
            )
        directed = [run for run in runs if run.step == 6 and run.outcome == "completed"]
        if directed:
            assignee = bulk_session.get(Account, case.assignee_id)
            assert assignee is not None and assignee.has_role(Role.JFU)
            fixes = [run for run in runs if run.step == 7 and run.outcome == "completed"]
            assert {run.performer_id for run in fixes} <= {assignee.id}
        else:
            assert case.assignee_id is None


def test_bulk_instants_agree_with_the_working_calendar(bulk_session, calendar):
    runs = bulk_session.scalars(
        sa.select(StepRun).join(Case).where(Case.title.not_in([t for t, _ in DEMO_CASES]))
    ).all()
    now = datetime.now(UTC)
    for run in runs:
        for instant in (run.actionable_at, run.opened_at, run.completed_at):
            if instant is not None:
                assert instant <= now
                # Inside a working period, or at its very end.
                assert calendar.is_working(instant) or calendar.is_working(
                    instant - timedelta(seconds=1)
                )
        if run.completed_at is not None:
            minutes = calendar.working_minutes(run.actionable_at, run.completed_at)
            assert run.working_minutes == Decimal(str(round(minutes, 2)))
        if run.standard_minutes is not None:
            assert run.due_at == calendar.add(
                run.actionable_at, timedelta(minutes=run.standard_minutes)
            )


def test_every_action_left_its_output_and_audit_event(bulk_session, calendar):
    sop = portal_sop()
    finished = bulk_session.scalars(sa.select(StepRun).where(StepRun.completed_at.is_not(None)))
    expected: Counter[str] = Counter()
    for run in finished:
        step = sop.step(run.step)
        if run.outcome == "returned":
            expected["report"] += 1
        elif run.outcome == "completed" and run.step > 1:
            expected[step.output_kind.value] += 1
    assert _count(bulk_session, Instruction) == expected["instruction"]
    assert _count(bulk_session, Report) == expected["report"]
    step_logs = bulk_session.scalars(sa.select(LogEntry).where(LogEntry.case_id.is_not(None))).all()
    assert len(step_logs) == expected["log_entry"]
    for entry in step_logs:
        assert entry.log_date == entry.created_at.astimezone(calendar.tz).date()
    directions = bulk_session.scalars(sa.select(Instruction).filter_by(kind="pengarahan")).all()
    assert all(i.addressee_id == i.case.assignee_id for i in directions)
    actions = Counter(
        bulk_session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity == "case"))
    )
    runs = Counter(bulk_session.scalars(sa.select(StepRun.outcome).where(StepRun.step > 1)))
    assert actions["case.report"] == _count(bulk_session, Case)
    assert actions["case.complete"] == runs["completed"]
    assert actions["case.return_for_rework"] == runs["returned"]
    assert actions["case.close_early"] == runs["closed_early"]


def test_the_bulk_load_is_sealed_and_every_case_and_run_matches_its_event(bulk_app):
    result = bulk_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Rantai audit utuh" in result.output and "semua bersegel" in result.output
    assert "tidak dicocokkan" not in result.output  # every finished run carried by its event


def test_bulk_text_gives_the_csv_export_something_to_neutralise(bulk_session):
    texts = list(bulk_session.scalars(sa.select(LogEntry.text))) + list(
        bulk_session.scalars(sa.select(Case.title))
    )
    assert any(text[:1] in "=+-@" for text in texts)
    assert any(not text.isascii() for text in texts)
    assert set(SPECIAL_TITLES) & set(bulk_session.scalars(sa.select(Case.title)))


def test_the_services_continue_open_bulk_cases_at_every_step(bulk_session, calendar):
    open_cases = [c for c in _bulk_cases(bulk_session) if c.status is CaseStatus.OPEN]
    by_step = {case.current_step: case for case in open_cases}
    jfu = bulk_session.scalars(sa.select(Account).where(Account.username == "jfu.01")).one()
    now = datetime.now(UTC)
    for step, case in sorted(by_step.items()):
        role = case.waiting_role
        if role == Role.JFU:
            performer = bulk_session.get(Account, case.assignee_id)
        else:
            performer = next(
                account
                for account in bulk_session.scalars(sa.select(Account).order_by(Account.id))
                if account.has_role(role)
            )
        extra = {"assignee_id": jfu.id} if step == 6 else {}
        result = walk.complete_step(
            bulk_session, performer, case.id, step, step_payload(step, **extra), now, calendar
        )
        assert result.case.current_step == (step + 1 if step < 9 else None)
    assert set(by_step) == set(range(2, 10))


def test_timing_verdicts_run_on_the_bulk_cases(bulk_session, calendar):
    verdicts = open_case_timings(bulk_session, datetime.now(UTC), calendar)
    open_ids = set(bulk_session.scalars(sa.select(Case.id).where(Case.status == CaseStatus.OPEN)))
    assert set(verdicts) == open_ids
    assert any(verdict.over for verdict in verdicts.values())


def test_a_second_bulk_load_says_so_and_changes_nothing(bulk_app, bulk_session):
    tables = (Account, Case, StepRun, LogEntry, AuditEvent)
    before = [_count(bulk_session, model) for model in tables]
    again = bulk_app.test_cli_runner().invoke(args=OPTIONS)
    assert again.exit_code == 0, again.output
    assert "sudah dimuat" in again.output and "kata sandi" not in again.output
    assert [_count(bulk_session, model) for model in tables] == before
    assert bulk_session.scalars(sa.select(AuditEvent).filter_by(action=MARKER_ACTION)).one()


def test_fewer_logs_than_step_nine_entries_is_refused_and_writes_nothing(runner, db_session):
    small = runner.invoke(args=["seed-demo"])
    assert small.exit_code == 0, small.output
    before = [_count(db_session, model) for model in (Account, Case, LogEntry, AuditEvent)]
    refused = runner.invoke(args=["seed-demo", "--cases", str(CASES), "--logs", "10"])
    assert refused.exit_code != 0
    assert "--logs 10" in refused.output
    assert [_count(db_session, model) for model in (Account, Case, LogEntry, AuditEvent)] == before


def _fingerprint(db_session) -> tuple[object, ...]:
    """What the seed decided, without ids or instants (those follow sequences and the clock)."""
    bulk = Case.title.not_in([title for title, _ in DEMO_CASES])
    cases = db_session.execute(
        sa.select(
            Case.title,
            Case.status,
            Case.current_step,
            Case.rework_rounds,
            Case.channel,
            Case.priority,
            Case.close_reason,
        )
        .where(bulk)
        .order_by(Case.id)
    ).all()
    minutes = db_session.scalar(
        sa.select(sa.func.sum(StepRun.working_minutes)).join(Case).where(bulk)
    )
    return tuple(cases), minutes


def test_the_same_options_give_the_same_data(runner, db_session):
    fingerprints = []
    for _ in range(2):
        savepoint = db_session.begin_nested()
        result = runner.invoke(args=OPTIONS)
        assert result.exit_code == 0, result.output
        fingerprints.append(_fingerprint(db_session))
        savepoint.rollback()
    assert fingerprints[0] == fingerprints[1]
