"""The case state machine: a printable table of transitions plus the guard for each action."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from rules.enums import (
    Action,
    CaseStatus,
    Channel,
    CloseReason,
    OutputKind,
    Priority,
)
from rules.errors import RuleError
from rules.payload import (
    confirmed_kelengkapan,
    optional_choice,
    optional_number,
    optional_text,
    ticked_kelengkapan,
)
from rules.sop import RETURN_RECORD_KIND, SopDefinition, StepDef

TITLE_LIMIT = 200
URL_LIMIT = 2_000
REPORTER_LIMIT = 200


@dataclass(frozen=True)
class CaseState:
    """Where a case stands: status, current step, its named performer, rework rounds so far,
    and who performed which step (each (step, account id), every round)."""

    status: CaseStatus
    current_step: int | None
    assignee_id: int | None = None
    rework_round: int = 0
    performers: frozenset[tuple[int, int]] = frozenset()

    def performers_of(self, steps: Iterable[int]) -> frozenset[int]:
        """The accounts that performed any of these steps."""
        wanted = set(steps)
        return frozenset(account for step, account in self.performers if step in wanted)

    def done_by(self, step: int, account_id: int) -> frozenset[tuple[int, int]]:
        """The performers once `account_id` has performed `step` too."""
        return self.performers | {(step, account_id)}


@dataclass(frozen=True)
class Actor:
    """Who asks for an action: an account id and the positions (role codes) it holds."""

    id: int
    roles: frozenset[str]


class Effect(StrEnum):
    """What an allowed action does to a case."""

    OPEN = "open"  # a new case, OPEN at the step after the first
    ADVANCE = "advance"  # to the next step, or CLOSED after the last
    RETURN = "return"  # back to the step's may_return_to, one more rework round
    CLOSE_EARLY = "close_early"  # CLOSED_EARLY, with a reason
    REASSIGN = "reassign"  # another named performer for the step in progress, same step


TRANSITIONS: Mapping[tuple[CaseStatus | None, Action], Effect] = MappingProxyType(
    {
        (None, Action.REPORT): Effect.OPEN,
        (CaseStatus.OPEN, Action.COMPLETE): Effect.ADVANCE,
        (CaseStatus.OPEN, Action.RETURN_FOR_REWORK): Effect.RETURN,
        (CaseStatus.OPEN, Action.CLOSE_EARLY): Effect.CLOSE_EARLY,
        (CaseStatus.OPEN, Action.REASSIGN): Effect.REASSIGN,
    }
)
"""(status before, action) → effect; None stands for "no case yet". A closed case allows nothing."""


@dataclass(frozen=True)
class Outcome:
    """What an allowed action does: the record to write, its fields and the states around it."""

    action: Action
    step: int
    output_kind: OutputKind
    record_kind: str | None
    fields: Mapping[str, object]
    before: CaseState | None
    after: CaseState


def may_report(sop: SopDefinition, actor: Actor) -> bool:
    """Whether this actor may open a case, for themselves or for an outside reporter."""
    return sop.step(sop.first_step).role in actor.roles or bool(actor.roles & sop.record_for_others)


def report_case(sop: SopDefinition, actor: Actor, payload: Mapping[str, object]) -> Outcome:
    """Open a case: the first step, done by its role or by staff for an outside reporter."""
    first = sop.step(sop.first_step)
    if not may_report(sop, actor):
        recorders = sorted(sop.record_for_others - {first.role})
        raise RuleError("wrong_role", step=first.number, role=[first.role, *recorders])
    on_behalf = first.role not in actor.roles
    fields = _report_fields(first, payload, on_behalf)
    after = CaseState(
        CaseStatus.OPEN,
        sop.next_step(first.number),
        performers=frozenset({(first.number, actor.id)}),
    )
    return _outcome(Action.REPORT, first, first.output_kind, first.record_kind, fields, None, after)


def _report_fields(
    first: StepDef, payload: Mapping[str, object], on_behalf: bool
) -> dict[str, object]:
    title = optional_text(payload, "title", TITLE_LIMIT)
    if title is None:
        raise RuleError("field_required", field="title")
    description = optional_text(payload, "description")
    if description is None:
        raise RuleError("field_required", field="description")
    channel = optional_choice(payload, "channel", Channel)
    if channel is None:
        raise RuleError("field_required", field="channel")
    reporter_name = optional_text(payload, "reporter_name", REPORTER_LIMIT)
    reporter_contact = optional_text(payload, "reporter_contact", REPORTER_LIMIT)
    if on_behalf and (reporter_name is None or reporter_contact is None):
        raise RuleError("reporter_required")
    return {
        "title": title,
        "description": description,
        "url": optional_text(payload, "url", URL_LIMIT),
        "channel": channel,
        "priority": optional_choice(payload, "priority", Priority) or Priority.SEDANG,
        "reporter_name": reporter_name,
        "reporter_contact": reporter_contact,
        "on_behalf": on_behalf,
        # The reporter may be anyone, inside or outside DJKI: step 1's kelengkapan ("telepon")
        # is the usual channel, recorded as `channel`, so it is noted when ticked, not required.
        "kelengkapan": ticked_kelengkapan(payload, first),
    }


def decide(
    sop: SopDefinition,
    state: CaseState,
    actor: Actor,
    action: Action,
    payload: Mapping[str, object],
) -> Outcome:
    """Decide an action on an open case, or refuse it with a RuleError; never changes `state`."""
    if state.current_step is not None:
        _check_step_seen(payload, state.current_step)
    step = _guard(sop, state, actor, action)
    effect = TRANSITIONS[(state.status, action)]
    if effect is Effect.ADVANCE:
        return _complete(sop, state, step, actor, payload)
    if effect is Effect.RETURN:
        return _return_for_rework(state, step, actor, payload)
    if effect is Effect.REASSIGN:
        return _reassign(sop, state, step, payload)
    return _close_early(state, step, payload)


def allowed_actions(sop: SopDefinition, state: CaseState, actor: Actor) -> tuple[Action, ...]:
    """The actions this actor may take on the case now, in table order."""
    allowed = []
    for status, action in TRANSITIONS:
        if status == state.status:
            try:
                _guard(sop, state, actor, action)
            except RuleError:
                continue
            allowed.append(action)
    return tuple(allowed)


def _check_step_seen(payload: Mapping[str, object], current: int) -> None:
    # The form carries the step its user saw, so a step can be neither skipped nor repeated
    # from a stale page.
    seen = optional_number(payload, "step")
    if seen is not None and seen != current:
        raise RuleError("step_not_current", step=seen, current=current)


def _guard(sop: SopDefinition, state: CaseState, actor: Actor, action: Action) -> StepDef:
    """The current step, once this actor may take this action on it whatever the payload."""
    # Compared by value, so a status read back from the database as plain text works too.
    if state.status != CaseStatus.OPEN or state.current_step is None:
        raise RuleError("case_closed", status=state.status)
    effect = TRANSITIONS.get((state.status, action))
    if effect is None:
        raise RuleError("action_not_allowed", action=action)
    step = sop.step(state.current_step)
    if effect is Effect.CLOSE_EARLY:
        if not actor.roles & sop.close_early_by:
            raise RuleError("wrong_role", step=step.number, role=sorted(sop.close_early_by))
        return step
    if effect is Effect.REASSIGN:
        # Whoever holds the position that names the performer may name another one.
        if step.named_by is None:
            raise RuleError("reassign_not_allowed", step=step.number)
        naming = sop.step(step.named_by)
        if naming.role not in actor.roles:
            raise RuleError("wrong_role", step=naming.number, role=naming.role)
        return step
    if effect is Effect.RETURN and step.may_return_to is None:
        raise RuleError("return_not_allowed", step=step.number)
    # Holding the step's position is the only way in: a superuser manages accounts, not cases.
    if step.role not in actor.roles:
        raise RuleError("wrong_role", step=step.number, role=step.role)
    if step.by_assignee and actor.id != state.assignee_id:
        raise RuleError("not_named_performer", step=step.number)
    _check_separate(step, state, actor.id)
    return step


def _check_separate(step: StepDef, state: CaseState, account_id: int, named: bool = False) -> None:
    """Four eyes: whoever performed a step this one is kept apart from may not perform it."""
    for earlier in step.separate_from:
        if account_id in state.performers_of([earlier]):
            code = "separate_duty_named" if named else "separate_duty"
            raise RuleError(code, step=step.number, other=earlier)


def _complete(
    sop: SopDefinition,
    state: CaseState,
    step: StepDef,
    actor: Actor,
    payload: Mapping[str, object],
) -> Outcome:
    text = optional_text(payload, "text")
    if text is None:
        raise RuleError("output_missing", step=step.number, field="text")
    fields: dict[str, object] = {
        "step": step.number,
        "text": text,
        "kelengkapan": confirmed_kelengkapan(payload, step),
    }
    performers = state.done_by(step.number, actor.id)
    assignee_id = state.assignee_id
    if step.names_assignee:
        assignee_id = _assignee(payload, step)
        _check_named(sop, step, replace(state, performers=performers), assignee_id)
        fields["assignee_id"] = assignee_id
        fields["assignee_for"] = list(step.names_performer_for)
    if step.sets_priority:
        fields["priority"] = optional_choice(payload, "priority", Priority)
    next_step = sop.next_step(step.number)
    status = CaseStatus.OPEN if next_step is not None else CaseStatus.CLOSED
    after = CaseState(status, next_step, assignee_id, state.rework_round, performers)
    return _outcome(Action.COMPLETE, step, step.output_kind, step.record_kind, fields, state, after)


def _check_named(sop: SopDefinition, naming: StepDef, state: CaseState, assignee_id: int) -> None:
    """The account named may perform every step it is named for, separation included."""
    for target in naming.names_performer_for:
        _check_separate(sop.step(target), state, assignee_id, named=True)


def _assignee(payload: Mapping[str, object], step: StepDef) -> int:
    try:
        assignee_id = optional_number(payload, "assignee_id")
    except RuleError:
        assignee_id = None
    if assignee_id is None:
        raise RuleError("assignee_required", step=step.number, targets=step.names_performer_for)
    return assignee_id


def _return_for_rework(
    state: CaseState, step: StepDef, actor: Actor, payload: Mapping[str, object]
) -> Outcome:
    reason = optional_text(payload, "reason")
    if reason is None:
        raise RuleError("reason_required")
    back_to = step.may_return_to
    fields: dict[str, object] = {"step": step.number, "reason": reason, "to_step": back_to}
    after = CaseState(
        CaseStatus.OPEN,
        back_to,
        state.assignee_id,
        state.rework_round + 1,
        state.done_by(step.number, actor.id),
    )
    return _outcome(
        Action.RETURN_FOR_REWORK, step, OutputKind.REPORT, RETURN_RECORD_KIND, fields, state, after
    )


def _reassign(
    sop: SopDefinition, state: CaseState, step: StepDef, payload: Mapping[str, object]
) -> Outcome:
    assert step.named_by is not None  # checked by the guard
    naming = sop.step(step.named_by)
    assignee_id = _assignee(payload, naming)
    if assignee_id == state.assignee_id:
        raise RuleError("same_assignee", step=step.number)
    _check_named(sop, naming, state, assignee_id)
    reason = optional_text(payload, "reason")
    if reason is None:
        raise RuleError("reason_required")
    fields: dict[str, object] = {
        "step": step.number,
        "assignee_id": assignee_id,
        "assignee_for": list(naming.names_performer_for),
        "previous_assignee_id": state.assignee_id,
        "reason": reason,
    }
    after = replace(state, assignee_id=assignee_id)
    return _outcome(Action.REASSIGN, step, OutputKind.REASSIGNMENT, None, fields, state, after)


def _close_early(state: CaseState, step: StepDef, payload: Mapping[str, object]) -> Outcome:
    reason = optional_choice(payload, "reason", CloseReason)
    if reason is None:
        raise RuleError("reason_required")
    fields: dict[str, object] = {
        "step": step.number,
        "reason": reason,
        "note": optional_text(payload, "note"),
    }
    after = replace(state, status=CaseStatus.CLOSED_EARLY, current_step=None)
    return _outcome(Action.CLOSE_EARLY, step, OutputKind.CLOSURE, None, fields, state, after)


def _outcome(
    action: Action,
    step: StepDef,
    output_kind: OutputKind,
    record_kind: str | None,
    fields: dict[str, object],
    before: CaseState | None,
    after: CaseState,
) -> Outcome:
    return Outcome(
        action=action,
        step=step.number,
        output_kind=output_kind,
        record_kind=record_kind,
        fields=MappingProxyType(fields),
        before=before,
        after=after,
    )


def check_invariants(sop: SopDefinition, state: CaseState) -> None:
    """Raise AssertionError when a case state could not have come from the rules."""
    if state.rework_round < 0:
        raise AssertionError(f"negative rework round: {state}")
    if (state.status == CaseStatus.OPEN) != (state.current_step is not None):
        raise AssertionError(f"an open case, and only an open case, has a current step: {state}")
    if state.assignee_id is not None and state.assignee_id < 1:
        raise AssertionError(f"assignee id must be positive: {state}")
    if state.rework_round > 0 and not any(step.may_return_to for step in sop.steps):
        raise AssertionError(f"rework round without a step that may return: {state}")
    if state.assignee_id is not None and not sop.named_steps:
        raise AssertionError(f"named performer without a step that names one: {state}")
    if state.current_step is None:
        return
    # The first step is the report itself: an existing case is always past it.
    if not sop.first_step < state.current_step <= sop.last_step:
        raise AssertionError(f"current step out of range: {state}")
    if sop.step(state.current_step).by_assignee and state.assignee_id is None:
        raise AssertionError(f"step of a named performer reached without one: {state}")
