"""The permission matrix: which role may do what on which screen, held as data.

Menus hide what a role may not use; every request is checked against the same matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from rules.enums import Role


class Perm(StrEnum):
    """What a role may do on a screen."""

    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    ACT = "act"
    EXPORT = "export"


class Screen(StrEnum):
    """The screens of SOP Desk."""

    QUEUE = "queue"
    CASES = "cases"
    INSTRUCTIONS = "instructions"
    REPORTS = "reports"
    DAILY_LOG = "daily_log"
    AUDIT = "audit"
    ACCOUNTS = "accounts"
    NON_WORKING_DAYS = "non_working_days"
    PERMISSIONS = "permissions"
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
    Screen.NON_WORKING_DAYS: _l("Hari libur"),
    Screen.PERMISSIONS: _l("Matriks hak akses"),
    Screen.DASHBOARD: _l("Dasbor"),
    Screen.NOTICES: _l("Pemberitahuan"),
}

PERM_LABELS = {
    Perm.VIEW: _l("lihat"),
    Perm.CREATE: _l("buat"),
    Perm.EDIT: _l("ubah"),
    Perm.DELETE: _l("hapus"),
    Perm.ACT: _l("jalankan langkah"),
    Perm.EXPORT: _l("ekspor"),
}

_V, _C, _E, _D, _A, _X = Perm.VIEW, Perm.CREATE, Perm.EDIT, Perm.DELETE, Perm.ACT, Perm.EXPORT
_SOP_ROLES = (Role.PENGGUNA, Role.DIREKTUR, Role.KASUBDIT, Role.KASI, Role.JFU)
_MANAGERS = (Role.DIREKTUR, Role.KASUBDIT, Role.KASI)


def _grant(roles: Iterable[Role], *perms: Perm) -> dict[Role, frozenset[Perm]]:
    return {role: frozenset(perms) for role in roles}


MATRIX: Mapping[Screen, Mapping[Role, frozenset[Perm]]] = MappingProxyType(
    {
        Screen.QUEUE: _grant((*_SOP_ROLES, Role.SUPERUSER), _V),
        Screen.CASES: {
            **_grant((Role.PENGGUNA, Role.JFU), _V, _C, _A),
            **_grant(_MANAGERS, _V, _C, _A, _X),
            Role.SUPERUSER: frozenset({_V, _X}),
        },
        Screen.INSTRUCTIONS: _grant((*_MANAGERS, Role.JFU, Role.SUPERUSER), _V),
        Screen.REPORTS: _grant((*_MANAGERS, Role.JFU, Role.SUPERUSER), _V),
        Screen.DAILY_LOG: _grant((*_MANAGERS, Role.SUPERUSER), _V, _X),
        Screen.AUDIT: _grant((Role.DIREKTUR, Role.KASUBDIT, Role.SUPERUSER), _V, _X),
        Screen.ACCOUNTS: _grant((Role.SUPERUSER,), _V, _C, _E),
        Screen.NON_WORKING_DAYS: {
            **_grant((Role.SUPERUSER,), _V, _C, _D),
            **_grant(_MANAGERS, _V),
        },
        Screen.PERMISSIONS: _grant((Role.SUPERUSER,), _V),
        Screen.DASHBOARD: _grant((*_MANAGERS, Role.SUPERUSER), _V, _X),
        Screen.NOTICES: _grant((*_SOP_ROLES, Role.SUPERUSER), _V),
    }
)
"""Screen → role → what that role may do there. A role not listed may do nothing there."""


def allowed(roles: Iterable[Role], screen: Screen, perm: Perm) -> bool:
    """True when any of the roles may do `perm` on `screen`."""
    grants = MATRIX.get(screen, {})
    return any(perm in grants.get(role, frozenset()) for role in roles)
