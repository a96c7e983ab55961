"""The current instant and the working calendar that the web layer and the CLI hand to services."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from models import db
from models.services.calendar import working_calendar
from rules.calendar import WorkingCalendar


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


def calendar() -> WorkingCalendar:
    """The working calendar of this app: its week and time zone, national and added days off."""
    cfg = current_app.config["SOPDESK"]
    return working_calendar(db.session, cfg.TIMEZONE, around=now().date(), week_spec=cfg.work_week)
