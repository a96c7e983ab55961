"""Sessions end when idle (SESSION_IDLE_MINUTES) and at the latest SESSION_MAX_HOURS after
sign-in, checked on the server: a copied cookie is of no use once its time has passed."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

_TOUCH_SECONDS = 60  # "last seen" is rewritten at most once a minute, not on every request


def start() -> None:
    """Mark a new sign-in: its start and its last activity are now."""
    session["since"] = session["seen"] = int(time.time())


def _expired(now: int) -> bool:
    cfg = current_app.config["SOPDESK"]
    since, seen = session.get("since"), session.get("seen")
    if not isinstance(since, int) or not isinstance(seen, int):
        return True  # a session from before these limits: sign in once more
    return now - seen > cfg.SESSION_IDLE_MINUTES * 60 or now - since > cfg.SESSION_MAX_HOURS * 3600


def check() -> Response | None:
    """End an expired session and send its owner to sign in again, back to where they were."""
    if request.endpoint in ("static", "admin.static") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    if _expired(now):
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Sesi Anda berakhir karena lama tidak aktif atau sudah terlalu lama; masuk lagi."))
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    if now - int(session["seen"]) >= _TOUCH_SECONDS:
        session["seen"] = now
    return None


def init_app(app: Flask) -> None:
    """Check every request of a signed-in person."""
    app.before_request(check)
