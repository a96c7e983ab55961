"""The SOP's actions on a case: lock it, ask the rules, write run, output and audit at once.

Nothing here knows a step number: what a step does (open the case, name a performer, return,
set the priority, write the daily log) is read from the case's own SOP version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import WorkingCalendar
from rules.enums import Action, CaseStatus, OutputKind
from rules.payload import whole_number
from rules.sop import SopDefinition, StepDef
from rules.stats import OUTCOME_CLOSED_EARLY, OUTCOME_COMPLETED, OUTCOME_RETURNED
from rules.transitions import Actor, CaseState, Outcome, decide, report_case

from ..accounts import Account
from ..cases import Case, StepRun
from ..errors import ServiceError
from ..records import Instruction, LogEntry, Report
from . import audit, notices
from .sop_library import version_for_new_case

Payload = Mapping[str, object]
OutputRecord = Instruction | Report | LogEntry


@dataclass(frozen=True)
class ActionResult:
    """What an action wrote: the case, the decision, and the output record if any."""

    case: Case
    outcome: Outcome
    record: OutputRecord | None


def actor_of(account: Account) -> Actor:
    """The rules' view of an account."""
    if not account.active:
        raise ServiceError("account_inactive")
    return Actor(id=account.id, roles=account.role_codes)


def state_of(case: Case) -> CaseState:
    """The rules' view of a case."""
    return CaseState(
        status=case.status,
        current_step=case.current_step,
        assignee_id=case.assignee_id,
        rework_round=case.rework_rounds,
        performers=frozenset(
            (run.step, run.performer_id) for run in case.step_runs if run.performer_id is not None
        ),
    )


def case_snapshot(case: Case) -> dict[str, Any]:
    """The audited fields of a case."""
    return {
        "status": case.status,
        "current_step": case.current_step,
        "waiting_role": case.waiting_role,
        "waiting_account_id": case.waiting_account_id,
        "assignee_id": case.assignee_id,
        "rework_rounds": case.rework_rounds,
        "priority": case.priority,
        "close_reason": case.close_reason,
    }


def run_evidence(run: StepRun) -> dict[str, Any]:
    """A finished run as its audit event carries it (so `audit verify` can hold the row to it)."""
    return {
        "id": run.id,
        "step": run.step,
        "round": run.round,
        "performer_id": run.performer_id,
        "actionable_at": run.actionable_at,
        "completed_at": run.completed_at,
        "working_minutes": run.working_minutes,
        "outcome": run.outcome,
    }


def _measure(run: StepRun, now: datetime, calendar: WorkingCalendar) -> Decimal:
    minutes = calendar.working_minutes(run.actionable_at, now)
    return Decimal(str(round(minutes, 2)))


def _finish_run(
    run: StepRun, performer: Account, now: datetime, calendar: WorkingCalendar, outcome: str
) -> None:
    now = max(now, run.actionable_at)  # another host's clock may lag by a moment
    run.completed_at = now
    run.performer_id = performer.id
    run.working_minutes = _measure(run, now, calendar)
    run.outcome = outcome
    run.opened_at = run.opened_at or now


def due_at(
    start: datetime, standard_minutes: int | None, calendar: WorkingCalendar
) -> datetime | None:
    """When a step started at `start` runs over its standard, in working time."""
    if standard_minutes is None:
        return None
    return calendar.add(start, timedelta(minutes=standard_minutes))


def _start_run(
    case: Case, step: StepDef, round_: int, now: datetime, calendar: WorkingCalendar
) -> StepRun:
    run = StepRun(
        step=step.number,
        round=round_,
        role=step.role,
        standard_minutes=step.standard_minutes,
        actionable_at=now,
        due_at=due_at(now, step.standard_minutes, calendar),
    )
    case.step_runs.append(run)
    return run


def _move_case(case: Case, sop: SopDefinition, outcome: Outcome, now: datetime) -> None:
    after = outcome.after
    case.status = after.status
    case.current_step = after.current_step
    waiting = sop.step(after.current_step) if after.current_step else None
    case.waiting_role = waiting.role if waiting else None
    # The queue of the named performer, when the waiting step's performer is named.
    case.waiting_account_id = after.assignee_id if waiting and waiting.by_assignee else None
    case.assignee_id = after.assignee_id
    case.rework_rounds = after.rework_round
    if after.status is not CaseStatus.OPEN:
        case.closed_at = now


def report(
    session: Session,
    actor: Account,
    payload: Payload,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    started_at: datetime | None = None,
    sop_key: str | None = None,
) -> ActionResult:
    """The first step: open a case under the SOP `sop_key` (the default SOP when None)."""
    version = version_for_new_case(session, sop_key)
    sop = version.sop
    outcome = report_case(sop, actor_of(actor), payload)
    fields = outcome.fields
    first = sop.step(outcome.step)
    case = Case(
        sop_version_id=version.id,
        title=fields["title"],
        description=fields["description"],
        url=fields["url"],
        channel=fields["channel"],
        priority=fields["priority"],
        reporter_id=None if fields["on_behalf"] else actor.id,
        reporter_name=fields["reporter_name"] if fields["on_behalf"] else actor.full_name,
        reporter_contact=fields["reporter_contact"],
        recorded_by_id=actor.id,
        rework_rounds=0,
        created_at=now,
    )
    _move_case(case, sop, outcome, now)
    session.add(case)
    first_run = _start_run(case, first, 0, min(started_at or now, now), calendar)
    _finish_run(first_run, actor, now, calendar, OUTCOME_COMPLETED)
    _start_run(case, sop.step(outcome.after.current_step or first.number), 0, now, calendar)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="case.report",
        entity="case",
        entity_id=case.id,
        case_id=case.id,
        after={
            **case_snapshot(case),
            "title": case.title,
            "channel": case.channel,
            "run": run_evidence(first_run),
        },
        at=now,
    )
    notices.notify_handoff(session, case, outcome, now)
    return ActionResult(case, outcome, None)


def lock_case(session: Session, case_id: int) -> Case:
    """Load a case and hold its row lock until the transaction ends."""
    case = session.execute(
        sa.select(Case)
        .where(Case.id == case_id)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if case is None:
        raise ServiceError("not_found", entity="kasus", id=case_id)
    return case


def open_run(case: Case) -> StepRun | None:
    """The step run in progress, if any."""
    return next((run for run in case.step_runs if run.completed_at is None), None)


def _check_not_already_done(session: Session, case: Case, seen_step: object) -> None:
    """A step the user saw that someone else has since done: say who did it."""
    if isinstance(seen_step, str):
        seen_step = whole_number(seen_step.strip())
    if not isinstance(seen_step, int):
        return
    if case.status is CaseStatus.OPEN and seen_step == case.current_step:
        return
    # Completed, not closed early: the last step done by someone else closes the case too.
    done = [
        run for run in case.step_runs if run.step == seen_step and run.outcome == OUTCOME_COMPLETED
    ]
    if done:
        performer = session.get(Account, done[-1].performer_id)
        raise ServiceError(
            "already_done", step=seen_step, by=performer.full_name if performer else "?"
        )


def _check_assignee(session: Session, sop: SopDefinition, outcome: Outcome) -> None:
    """The named performer must be active and hold the position of every step named for."""
    assignee_id = outcome.fields["assignee_id"]
    account = session.get(Account, assignee_id) if isinstance(assignee_id, int) else None
    for number in outcome.fields["assignee_for"]:
        role = sop.step(number).role
        if account is None or not account.active or not account.has_role(role):
            raise ServiceError("assignee_not_eligible", id=assignee_id, role=role)


def _write_output(
    session: Session,
    case: Case,
    run: StepRun,
    outcome: Outcome,
    actor: Account,
    now: datetime,
    calendar: WorkingCalendar,
) -> OutputRecord | None:
    fields = outcome.fields
    common: dict[str, Any] = {
        "case": case,
        "step_run": run,
        "author_id": actor.id,
        "created_at": now,
    }
    record: OutputRecord
    if outcome.output_kind is OutputKind.INSTRUCTION:
        record = Instruction(
            kind=outcome.record_kind,
            text=fields["text"],
            addressee_id=fields.get("assignee_id"),
            priority=fields.get("priority"),
            **common,
        )
    elif outcome.output_kind is OutputKind.REPORT:
        text = fields["reason"] if outcome.action is Action.RETURN_FOR_REWORK else fields["text"]
        record = Report(kind=outcome.record_kind, text=text, **common)
    elif outcome.output_kind is OutputKind.LOG_ENTRY:
        record = LogEntry(
            text=fields["text"], log_date=now.astimezone(calendar.tz).date(), **common
        )
    else:
        return None
    session.add(record)
    return record


FINISHED = {
    Action.COMPLETE: OUTCOME_COMPLETED,
    Action.RETURN_FOR_REWORK: OUTCOME_RETURNED,
    Action.CLOSE_EARLY: OUTCOME_CLOSED_EARLY,
}
"""The actions that finish the step run in progress, and how; naming another performer does not."""


def act(
    session: Session,
    actor: Account,
    case_id: int,
    action: Action,
    payload: Payload,
    now: datetime,
    calendar: WorkingCalendar,
) -> ActionResult:
    """Take an action on a case in one transaction step; a refusal writes nothing."""
    case = lock_case(session, case_id)
    _check_not_already_done(session, case, payload.get("step"))
    sop = case.sop_version.sop
    before = case_snapshot(case)
    outcome = decide(sop, state_of(case), actor_of(actor), action, payload)
    if "assignee_id" in outcome.fields:
        _check_assignee(session, sop, outcome)
    run = open_run(case)
    if run is None:  # an open case always has a run in progress; the schema guarantees one
        raise ServiceError("stale_case", id=case.id)
    record = None
    if outcome.action in FINISHED:
        _finish_run(run, actor, now, calendar, FINISHED[outcome.action])
        record = _write_output(session, case, run, outcome, actor, now, calendar)
    _move_case(case, sop, outcome, now)
    if outcome.fields.get("priority"):
        case.priority = outcome.fields["priority"]
    if outcome.action is Action.CLOSE_EARLY:
        case.close_reason = outcome.fields["reason"]
    if case.current_step is not None and outcome.action in FINISHED:
        # Flush the finished run first: the schema allows one run in progress per case.
        session.flush()
        _start_run(case, sop.step(case.current_step), case.rework_rounds, now, calendar)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action=f"case.{outcome.action.value}",
        entity="case",
        entity_id=case.id,
        case_id=case.id,
        before=before,
        after={
            **case_snapshot(case),
            "step": outcome.step,
            "fields": {k: v for k, v in outcome.fields.items() if k != "kelengkapan"},
            **({"run": run_evidence(run)} if outcome.action in FINISHED else {}),
        },
        at=now,
    )
    notices.notify_handoff(session, case, outcome, now)
    return ActionResult(case, outcome, record)


def mark_opened(session: Session, actor: Account, case_id: int, now: datetime) -> None:
    """Note when the performer first opened the step in progress (waiting vs working time)."""
    session.execute(
        sa.update(StepRun)
        .where(
            StepRun.case_id == case_id,
            StepRun.completed_at.is_(None),
            StepRun.opened_at.is_(None),
            StepRun.role.in_(actor.role_codes),
            StepRun.actionable_at <= now,
        )
        .values(opened_at=now)
    )
