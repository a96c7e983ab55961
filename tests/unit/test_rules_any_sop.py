"""Any SOP, not only the portal's: random definitions walked by random action sequences.

Definitions of 3 to 15 steps with random performers, standards and behaviours (naming the
performer of later steps, returns to earlier steps, priority, steps kept apart) are walked by
actors holding random positions; whatever they try, the rules never produce a state they could
not explain.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    Action,
    Actor,
    CaseState,
    CaseStatus,
    RuleError,
    SopDefinition,
    allowed_actions,
    check_invariants,
    decide,
    report_case,
)
from tests.support.sop_shapes import POSITIONS, sop_definitions

REPORT = {"title": "Jaringan putus", "description": "Lantai 3 tanpa jaringan.", "channel": "web"}
ACTORS = [Actor(n, frozenset({position})) for n, position in enumerate(POSITIONS, 1)]
ACTORS += [Actor(n + 10, frozenset({position})) for n, position in enumerate(POSITIONS, 1)]
# A third holder of each position, so a step kept apart from two earlier ones can still be done.
ACTORS += [Actor(n + 20, frozenset({position})) for n, position in enumerate(POSITIONS, 1)]
ACTORS.append(Actor(99, frozenset({"superuser"})))


def payload_for(sop: SopDefinition, state: CaseState, action: Action, named: int) -> dict[str, Any]:
    """A payload that action would accept on this state, if the actor may take it."""
    assert state.current_step is not None
    step = sop.step(state.current_step)
    base: dict[str, Any] = {"step": step.number}
    if action is Action.COMPLETE:
        base |= {"text": "selesai", "kelengkapan": list(step.kelengkapan)}
        if step.names_assignee:
            base["assignee_id"] = named
        if step.sets_priority:
            base["priority"] = "tinggi"
    elif action is Action.RETURN_FOR_REWORK:
        base["reason"] = "belum benar"
    elif action is Action.CLOSE_EARLY:
        base["reason"] = "duplikat"
    elif action is Action.REASSIGN:
        base |= {"assignee_id": named, "reason": "cuti"}
    return base


def test_random_sops_walked_at_random_never_reach_an_invalid_state() -> None:
    reached: collections.Counter[str] = collections.Counter()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(sop_definitions(3, 15), st.data())
    def walk(sop: SopDefinition, data: st.DataObject) -> None:
        reporter = next(actor for actor in ACTORS if sop.step(1).role in actor.roles)
        state = report_case(sop, reporter, REPORT).after
        for _ in range(data.draw(st.integers(1, 60), label="length")):
            check_invariants(sop, state)
            if state.status is not CaseStatus.OPEN:
                break
            # Mostly someone who may act, and mostly completing, so walks get through long SOPs.
            able = [actor for actor in ACTORS if allowed_actions(sop, state, actor)]
            mode = data.draw(st.integers(0, 9), label="mode")
            actor = data.draw(st.sampled_from(able if able and mode else ACTORS), label="actor")
            allowed = allowed_actions(sop, state, actor)
            if allowed and mode:
                weight = {Action.COMPLETE: 40, Action.RETURN_FOR_REWORK: 6, Action.REASSIGN: 3}
                choices = [a for a in allowed for _ in range(weight.get(a, 1))]
                action = data.draw(st.sampled_from(choices), label="allowed action")
            else:
                action = data.draw(st.sampled_from(list(Action)[1:]), label="any action")
            named = data.draw(st.sampled_from([actor.id for actor in ACTORS]), label="named")
            payload: Mapping[str, object] = payload_for(sop, state, action, named)
            try:
                outcome = decide(sop, state, actor, action, payload)
            except RuleError as refused:
                assert action not in allowed or _refusable(action, state, named, refused)
                continue
            assert action in allowed
            assert outcome.before == state
            _check_effect(sop, state, outcome.after, action)
            _check_four_eyes(sop, state, outcome.after, action, actor)
            state = outcome.after
            reached[action.value] += 1
            reached[state.status.value] += 1
        check_invariants(sop, state)

    walk()
    # The property proves little unless the walks get everywhere.
    assert all(
        reached[key] for key in [*(a.value for a in list(Action)[1:]), "closed", "closed_early"]
    ), reached


def _refusable(action: Action, state: CaseState, named: int, refused: RuleError) -> bool:
    """An allowed action the drawn payload may still fail: naming the performer already named,
    or naming someone a named step is kept apart from."""
    if refused.code == "separate_duty_named":
        return action in (Action.COMPLETE, Action.REASSIGN)
    return action is Action.REASSIGN and named == state.assignee_id


def _check_four_eyes(
    sop: SopDefinition, before: CaseState, after: CaseState, action: Action, actor: Actor
) -> None:
    """Whoever performed a step kept apart from this one never performs it; all are remembered."""
    assert before.current_step is not None
    step = sop.step(before.current_step)
    if action in (Action.COMPLETE, Action.RETURN_FOR_REWORK):
        assert actor.id not in before.performers_of(step.separate_from)
        assert after.performers == before.performers | {(step.number, actor.id)}
    else:
        assert after.performers == before.performers
    for target in step.names_performer_for if action is Action.COMPLETE else ():
        assert after.assignee_id not in after.performers_of(sop.step(target).separate_from)


def _check_effect(sop: SopDefinition, before: CaseState, after: CaseState, action: Action) -> None:
    assert before.current_step is not None
    step = sop.step(before.current_step)
    if action is Action.COMPLETE:
        assert after.current_step == sop.next_step(step.number)
        assert after.rework_round == before.rework_round
        if after.current_step is not None and sop.step(after.current_step).by_assignee:
            assert after.assignee_id is not None
    elif action is Action.RETURN_FOR_REWORK:
        assert after.current_step == step.may_return_to
        assert after.rework_round == before.rework_round + 1
    elif action is Action.REASSIGN:
        assert (after.current_step, after.rework_round) == (step.number, before.rework_round)
        assert after.assignee_id != before.assignee_id
    else:
        assert after.status is CaseStatus.CLOSED_EARLY
