"""The Flask-Admin screens of SOP Desk, registered in menu order."""

from __future__ import annotations

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

ADMINISTRATION = _l("Administrasi")


def register_views(admin: Admin) -> None:
    """Add every screen to the admin; the menu shows each only to the roles that may use it."""
    from models import Case

    from .cases import CaseView

    admin.add_view(CaseView(Case, name=_l("Kasus"), endpoint="case", url="cases"))
    from .dashboard import DashboardView

    admin.add_view(DashboardView(name=_l("Dasbor"), endpoint="dashboard", url="dashboard"))
    # further screens are registered below, in menu order
    from models import AuditEvent, Instruction, LogEntry, Report

    from .records import AuditView, DailyLogView, InstructionView, ReportView

    admin.add_view(
        InstructionView(
            Instruction, name=_l("Instruksi"), endpoint="instruction", url="instructions"
        )
    )
    admin.add_view(ReportView(Report, name=_l("Laporan"), endpoint="report", url="reports"))
    admin.add_view(
        DailyLogView(
            LogEntry, name=_l("Log kegiatan harian"), endpoint="log_entry", url="daily-log"
        )
    )
    admin.add_view(AuditView(AuditEvent, name=_l("Jejak audit"), endpoint="audit", url="audit"))
    from .sop_import import SopImportView
    from .sops import SopLibraryView

    admin.add_view(SopLibraryView(name=_l("Pustaka SOP"), endpoint="sop", url="sops"))
    admin.add_view(SopImportView(name=_l("Impor SOP"), endpoint="sop_import", url="sops/import"))
    from models import Account, NonWorkingDay, Role

    from .accounts import AccountView
    from .holidays import NonWorkingDayView

    admin.add_view(
        AccountView(
            Account,
            name=_l("Akun & peran"),
            endpoint="account",
            url="accounts",
            category=ADMINISTRATION,
        )
    )
    from .positions import PositionView

    admin.add_view(
        PositionView(
            Role,
            name=_l("Jabatan"),
            endpoint="position",
            url="positions",
            category=ADMINISTRATION,
        )
    )
    admin.add_view(
        NonWorkingDayView(
            NonWorkingDay,
            name=_l("Hari libur"),
            endpoint="non_working_day",
            url="holidays",
            category=ADMINISTRATION,
        )
    )
    from .matrix import PermissionsView

    admin.add_view(
        PermissionsView(
            name=_l("Matriks hak akses"),
            endpoint="permissions",
            url="permissions",
            category=ADMINISTRATION,
        )
    )
    from .notices import NoticeView

    admin.add_view(NoticeView(name=_l("Pemberitahuan"), endpoint="notice", url="notices"))
    from .own_password import OwnPasswordView

    admin.add_view(
        OwnPasswordView(name=_l("Kata sandi saya"), endpoint="own_password", url="my-password")
    )
