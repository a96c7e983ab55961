"""The Flask-Admin screens of SOP Desk, registered in menu order."""

from __future__ import annotations

from flask_admin import Admin


def register_views(admin: Admin) -> None:
    """Add every screen to the admin; the menu shows each only to the roles that may use it."""
    from models import Case

    from .cases import CaseView

    admin.add_view(CaseView(Case, name="Kasus", endpoint="case", url="cases"))
    from .dashboard import DashboardView

    admin.add_view(DashboardView(name="Dasbor", endpoint="dashboard", url="dashboard"))
    # further screens are registered below, in menu order
    from models import AuditEvent, Instruction, LogEntry, Report

    from .records import AuditView, DailyLogView, InstructionView, ReportView

    admin.add_view(
        InstructionView(Instruction, name="Instruksi", endpoint="instruction", url="instructions")
    )
    admin.add_view(ReportView(Report, name="Laporan", endpoint="report", url="reports"))
    admin.add_view(
        DailyLogView(LogEntry, name="Log kegiatan harian", endpoint="log_entry", url="daily-log")
    )
    admin.add_view(AuditView(AuditEvent, name="Jejak audit", endpoint="audit", url="audit"))
    from models import Account, NonWorkingDay

    from .accounts import AccountView, NonWorkingDayView

    admin.add_view(
        AccountView(
            Account,
            name="Akun & peran",
            endpoint="account",
            url="accounts",
            category="Administrasi",
        )
    )
    admin.add_view(
        NonWorkingDayView(
            NonWorkingDay,
            name="Hari libur",
            endpoint="non_working_day",
            url="holidays",
            category="Administrasi",
        )
    )
    from .matrix import PermissionsView

    admin.add_view(
        PermissionsView(
            name="Matriks hak akses",
            endpoint="permissions",
            url="permissions",
            category="Administrasi",
        )
    )
    from .notices import NoticeView

    admin.add_view(NoticeView(name="Pemberitahuan", endpoint="notice", url="notices"))
