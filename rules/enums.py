"""Enumerations shared by the rules, the models (CHECK constraints) and the forms."""

from enum import StrEnum


class Role(StrEnum):
    """The positions SOP Desk ships with, seeded by a migration; superusers add others as data.

    Only SUPERUSER means something to the code (it manages, never performs); the others are
    named here for the shipped SOP's seed data, the demo and the tests.
    """

    PENGGUNA = "pengguna"
    DIREKTUR = "direktur"
    KASUBDIT = "kasubdit"
    KASI = "kasi"
    JFU = "jfu"
    SUPERUSER = "superuser"


class CaseStatus(StrEnum):
    """Where a case stands as a whole."""

    OPEN = "open"
    CLOSED = "closed"
    CLOSED_EARLY = "closed_early"


class Channel(StrEnum):
    """How the problem reached the Direktorat."""

    TELEPON = "telepon"
    EMAIL = "email"
    LANGSUNG = "langsung"
    WEB = "web"


class Priority(StrEnum):
    """How urgent the case is; a step that sets the priority may change it."""

    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"
    KRITIS = "kritis"


class OutputKind(StrEnum):
    """Which record a step produces."""

    CASE = "case"
    INSTRUCTION = "instruction"
    REPORT = "report"
    LOG_ENTRY = "log_entry"
    CLOSURE = "closure"
    """An early closure of the case; what a close-early action records, never a step's output."""
    REASSIGNMENT = "reassignment"
    """Another performer named for the step in progress; kept in the audit trail."""


class CloseReason(StrEnum):
    """Why a case was closed before its last step."""

    DUPLIKAT = "duplikat"
    BUKAN_PORTAL = "bukan_portal"
    DITARIK = "ditarik"


class Action(StrEnum):
    """What an actor asks to do with a case."""

    REPORT = "report"
    COMPLETE = "complete"
    RETURN_FOR_REWORK = "return_for_rework"
    CLOSE_EARLY = "close_early"
    REASSIGN = "reassign"


class Visibility(StrEnum):
    """Which cases an account may see."""

    ALL = "all"
    OWN_REPORTS = "own_reports"
    ASSIGNED = "assigned"
    NONE = "none"
