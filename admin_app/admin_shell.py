"""The Flask-Admin shell: built inside the factory, every screen on one secure base."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from .i18n import TRANSLATIONS
from .security import csp_nonce
from .views import register_views
from .views.queue import WorkQueueView


def build_admin(app: Flask) -> Admin:
    """Create the Admin for this app (never module-level: a second create_app would break)."""
    admin = Admin(
        app,
        name="SOP Desk",
        url="/",
        index_view=WorkQueueView(name=_l("Kotak kerja"), url="/"),
        theme=Bootstrap4Theme(
            swatch="default", base_template="admin/sopdesk_base.html", fluid=True
        ),
        translations_path=str(TRANSLATIONS),
        csp_nonce_generator=csp_nonce,
    )
    register_views(admin)
    return admin
