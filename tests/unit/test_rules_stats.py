"""Figures about the SOP: interpolated percentiles, the standard-time review, conformance."""

import statistics
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import MESSAGES, Role
from rules.stats import (
    SUGGEST_MIN_RUNS,
    ConformanceRun,
    Nonconformity,
    accepted_roles,
    conformance_reasons,
    median,
    p90,
    percentile,
    percentile_of_counts,
    percentiles_of_counts,
    share_within,
    suggested_standard,
)
from tests.support.sops import portal_sop

SOP = portal_sop()
PERFORMERS = {
    1: Role.PENGGUNA,
    2: Role.DIREKTUR,
    3: Role.KASUBDIT,
    4: Role.KASI,
    5: Role.KASI,
    6: Role.KASI,
    7: Role.JFU,
    8: Role.KASI,
    9: Role.KASI,
}


def by_the_book(**changes: Role) -> list[ConformanceRun]:
    """Steps 1..9 once each, by the SOP's roles (a step's role overridden by step<N>=role)."""
    return [
        ConformanceRun(
            step, 0, frozenset({changes.get(f"step{step}", PERFORMERS[step])}), "completed"
        )
        for step in range(1, 10)
    ]


def codes(reasons: list[Nonconformity]) -> list[str]:
    return [reason.code for reason in reasons]


# Percentiles: linear interpolation between closest ranks (PostgreSQL's percentile_cont).


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert median(values) == 2.5
    # h = (4 - 1) * 0.9 = 2.7: 3 + 0.7 * (4 - 3); nearest-rank would give 4.
    assert p90(values) == pytest.approx(3.7)
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 4.0


def test_percentiles_do_not_depend_on_the_order_of_the_values() -> None:
    assert p90([10.0, 1.0, 7.0, 3.0, 5.0]) == p90([1.0, 3.0, 5.0, 7.0, 10.0]) == pytest.approx(8.8)


def test_one_value_is_its_own_percentile_and_no_value_has_none() -> None:
    assert (median([7.5]), p90([7.5])) == (7.5, 7.5)
    assert (median([]), p90([]), percentile([], 0.3)) == (None, None, None)


def test_a_percentile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)


@given(st.lists(st.floats(0, 10_000, allow_nan=False), min_size=1, max_size=60))
def test_the_median_matches_the_standard_library(values: list[float]) -> None:
    assert median(values) == pytest.approx(statistics.median(values))


@given(
    st.lists(st.floats(0, 10_000, allow_nan=False), min_size=2, max_size=60),
    st.floats(0, 1),
)
def test_a_percentile_lies_between_the_smallest_and_the_largest_value(
    values: list[float], fraction: float
) -> None:
    result = percentile(values, fraction)
    assert result is not None and min(values) <= result <= max(values)
    # statistics.quantiles' "inclusive" method is the same interpolation.
    assert p90(values) == pytest.approx(statistics.quantiles(values, n=10, method="inclusive")[8])


def test_a_percentile_from_counts_is_the_percentile_of_the_values_they_stand_for() -> None:
    # 1, 2, 2, 2, 10: h = 4 * 0.9 = 3.6 lies between the last 2 and the 10.
    counts = [(2.0, 3), (10.0, 1), (1.0, 1), (7.0, 0)]
    assert percentile_of_counts(counts, 0.9) == pytest.approx(2 + 0.6 * 8)
    assert percentile_of_counts(counts, 0.5) == 2.0
    assert percentile_of_counts([], 0.5) is None
    assert percentile_of_counts([(3.0, 0)], 0.5) is None
    with pytest.raises(ValueError):
        percentile_of_counts(counts, -0.1)


@given(
    st.lists(st.integers(0, 40).map(lambda n: n / 4), min_size=1, max_size=80),
    st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.99, 1.0]),
)
def test_counting_the_values_first_gives_the_same_percentile(
    values: list[float], fraction: float
) -> None:
    counts = Counter(values)
    assert percentile_of_counts(counts.items(), fraction) == pytest.approx(
        percentile(values, fraction)
    )


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), max_size=40),
    st.lists(st.floats(0, 1), min_size=1, max_size=4),
)
def test_several_percentiles_at_once_equal_each_one_alone(
    counts: list[tuple[int, int]], fractions: list[float]
) -> None:
    pairs = [(value / 4, times) for value, times in counts]
    assert percentiles_of_counts(pairs, fractions) == [
        percentile_of_counts(pairs, fraction) for fraction in fractions
    ]
    values = [value for value, times in pairs for _ in range(times)]
    assert percentiles_of_counts(pairs, fractions) == pytest.approx(
        [percentile(values, fraction) for fraction in fractions]
    )


def test_share_within_counts_a_run_exactly_at_its_standard_as_within() -> None:
    assert share_within([3.0, 2.0, 3.01, 10.0], 3) == 0.5
    assert share_within([], 3) is None
    assert share_within([1.0], None) is None


# The standard-time review.


def test_a_step_much_slower_than_its_standard_gets_its_p90_rounded_up() -> None:
    assert suggested_standard(3, 40, observed_median=5.0, observed_p90=11.2) == 12


def test_a_step_much_faster_than_its_standard_gets_a_lower_standard() -> None:
    assert suggested_standard(10, 40, observed_median=3.0, observed_p90=4.01) == 5


def test_a_median_exactly_half_off_the_standard_suggests_nothing() -> None:
    assert suggested_standard(10, 40, observed_median=15.0, observed_p90=30.0) is None
    assert suggested_standard(10, 40, observed_median=5.0, observed_p90=8.0) is None
    assert suggested_standard(10, 40, observed_median=15.01, observed_p90=30.0) == 30
    assert suggested_standard(10, 40, observed_median=4.99, observed_p90=8.0) == 8


def test_too_few_runs_suggest_nothing() -> None:
    assert suggested_standard(3, SUGGEST_MIN_RUNS - 1, 9.0, 20.0) is None
    assert suggested_standard(3, SUGGEST_MIN_RUNS, 9.0, 20.0) == 20


def test_an_untimed_or_unobserved_step_gets_no_suggestion() -> None:
    assert suggested_standard(None, 500, 30.0, 90.0) is None
    assert suggested_standard(5, 0, None, None) is None


def test_a_whole_minute_p90_is_not_rounded_up_by_float_noise() -> None:
    assert suggested_standard(3, 40, observed_median=10.0, observed_p90=12.000000001) == 12


def test_a_suggestion_equal_to_the_standard_is_no_suggestion() -> None:
    # The median is far off, but nine runs in ten already fit the standard.
    assert suggested_standard(10, 40, observed_median=2.0, observed_p90=9.5) is None


def test_the_suggestion_is_at_least_one_minute() -> None:
    assert suggested_standard(10, 40, observed_median=0.1, observed_p90=0.0) == 1


# Conformance.


def test_a_case_walked_by_the_book_conforms() -> None:
    assert conformance_reasons(SOP, by_the_book()) == []


def test_staff_recording_a_report_for_an_outside_reporter_conforms() -> None:
    assert conformance_reasons(SOP, by_the_book(step1=Role.KASI)) == []


def test_a_step_done_by_another_role_is_named_with_the_expected_role() -> None:
    reasons = conformance_reasons(SOP, by_the_book(step4=Role.KASUBDIT))
    assert reasons == [Nonconformity("conformance_wrong_performer", {"step": 4, "role": ["kasi"]})]
    assert reasons[0].message("id") == (
        "Langkah 4 dikerjakan oleh peran di luar SOP (seharusnya: kasi)."
    )
    assert reasons[0].message("en").startswith("Step 4 was done by a role")


def test_a_superuser_is_not_a_performer_even_for_the_report() -> None:
    assert codes(conformance_reasons(SOP, by_the_book(step1=Role.SUPERUSER))) == [
        "conformance_wrong_performer"
    ]


def test_rework_is_one_reason_however_many_rounds() -> None:
    runs = by_the_book()[:7] + [
        ConformanceRun(8, 0, frozenset({Role.KASI}), "returned"),
        ConformanceRun(7, 1, frozenset({Role.JFU}), "completed"),
        ConformanceRun(8, 1, frozenset({Role.KASI}), "returned"),
        ConformanceRun(7, 2, frozenset({Role.JFU}), "completed"),
        ConformanceRun(8, 2, frozenset({Role.KASI}), "completed"),
        ConformanceRun(9, 2, frozenset({Role.KASI}), "completed"),
    ]
    reasons = conformance_reasons(SOP, runs)
    assert reasons == [Nonconformity("conformance_rework", {"rounds": 2})]
    assert reasons[0].message("en") == "Sent back for rework (2 rounds)."


def test_an_early_closure_by_a_closing_role_is_only_closed_early() -> None:
    runs = by_the_book()[:3] + [ConformanceRun(4, 0, frozenset({Role.KASUBDIT}), "closed_early")]
    assert conformance_reasons(SOP, runs) == [
        Nonconformity("conformance_closed_early", {"step": 4})
    ]


def test_an_early_closure_by_a_jfu_is_also_the_wrong_performer() -> None:
    runs = by_the_book()[:6] + [ConformanceRun(7, 0, frozenset({Role.JFU}), "closed_early")]
    assert codes(conformance_reasons(SOP, runs)) == [
        "conformance_wrong_performer",
        "conformance_closed_early",
    ]


def test_a_missing_step_is_skipped_and_a_missing_last_step_is_incomplete() -> None:
    runs = [run for run in by_the_book() if run.step not in (5, 9)]
    reasons = conformance_reasons(SOP, runs)
    assert reasons == [
        Nonconformity("conformance_skipped_step", {"step": 5}),
        Nonconformity("conformance_incomplete", {"step": 9}),
    ]


def test_a_step_done_twice_by_the_wrong_role_is_named_once() -> None:
    runs = by_the_book(step7=Role.KASI)[:8] + [
        ConformanceRun(7, 1, frozenset({Role.KASI}), "completed")
    ]
    assert codes(conformance_reasons(SOP, runs)).count("conformance_wrong_performer") == 1


def test_the_roles_accepted_follow_the_transitions() -> None:
    assert accepted_roles(SOP, 1, "completed") == {
        Role.PENGGUNA,
        Role.DIREKTUR,
        Role.KASUBDIT,
        Role.KASI,
        Role.JFU,
    }
    assert accepted_roles(SOP, 7, "completed") == {Role.JFU}
    assert accepted_roles(SOP, 8, "returned") == {Role.KASI}
    assert accepted_roles(SOP, 5, "closed_early") == {Role.DIREKTUR, Role.KASUBDIT, Role.KASI}


@pytest.mark.parametrize("code", [c for c in MESSAGES if c.startswith("conformance_")])
def test_every_conformance_reason_reads_in_both_languages_without_placeholders(code: str) -> None:
    reason = Nonconformity(code, {"step": 3, "role": ["kasi"], "rounds": 1})
    for lang in ("id", "en"):
        assert "{" not in reason.message(lang)


@given(st.lists(st.sampled_from(["wrong", "skip", "rework", "early"]), unique=True))
def test_each_kind_of_departure_is_reported_and_only_those(departures: list[str]) -> None:
    runs = by_the_book(step3=Role.JFU) if "wrong" in departures else by_the_book()
    if "rework" in departures:
        runs = runs[:8] + [
            ConformanceRun(7, 1, frozenset({Role.JFU}), "completed"),
            ConformanceRun(8, 1, frozenset({Role.KASI}), "completed"),
            runs[8],
        ]
        runs[7] = ConformanceRun(8, 0, frozenset({Role.KASI}), "returned")
    if "early" in departures:
        runs = [run for run in runs if run.step < 6] + [
            ConformanceRun(6, 0, frozenset({Role.KASI}), "closed_early")
        ]
    if "skip" in departures:
        runs = [run for run in runs if run.step != 2]
    expected = {
        "wrong": "conformance_wrong_performer",
        "skip": "conformance_skipped_step",
        "rework": "conformance_rework",
        "early": "conformance_closed_early",
    }
    # Closing early at step 6 drops the rework runs (7 and 8) with the later steps.
    found = set(codes(conformance_reasons(SOP, runs)))
    wanted = {expected[d] for d in departures if not (d == "rework" and "early" in departures)}
    assert found == wanted
