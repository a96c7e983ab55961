"""Row scoping: the scopes an account's positions open add up, and all cases absorbs the rest."""

import pytest

from rules.enums import Visibility
from rules.visibility import case_visibility, output_shown, sees_internal_work
from tests.support.sops import portal_sop

ALL, ASSIGNED, OWN, NONE = (
    Visibility.ALL,
    Visibility.ASSIGNED,
    Visibility.OWN_REPORTS,
    Visibility.NONE,
)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ([ALL], {ALL}),
        ([ASSIGNED], {ASSIGNED}),
        ([OWN], {OWN}),
        ([ASSIGNED, OWN], {ASSIGNED, OWN}),
        ([ASSIGNED, ALL], {ALL}),
        ([OWN, ALL, ASSIGNED], {ALL}),
        (["own_reports", "assigned"], {ASSIGNED, OWN}),
        ([NONE, OWN], {OWN}),
        ([NONE], {NONE}),
        ([], {NONE}),
    ],
)
def test_scopes_add_up_and_all_cases_absorbs_the_others(scopes, expected):
    assert case_visibility(scopes) == expected


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValueError):
        case_visibility(["everything"])


@pytest.mark.parametrize(
    ("scopes", "internal"),
    [
        ({"all"}, True),
        ({"assigned"}, True),
        ({"own_reports", "assigned"}, True),  # a JFU who also reports: staff
        ({"own_reports"}, False),
        ({"none"}, False),
        (set(), False),
    ],
)
def test_only_staff_see_internal_work(scopes, internal):
    assert sees_internal_work(scopes) is internal


def test_a_reporter_sees_only_the_outputs_the_sop_shares_and_the_case_itself():
    sop = portal_sop()
    reporter = [step.number for step in sop.steps if output_shown(step, internal=False)]
    staff = [step.number for step in sop.steps if output_shown(step, internal=True)]
    assert reporter == [1, 7] and staff == list(range(1, 10))
