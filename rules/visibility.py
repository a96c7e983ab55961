"""Who sees which cases: row scoping, decided once for every screen and export."""

from collections.abc import Collection

from rules.enums import OutputKind, Visibility
from rules.sop import StepDef


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


def sees_internal_work(scopes: Collection[Visibility | str]) -> bool:
    """True for staff: an account that sees all cases or the cases directed to it.

    Anyone else sees a case only as its reporter: its progress and times, and the output of
    the steps the SOP shares with the reporter, never internal outputs or the audit trail.
    """
    opened = case_visibility(scopes)
    return Visibility.ALL in opened or Visibility.ASSIGNED in opened


def output_shown(step: StepDef, internal: bool) -> bool:
    """Whether a step's output is shown to a viewer who does (or does not) see internal work."""
    return internal or step.shared_with_reporter or step.output_kind is OutputKind.CASE
