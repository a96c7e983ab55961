"""Enumerations shared by the rules, the models (CHECK constraints) and the forms."""

from enum import StrEnum


class Role(StrEnum):
    """A performer role of the SOP, plus the superuser who manages accounts."""

    PENGGUNA = "pengguna"
    DIREKTUR = "direktur"
    KASUBDIT = "kasubdit"
    KASI = "kasi"
    JFU = "jfu"
    SUPERUSER = "superuser"


STAFF_ROLES = frozenset({Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU})
"""Roles that may record a report on behalf of an outside reporter (phone, email, walk-in)."""

EARLY_CLOSE_ROLES = frozenset({Role.DIREKTUR, Role.KASUBDIT, Role.KASI})
"""Roles that may close a case early with a reason."""


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
    """How urgent the case is; the Direktur may change it at step 2."""

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


class InstructionKind(StrEnum):
    """Kinds of instruction (steps 2, 3 and 6)."""

    KEBIJAKAN = "kebijakan"
    PERINTAH = "perintah"
    PENGARAHAN = "pengarahan"


class ReportKind(StrEnum):
    """Kinds of report (steps 4, 5, 7 and 8, and a return for rework at step 8)."""

    ANALISA = "analisa"
    SOLUSI = "solusi"
    PERBAIKAN = "perbaikan"
    PENERIMAAN = "penerimaan"
    PENGEMBALIAN = "pengembalian"


class CloseReason(StrEnum):
    """Why a case was closed before step 9."""

    DUPLIKAT = "duplikat"
    BUKAN_PORTAL = "bukan_portal"
    DITARIK = "ditarik"


class Action(StrEnum):
    """What an actor asks to do with a case."""

    REPORT = "report"
    COMPLETE = "complete"
    RETURN_FOR_REWORK = "return_for_rework"
    CLOSE_EARLY = "close_early"


class Visibility(StrEnum):
    """Which cases an account may see."""

    ALL = "all"
    OWN_REPORTS = "own_reports"
    ASSIGNED = "assigned"
    NONE = "none"
