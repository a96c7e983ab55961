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


def minutes(value: float | int | None) -> str:
    """Minutes for people: one decimal at most, the locale's separators (2.250 / 7,5 in id)."""
    if value is None:
        return "—"
    from flask_babel import format_decimal

    return str(format_decimal(round(float(value), 1), format="#,##0.#"))


def may(screen: str, perm: str) -> bool:
    """In templates: whether the signed-in user may do `perm` on `screen`."""
    from .permissions import user_may

    return user_may(screen, perm)


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    from . import labels

    app.jinja_env.filters["localtime"] = local_time
    app.jinja_env.filters["minutes"] = minutes
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.filters["position"] = labels.position
    app.jinja_env.globals["may"] = may
