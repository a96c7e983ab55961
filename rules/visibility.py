"""Who sees which cases: row scoping, decided once for every screen and export."""

from collections.abc import Collection

from rules.enums import Visibility


def case_visibility(scopes: Collection[Visibility | str]) -> frozenset[Visibility]:
    """The scopes an account's positions open, added up: all cases absorbs the others.

    Each position opens one scope (a property of the position, kept with it): all cases, the
    cases directed to the account (named for a step, waiting for its position, or one whose
    step it took), or the cases it reported. A JFU who also reports problems sees both the
    cases directed to them and the cases they reported; an account with no position sees none.
    """
    opened = {Visibility(scope) for scope in scopes} - {Visibility.NONE}
    if Visibility.ALL in opened:
        return frozenset({Visibility.ALL})
    return frozenset(opened) or frozenset({Visibility.NONE})
