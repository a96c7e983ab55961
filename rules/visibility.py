"""Who sees which cases: row scoping, decided once for every screen and export."""

from collections.abc import Collection

from rules.enums import Role, Visibility

_WIDEST_FIRST = (
    (frozenset({Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.SUPERUSER}), Visibility.ALL),
    (frozenset({Role.JFU}), Visibility.ASSIGNED),
    (frozenset({Role.PENGGUNA}), Visibility.OWN_REPORTS),
)


def case_visibility(roles: Collection[Role]) -> frozenset[Visibility]:
    """The scopes an account's roles open: all cases, the ones directed to it, its own reports.

    Scopes add up: a JFU who also reports problems sees both the cases directed to them and the
    cases they reported.
    """
    scopes = {scope for opening, scope in _WIDEST_FIRST if not opening.isdisjoint(roles)}
    if Visibility.ALL in scopes:
        return frozenset({Visibility.ALL})
    return frozenset(scopes) or frozenset({Visibility.NONE})
