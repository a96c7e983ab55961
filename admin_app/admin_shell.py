"""The Flask-Admin shell: built inside the factory, one secure base for every view."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user

from rules.enums import Role

ROLE_LABELS = {
    Role.PENGGUNA: "Pengguna",
    Role.DIREKTUR: "Direktur TI-KI",
    Role.KASUBDIT: "Kasubdit Perencanaan",
    Role.KASI: "Kasi Portal Web",
    Role.JFU: "JFU",
    Role.SUPERUSER: "Superuser",
}


class SecureViewMixin:
    """Login required; `allowed_roles` (empty = any signed-in account) decides who may enter."""

    allowed_roles: frozenset[Role] = frozenset()

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        return not self.allowed_roles or current_user.has_role(*self.allowed_roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)


class HomeView(SecureViewMixin, AdminIndexView):
    """The landing page: greets the user by name and role."""

    @expose("/")
    def index(self) -> str:
        roles = [ROLE_LABELS[code] for code in sorted(current_user.role_codes)]
        return self.render("admin/home.html", roles=roles)


def build_admin(app: Flask) -> Admin:
    """Create the Admin for this app (never module-level: a second create_app would break)."""
    admin = Admin(
        app,
        name="SOP Desk",
        url="/",
        index_view=HomeView(name="Beranda", url="/"),
        theme=Bootstrap4Theme(swatch="default", base_template="admin/sopdesk_base.html"),
    )
    return admin
