"""Jinja filters that show stored UTC instants in the configured time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def local_time(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """Format an aware datetime in the app's time zone (Asia/Jakarta by default)."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


def may(screen: str, perm: str) -> bool:
    """In templates: whether the signed-in user may do `perm` on `screen`."""
    from flask_login import current_user

    from .permissions import Perm, Screen, allowed

    return bool(current_user.is_authenticated) and allowed(
        current_user.role_codes, Screen(screen), Perm(perm)
    )


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    from . import labels

    app.jinja_env.filters["localtime"] = local_time
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["may"] = may
