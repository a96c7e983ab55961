"""Figures about how the SOP is followed: percentiles, the standard-time review, conformance.

Percentiles use linear interpolation between the closest ranks (the method of PostgreSQL's
`percentile_cont`, of Excel's PERCENTILE.INC and of numpy's default), so that a figure computed
here and the same figure aggregated by PostgreSQL agree.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rules.errors import RuleError
from rules.sop import SopDefinition

SUGGEST_MIN_RUNS = 30
"""The standard-time review suggests nothing from fewer runs than this: too little evidence."""

SUGGEST_GAP = 0.5
"""It suggests a new standard when the observed median is off the standard by more than this
share of the standard (50%)."""

SUGGEST_PERCENTILE = 0.9
"""The suggested standard is this percentile of the observed runs (p90), rounded up."""

OUTCOME_COMPLETED = "completed"
OUTCOME_RETURNED = "returned"
OUTCOME_CLOSED_EARLY = "closed_early"


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The `fraction` (0..1) percentile by linear interpolation; None for no values.

    Position h = (n - 1) * fraction in the sorted values; the result lies between the values at
    floor(h) and ceil(h), in proportion: PostgreSQL's percentile_cont(fraction).
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a percentile fraction lies in 0..1, not {fraction}")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (position - lower) * (ordered[upper] - ordered[lower])


def percentile_of_counts(counts: Iterable[tuple[float, int]], fraction: float) -> float | None:
    """The same interpolated percentile as `percentile`, from (value, how many times) pairs.

    For many values with few distinct ones (working minutes are kept to the hundredth), counting
    them is cheaper than sorting them all; the result is the same.
    """
    return percentiles_of_counts(counts, (fraction,))[0]


def percentiles_of_counts(
    counts: Iterable[tuple[float, int]], fractions: Sequence[float]
) -> list[float | None]:
    """Several percentiles_of_counts at once: one sort and one pass over the counts."""
    for fraction in fractions:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"a percentile fraction lies in 0..1, not {fraction}")
    ordered = sorted(pair for pair in counts if pair[1] > 0)
    total = sum(times for _, times in ordered)
    if not total:
        return [None for _ in fractions]
    # The ranks (0-based) whose values each percentile interpolates between.
    wanted: dict[int, float] = {}
    for fraction in fractions:
        lower = math.floor((total - 1) * fraction)
        wanted[lower] = wanted[min(lower + 1, total - 1)] = 0.0
    ranks = sorted(wanted)
    seen, index = 0, 0
    for value, times in ordered:
        seen += times  # ranks seen .. seen + times - 1 hold `value`
        while index < len(ranks) and ranks[index] < seen:
            wanted[ranks[index]] = value
            index += 1
        if index == len(ranks):
            break
    result: list[float | None] = []
    for fraction in fractions:
        position = (total - 1) * fraction
        lower = math.floor(position)
        low, high = wanted[lower], wanted[min(lower + 1, total - 1)]
        result.append(low + (position - lower) * (high - low))
    return result


def median(values: Iterable[float]) -> float | None:
    """The median (50th percentile, interpolated); None for no values."""
    return percentile(values, 0.5)


def p90(values: Iterable[float]) -> float | None:
    """The 90th percentile (interpolated); None for no values."""
    return percentile(values, 0.9)


def share_within(values: Iterable[float], standard: float | None) -> float | None:
    """Share (0..1) of values at or under the standard; None without values or a standard.

    A run is over its standard only when it takes longer than it, as in rules.timing.
    """
    if standard is None:
        return None
    counted = within = 0
    for value in values:
        counted += 1
        within += value <= standard
    return within / counted if counted else None


def suggested_standard(
    standard: int | None, runs: int, observed_median: float | None, observed_p90: float | None
) -> int | None:
    """A new standard (whole minutes) for a step whose runs differ a lot from it, else None.

    The rule: for a timed step observed at least SUGGEST_MIN_RUNS times, when the observed
    median differs from the standard by more than SUGGEST_GAP (50%) of the standard, in either
    direction, suggest the observed p90 rounded up to a whole minute (at least 1): the time
    within which nine runs in ten were done. Nothing is suggested when that equals the
    standard, for an untimed step, or from too few runs.
    """
    if standard is None or observed_median is None or observed_p90 is None:
        return None
    if runs < SUGGEST_MIN_RUNS:
        return None
    if abs(observed_median - standard) <= SUGGEST_GAP * standard:
        return None
    # Working minutes are stored to the hundredth; rounding first keeps float noise
    # (12.000000001) from adding a minute.
    suggestion = max(1, math.ceil(round(observed_p90, 2)))
    return None if suggestion == standard else suggestion


@dataclass(frozen=True)
class ConformanceRun:
    """One finished pass at a step, as conformance reads it."""

    step: int
    round: int
    performer_roles: frozenset[str]
    outcome: str


@dataclass(frozen=True)
class Nonconformity:
    """Why a closed case did not follow the SOP exactly: a stable code and its parameters."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        """The reason in Bahasa Indonesia ("id") or English ("en"), from rules.messages."""
        return RuleError(self.code, self.params).message(lang)


def accepted_roles(sop: SopDefinition, step: int, outcome: str) -> frozenset[str]:
    """The roles that may finish a pass at a step with this outcome, as the transitions allow.

    The first step is the reporter's, or staff's recording for an outside reporter; an early
    closure is by a closing role at whatever step; any other pass is by the step's own role.
    """
    definition = sop.step(step)
    if outcome == OUTCOME_CLOSED_EARLY:
        return sop.close_early_by
    if step == sop.first_step:
        return frozenset({definition.role, *sop.record_for_others})
    return frozenset({definition.role})


def conformance_reasons(sop: SopDefinition, runs: Sequence[ConformanceRun]) -> list[Nonconformity]:
    """Why a closed case did not follow the SOP exactly; an empty list when it did.

    Checked, in this order: each pass done by a role the SOP names for it (one reason per
    step); no step skipped before the furthest step reached; no rework; the case completed
    through the last step (else: closed early at a step, or not completed).
    """
    reasons: list[Nonconformity] = []
    wrong: set[int] = set()
    for run in runs:
        expected = accepted_roles(sop, run.step, run.outcome)
        if run.step not in wrong and not run.performer_roles & expected:
            wrong.add(run.step)
            reasons.append(
                Nonconformity(
                    "conformance_wrong_performer",
                    {"step": run.step, "role": sorted(expected)},
                )
            )
    completed = {run.step for run in runs if run.outcome == OUTCOME_COMPLETED}
    reached = max((run.step for run in runs), default=sop.first_step - 1)
    for step in range(sop.first_step, reached):
        if step not in completed:
            reasons.append(Nonconformity("conformance_skipped_step", {"step": step}))
    rounds = max((run.round for run in runs), default=0)
    returned = any(run.outcome == OUTCOME_RETURNED for run in runs)
    if rounds or returned:
        reasons.append(Nonconformity("conformance_rework", {"rounds": max(rounds, 1)}))
    closing = [run for run in runs if run.outcome == OUTCOME_CLOSED_EARLY]
    if closing:
        reasons.append(Nonconformity("conformance_closed_early", {"step": closing[-1].step}))
    elif sop.last_step not in completed:
        reasons.append(Nonconformity("conformance_incomplete", {"step": sop.last_step}))
    return reasons
