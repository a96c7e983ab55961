"""The screens, what may be done on them, and the signed-in person's grants.

The permission matrix is data: rows of role_grants (seeded by migration 0010), edited by
superusers on *Matriks hak akses*. Menus hide what a position may not use; every request is
checked against the same grants, read once per request.
"""

from __future__ import annotations

from enum import StrEnum

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Perm, db
from models.services.positions import Grant, grants_of
from rules.enums import Role

__all__ = [
    "NEW_POSITION_GRANTS",
    "PERM_LABELS",
    "PROTECTED",
    "SCREEN_LABELS",
    "SCREEN_PERMS",
    "Perm",
    "Screen",
]


class Screen(StrEnum):
    """The screens of SOP Desk."""

    QUEUE = "queue"
    CASES = "cases"
    INSTRUCTIONS = "instructions"
    REPORTS = "reports"
    DAILY_LOG = "daily_log"
    AUDIT = "audit"
    ACCOUNTS = "accounts"
    POSITIONS = "positions"
    NON_WORKING_DAYS = "non_working_days"
    PERMISSIONS = "permissions"
    SOPS = "sops"
    DASHBOARD = "dashboard"
    NOTICES = "notices"


SCREEN_LABELS = {
    Screen.QUEUE: _l("Kotak kerja"),
    Screen.CASES: _l("Kasus"),
    Screen.INSTRUCTIONS: _l("Instruksi"),
    Screen.REPORTS: _l("Laporan"),
    Screen.DAILY_LOG: _l("Log kegiatan harian"),
    Screen.AUDIT: _l("Jejak audit"),
    Screen.ACCOUNTS: _l("Akun & peran"),
    Screen.POSITIONS: _l("Jabatan"),
    Screen.NON_WORKING_DAYS: _l("Hari libur"),
    Screen.PERMISSIONS: _l("Matriks hak akses"),
    Screen.SOPS: _l("Pustaka SOP"),
    Screen.DASHBOARD: _l("Dasbor"),
    Screen.NOTICES: _l("Pemberitahuan"),
}

_V, _C, _E, _D, _A, _X = Perm.VIEW, Perm.CREATE, Perm.EDIT, Perm.DELETE, Perm.ACT, Perm.EXPORT
SCREEN_PERMS: dict[Screen, tuple[Perm, ...]] = {
    Screen.QUEUE: (_V,),
    Screen.CASES: (_V, _C, _A, _X),
    Screen.INSTRUCTIONS: (_V,),
    Screen.REPORTS: (_V,),
    Screen.DAILY_LOG: (_V, _X),
    Screen.AUDIT: (_V, _X),
    Screen.ACCOUNTS: (_V, _C, _E),
    Screen.POSITIONS: (_V, _C, _E),
    Screen.NON_WORKING_DAYS: (_V, _C, _D),
    Screen.PERMISSIONS: (_V, _E),
    Screen.SOPS: (_V, _C, _E),
    Screen.DASHBOARD: (_V, _X),
    Screen.NOTICES: (_V,),
}
"""What can be granted on each screen: what its views check."""

PERM_LABELS = {
    Perm.VIEW: _l("lihat"),
    Perm.CREATE: _l("buat"),
    Perm.EDIT: _l("ubah"),
    Perm.DELETE: _l("hapus"),
    Perm.ACT: _l("jalankan langkah"),
    Perm.EXPORT: _l("ekspor"),
}

PROTECTED: dict[str, frozenset[Grant]] = {
    Role.SUPERUSER: frozenset(
        {
            (Screen.ACCOUNTS, Perm.VIEW),
            (Screen.ACCOUNTS, Perm.EDIT),
            (Screen.PERMISSIONS, Perm.VIEW),
            (Screen.PERMISSIONS, Perm.EDIT),
        }
    )
}
"""Grants that cannot be taken away: without them nobody could manage accounts and rights."""

NEW_POSITION_GRANTS: frozenset[Grant] = frozenset(
    {
        (Screen.QUEUE, Perm.VIEW),
        (Screen.CASES, Perm.VIEW),
        (Screen.CASES, Perm.CREATE),
        (Screen.CASES, Perm.ACT),
        (Screen.NOTICES, Perm.VIEW),
    }
)
"""What a new position may do until a superuser changes it: work the steps it performs."""


def current_grants() -> frozenset[Grant]:
    """The signed-in account's grants, read from the database once per request."""
    if not current_user.is_authenticated:
        return frozenset()
    if not has_request_context():
        return grants_of(db.session, [role.id for role in current_user.roles])
    cached = g.get("sopdesk_grants")
    if cached is None or cached[0] != current_user.id:
        cached = (current_user.id, grants_of(db.session, [role.id for role in current_user.roles]))
        g.sopdesk_grants = cached
    grants: frozenset[Grant] = cached[1]
    return grants


def user_may(screen: Screen | str, perm: Perm | str) -> bool:
    """True when the signed-in account may do `perm` on `screen`."""
    return (str(screen), str(perm)) in current_grants()
