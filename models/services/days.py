"""Calendar days in a time zone: where a day starts, and a span of days as SQL conditions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa


def day_start(day: date, tz: str) -> datetime:
    """Midnight at the start of `day` in the time zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))


def between_days(
    column: Any, first: date | None, last: date | None, tz: str
) -> list[sa.ColumnElement[bool]]:
    """`column` (a date, or an instant read in the time zone) from `first` to `last` inclusive;
    a missing end leaves that side open."""
    after_last = last + timedelta(days=1) if last else None
    if isinstance(column.type, sa.Date):
        start, end = first, after_last
    else:
        start = day_start(first, tz) if first else None
        end = day_start(after_last, tz) if after_last else None
    return [*([column >= start] if start else []), *([column < end] if end else [])]
