"""Row scoping: the scopes an account's positions open add up, and all cases absorbs the rest."""

import pytest

from rules.enums import Visibility
from rules.visibility import case_visibility

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
