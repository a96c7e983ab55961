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


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters["localtime"] = local_time
