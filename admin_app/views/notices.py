"""Pemberitahuan: the signed-in user's notices, newest first, and marking them read."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from models import db
from models.services import notices as svc
from rules.payload import whole_number

from .. import clock
from ..i18n import get_locale_language
from ..permissions import Screen
from .base import MAX_PAGES, SecureView


def _int_arg(raw: str | None, default: int | None = None) -> int | None:
    """A small non-negative whole number from a form or query string, else 400."""
    if raw is None or raw == "":
        return default
    number = whole_number(raw)
    if number is None:
        abort(400, description=_("Nilai tidak sah."))
    return number


class NoticeView(SecureView):
    """Each user's own notices; another user's notice answers 404."""

    screen = Screen.NOTICES

    def is_visible(self) -> bool:
        return False  # reached from the bell in the navbar, not from the menu

    @expose("/")
    def index(self) -> str:
        page = _int_arg(request.args.get("page"), 0) or 0
        if page >= MAX_PAGES:
            abort(
                400, description=_("Halaman di luar batas (maksimal %(pages)s).", pages=MAX_PAGES)
            )
        listing = svc.list_for(db.session, current_user, page)
        lang = get_locale_language()
        rows = [{"notice": n, "headline": svc.notice_headline(n, lang)} for n in listing.items]
        return self.render(
            "admin/notices.html",
            rows=rows,
            listing=listing,
            unread=svc.unread_count(db.session, current_user),
        )

    @expose("/read/", methods=("POST",))
    def mark_read(self) -> Any:
        page = _int_arg(request.form.get("page"), 0) or 0
        if request.form.get("all"):
            count = svc.mark_read(db.session, current_user, clock.now())
        else:
            notice_id = _int_arg(request.form.get("id"))
            if notice_id is None:
                abort(400, description=_("Pemberitahuan mana yang ditandai?"))
            if svc.get_own(db.session, current_user, notice_id) is None:
                abort(404)
            count = svc.mark_read(db.session, current_user, clock.now(), [notice_id])
        db.session.commit()
        if count:
            flash(
                ngettext(
                    "%(num)s pemberitahuan ditandai sudah dibaca.",
                    "%(num)s pemberitahuan ditandai sudah dibaca.",
                    count,
                ),
                "success",
            )
        return redirect(url_for(".index", page=page or None))
