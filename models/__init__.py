"""SOP Desk's data: SQLAlchemy models and the services that change them."""

from .accounts import Account, Role, account_roles
from .audit import AuditEvent
from .calendar import NonWorkingDay, NonWorkingKind
from .cases import Case, StepRun
from .db import db
from .grants import Perm, RoleGrant
from .notices import Notice
from .rate_limits import RateLimitCounter
from .records import Instruction, LogEntry, Report
from .sop_versions import Sop, SopImport, SopVersion, VersionState

__all__ = [
    "Account",
    "AuditEvent",
    "Case",
    "Instruction",
    "LogEntry",
    "NonWorkingDay",
    "NonWorkingKind",
    "Notice",
    "Perm",
    "RateLimitCounter",
    "Report",
    "Role",
    "RoleGrant",
    "Sop",
    "SopImport",
    "SopVersion",
    "StepRun",
    "VersionState",
    "account_roles",
    "db",
]
