"""Random SOP definitions of any shape, for property tests of the rules (no database)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from rules import OutputKind, SopDefinition, sop_from_dict

POSITIONS = ("pelapor", "kepala", "kasi-jaringan", "staf-jaringan", "kasubbag-tu")
_WORDS = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8)
_KINDS = [OutputKind.INSTRUCTION, OutputKind.REPORT, OutputKind.LOG_ENTRY]


@st.composite
def sop_dicts(draw: st.DrawFn, min_steps: int = 3, max_steps: int = 15) -> dict[str, Any]:
    """Plain data of a valid SOP: any length, performers, standards and behaviours at random."""
    count = draw(st.integers(min_steps, max_steps), label="steps")
    # At most one step names the performer, of one or more later steps.
    naming = 0
    if count > 2 and draw(st.booleans()):
        naming = draw(st.integers(2, count - 1), label="naming step")
    steps = []
    for number in range(1, count + 1):
        step: dict[str, Any] = {
            "number": number,
            "activity_id": draw(_WORDS),
            "role": draw(st.sampled_from(POSITIONS)),
            "kelengkapan": draw(st.lists(_WORDS, max_size=3, unique_by=str.casefold)),
            "output_kind": (OutputKind.CASE if number == 1 else draw(st.sampled_from(_KINDS))),
            "output_label": draw(st.just("") | _WORDS),
        }
        if draw(st.booleans()):
            step["standard_minutes"] = draw(st.integers(1, 600))
        if number > 1:
            later = list(range(number + 1, count + 1))
            targets = (
                draw(st.lists(st.sampled_from(later), min_size=1, max_size=3, unique=True))
                if number == naming
                else []
            )
            step["names_performer_for"] = targets
            step["sets_priority"] = draw(st.booleans())
            step["shared_with_reporter"] = draw(st.booleans())
            if number > 2 and draw(st.booleans()):
                step["may_return_to"] = draw(st.integers(2, number - 1))
            if number > 2 and draw(st.booleans()):
                earlier = st.sampled_from(range(2, number))
                step["separate_from"] = draw(st.lists(earlier, min_size=1, max_size=1))
        step["output_kind"] = step["output_kind"].value
        steps.append(step)
    data: dict[str, Any] = {"key": "sop-acak", "name": draw(_WORDS), "version": 1, "steps": steps}
    if draw(st.booleans()):
        data["close_early_by"] = draw(st.lists(st.sampled_from(POSITIONS), unique=True))
    if draw(st.booleans()):
        data["record_for_others"] = draw(st.lists(st.sampled_from(POSITIONS), unique=True))
    return data


def sop_definitions(min_steps: int = 3, max_steps: int = 15) -> st.SearchStrategy[SopDefinition]:
    """Valid SOPs of any shape, as the rules read them."""
    return sop_dicts(min_steps, max_steps).map(lambda data: sop_from_dict(data, "drawn"))
