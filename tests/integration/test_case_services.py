"""The services walk a case through the SOP; refusals write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import AuditEvent, Case, Instruction, LogEntry, Report, StepRun
from models.errors import ServiceError
from models.services import cases as svc
from rules.enums import CaseStatus, Role
from rules.errors import RuleError
from tests.support import walk
from tests.support.walk import (
    CALENDAR,
    MONDAY_0800,
    report_payload,
    step_payload,
    walk_to,
)


def _counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Case, StepRun, Instruction, Report, LogEntry, AuditEvent)
    )


def _case_row(session, case_id: int) -> tuple:
    session.expire_all()
    return session.execute(sa.select(Case.__table__).where(Case.id == case_id)).one()


def test_a_case_walks_from_report_to_daily_log_with_one_rework(db_session, team):
    case_id = walk_to(db_session, team, 8)
    now = MONDAY_0800 + timedelta(hours=1)
    walk.return_for_rework(
        db_session, team.kasi, case_id, {"reason": "Masih error di Firefox"}, now, CALENDAR, step=8
    )
    case = db_session.get(Case, case_id)
    assert (case.current_step, case.rework_rounds, case.waiting_role) == (7, 1, Role.JFU)
    walk.complete_step(
        db_session, team.jfu, case_id, 7, step_payload(7), now + timedelta(minutes=5), CALENDAR
    )
    walk.complete_step(
        db_session, team.kasi, case_id, 8, step_payload(8), now + timedelta(minutes=6), CALENDAR
    )
    result = walk.complete_step(
        db_session, team.kasi, case_id, 9, step_payload(9), now + timedelta(minutes=8), CALENDAR
    )

    case = db_session.get(Case, case_id)
    assert case.status is CaseStatus.CLOSED and case.current_step is None
    assert case.closed_at == now + timedelta(minutes=8)
    runs = [(r.step, r.round, r.outcome) for r in case.step_runs]
    assert runs == [
        (1, 0, "completed"),
        (2, 0, "completed"),
        (3, 0, "completed"),
        (4, 0, "completed"),
        (5, 0, "completed"),
        (6, 0, "completed"),
        (7, 0, "completed"),
        (8, 0, "returned"),
        (7, 1, "completed"),
        (8, 1, "completed"),
        (9, 1, "completed"),
    ]
    assert [
        i.kind
        for i in db_session.scalars(
            sa.select(Instruction).filter_by(case_id=case_id).order_by(Instruction.id)
        )
    ] == ["kebijakan", "perintah", "pengarahan"]
    assert [
        r.kind
        for r in db_session.scalars(
            sa.select(Report).filter_by(case_id=case_id).order_by(Report.id)
        )
    ] == ["analisa", "solusi", "perbaikan", "pengembalian", "perbaikan", "penerimaan"]
    assert isinstance(result.record, LogEntry)
    assert result.record.log_date.isoformat() == "2026-11-23"
    actions = db_session.scalars(
        sa.select(AuditEvent.action).filter_by(case_id=case_id).order_by(AuditEvent.id)
    ).all()
    assert actions[0] == "case.report" and actions[-1] == "case.complete"
    assert actions.count("case.return_for_rework") == 1 and len(actions) == 11


def test_standard_minutes_are_copied_and_working_time_is_measured(db_session, team):
    case_id = walk_to(db_session, team, 5, minutes_per_step=12)
    runs = {r.step: r for r in db_session.get(Case, case_id).step_runs}
    assert runs[2].standard_minutes is None and runs[4].standard_minutes == 10
    assert float(runs[4].working_minutes) == 12.0
    assert runs[5].completed_at is None and runs[5].working_minutes is None


def test_the_jfu_named_at_step_6_is_the_addressee_and_the_only_one_who_may_fix(db_session, team):
    case_id = walk_to(db_session, team, 7)
    instruction = db_session.scalars(sa.select(Instruction).filter_by(kind="pengarahan")).one()
    assert instruction.addressee_id == team.jfu.id
    with pytest.raises(RuleError) as refused:
        walk.complete_step(
            db_session, team.jfu2, case_id, 7, step_payload(7), MONDAY_0800, CALENDAR
        )
    assert refused.value.code == "not_named_performer"


def test_directing_someone_who_is_not_a_jfu_is_refused(db_session, team):
    case_id = walk_to(db_session, team, 6)
    db_session.commit()
    before = _counts(db_session)
    with pytest.raises(ServiceError) as refused:
        walk.complete_step(
            db_session,
            team.kasi,
            case_id,
            6,
            step_payload(6, assignee_id=team.kasubdit.id),
            MONDAY_0800 + timedelta(hours=1),
            CALENDAR,
        )
    assert refused.value.code == "assignee_not_eligible"
    db_session.rollback()
    assert _counts(db_session) == before


@pytest.mark.parametrize(
    ("who", "step", "payload", "code"),
    [
        ("jfu", 4, step_payload(4), "wrong_role"),
        (
            "kasi",
            4,
            {"text": "kelengkapan bukan daftar", "kelengkapan": "laporan"},
            "field_invalid",
        ),
        ("kasi", 4, step_payload(4, text="   "), "output_missing"),
        ("kasi", 5, step_payload(5), "step_not_current"),
        ("kasi", 4, step_payload(4, text="a\x00b"), "text_invalid"),
        ("kasi", 4, step_payload(4, text="x" * 10_001), "text_too_long"),
    ],
)
def test_a_refused_step_leaves_the_database_exactly_as_it_was(
    db_session, team, who, step, payload, code
):
    case_id = walk_to(db_session, team, 4)
    db_session.commit()  # release the savepoint so the snapshot is what a new request sees
    before = (_counts(db_session), _case_row(db_session, case_id))
    with pytest.raises(RuleError) as refused:
        walk.complete_step(
            db_session,
            getattr(team, who),
            case_id,
            step,
            payload,
            MONDAY_0800 + timedelta(hours=1),
            CALENDAR,
        )
    assert refused.value.code == code
    assert refused.value.message("id") and refused.value.message("en")
    db_session.rollback()
    assert (_counts(db_session), _case_row(db_session, case_id)) == before


def test_a_step_needs_its_kelengkapan_confirmed(db_session, team):
    case_id = walk_to(db_session, team, 3)
    with pytest.raises(RuleError) as refused:
        walk.complete_step(
            db_session,
            team.kasubdit,
            case_id,
            3,
            step_payload(3, kelengkapan=["komputer", "internet"]),
            MONDAY_0800,
            CALENDAR,
        )
    assert refused.value.code == "kelengkapan_incomplete"
    assert "printer" in refused.value.message("id")


def test_a_superuser_is_not_a_performer(db_session, team, make_account):
    case_id = walk_to(db_session, team, 2)
    with pytest.raises(RuleError) as refused:
        walk.complete_step(
            db_session,
            make_account(Role.SUPERUSER),
            case_id,
            2,
            step_payload(2),
            MONDAY_0800,
            CALENDAR,
        )
    assert refused.value.code == "wrong_role"


def test_the_direktur_may_set_the_priority_at_step_2(db_session, team):
    case_id = walk_to(db_session, team, 2)
    walk.complete_step(
        db_session,
        team.direktur,
        case_id,
        2,
        step_payload(2, priority="kritis"),
        MONDAY_0800 + timedelta(minutes=1),
        CALENDAR,
    )
    assert db_session.get(Case, case_id).priority.value == "kritis"


def test_early_close_by_kasubdit_keeps_history_and_then_nothing_is_accepted(db_session, team):
    case_id = walk_to(db_session, team, 4)
    walk.close_early(
        db_session,
        team.kasubdit,
        case_id,
        {"reason": "duplikat", "note": "sama #1"},
        MONDAY_0800 + timedelta(hours=1),
        CALENDAR,
    )
    case = db_session.get(Case, case_id)
    assert case.status is CaseStatus.CLOSED_EARLY and case.close_reason.value == "duplikat"
    assert [r.outcome for r in case.step_runs][-1] == "closed_early"
    with pytest.raises(RuleError) as refused:
        walk.complete_step(
            db_session, team.kasi, case_id, 4, step_payload(4), MONDAY_0800, CALENDAR
        )
    assert refused.value.code == "case_closed"


def test_early_close_needs_a_known_reason_and_an_allowed_role(db_session, team):
    case_id = walk_to(db_session, team, 4)
    with pytest.raises(RuleError) as refused:
        walk.close_early(db_session, team.kasi, case_id, {"reason": "bosan"}, MONDAY_0800, CALENDAR)
    assert refused.value.code == "invalid_choice"
    with pytest.raises(RuleError) as refused:
        walk.close_early(
            db_session, team.jfu, case_id, {"reason": "duplikat"}, MONDAY_0800, CALENDAR
        )
    assert refused.value.code == "wrong_role"


def test_return_for_rework_needs_a_reason(db_session, team):
    case_id = walk_to(db_session, team, 8)
    with pytest.raises(RuleError) as refused:
        walk.return_for_rework(
            db_session, team.kasi, case_id, {"reason": " "}, MONDAY_0800, CALENDAR, step=8
        )
    assert refused.value.code == "reason_required"


def test_staff_may_record_a_phone_report_for_an_outside_reporter(db_session, team):
    payload = report_payload(reporter_name="Pak Ahmad", reporter_contact="0812-000-111")
    case = svc.report(db_session, team.kasi, payload, MONDAY_0800, CALENDAR).case
    assert (case.reporter_id, case.reporter_name, case.recorded_by_id) == (
        None,
        "Pak Ahmad",
        team.kasi.id,
    )
    with pytest.raises(RuleError) as refused:
        svc.report(db_session, team.kasi, report_payload(), MONDAY_0800, CALENDAR)
    assert refused.value.code == "reporter_required"


def test_a_step_seen_by_two_users_is_done_once_and_the_second_hears_by_whom(
    db_session, team, make_account
):
    other_kasi = make_account(Role.KASI)
    case_id = walk_to(db_session, team, 4)
    later = MONDAY_0800 + timedelta(hours=1)
    walk.complete_step(db_session, team.kasi, case_id, 4, step_payload(4), later, CALENDAR)
    with pytest.raises(ServiceError) as refused:
        walk.complete_step(db_session, other_kasi, case_id, 4, step_payload(4), later, CALENDAR)
    assert refused.value.code == "already_done"
    assert team.kasi.full_name in refused.value.message("id")


def test_mark_opened_records_the_first_open_by_the_steps_role_only(db_session, team):
    case_id = walk_to(db_session, team, 4)
    svc.mark_opened(db_session, team.jfu, case_id, MONDAY_0800 + timedelta(minutes=30))
    svc.mark_opened(db_session, team.kasi, case_id, MONDAY_0800 + timedelta(minutes=40))
    svc.mark_opened(db_session, team.kasi, case_id, MONDAY_0800 + timedelta(minutes=50))
    db_session.expire_all()
    run = svc.open_run(db_session.get(Case, case_id))
    assert run.opened_at == MONDAY_0800 + timedelta(minutes=40)


def test_an_unknown_case_is_not_found(db_session, team):
    with pytest.raises(ServiceError) as refused:
        walk.complete_step(db_session, team.kasi, 987654, 4, step_payload(4), MONDAY_0800, CALENDAR)
    assert refused.value.code == "not_found"
