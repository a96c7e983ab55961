"""Row scoping: which cases each role sees."""

import pytest

from rules.enums import Role, Visibility
from rules.visibility import case_visibility


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({Role.DIREKTUR}, {Visibility.ALL}),
        ({Role.KASUBDIT}, {Visibility.ALL}),
        ({Role.KASI}, {Visibility.ALL}),
        ({Role.SUPERUSER}, {Visibility.ALL}),
        ({Role.JFU}, {Visibility.ASSIGNED}),
        ({Role.PENGGUNA}, {Visibility.OWN_REPORTS}),
        ({Role.JFU, Role.PENGGUNA}, {Visibility.ASSIGNED, Visibility.OWN_REPORTS}),
        ({Role.JFU, Role.KASI}, {Visibility.ALL}),
        (set(), {Visibility.NONE}),
    ],
)
def test_each_role_sees_its_scope_and_scopes_add_up(roles, expected):
    assert case_visibility(roles) == expected
