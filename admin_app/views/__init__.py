"""The Flask-Admin screens of SOP Desk, registered in menu order."""

from __future__ import annotations

from flask_admin import Admin


def register_views(admin: Admin) -> None:
    """Add every screen to the admin; the menu shows each only to the roles that may use it."""
    from models import Case

    from .cases import CaseView

    admin.add_view(CaseView(Case, name="Kasus", endpoint="case", url="cases"))
    # further screens are registered below, in menu order
