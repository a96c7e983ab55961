"""Rate limits on login attempts (Flask-Limiter), one limiter per app."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .auth import login_username

LOGIN_LIMITS = (
    ("10 per minute", get_remote_address),  # one address guessing passwords
    ("30 per hour", login_username),  # many addresses guessing one account's password
)


def init_app(app: Flask) -> Limiter:
    """Limit POST /login per address and per username.

    Storage is in memory by default; set RATELIMIT_STORAGE_URI (e.g. redis://host:6379) when
    several workers or hosts serve the app, so they count together. The limiter is built per
    app: Flask-Limiter keeps its state on the instance.
    """
    limiter = Limiter(key_func=get_remote_address, app=app, default_limits=[])
    view = app.view_functions["auth.login"]
    for limit, key in LOGIN_LIMITS:
        view = limiter.limit(limit, methods=["POST"], key_func=key)(view)
    app.view_functions["auth.login"] = view
    app.extensions["sopdesk_limiter"] = limiter  # the wrapped view holds it only weakly
    return limiter
