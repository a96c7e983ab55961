"""Assembling the working-time calendar: the week, national holidays and added days off."""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import WorkingCalendar, calendar_from_settings

from ..calendar import NonWorkingDay


@cache
def national_holidays(year: int) -> frozenset[date]:
    """Indonesia's national holidays for a year, from the `holidays` package."""
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def working_calendar(
    session: Session,
    tz_name: str = "Asia/Jakarta",
    *,
    around: date | None = None,
    week_spec: dict[str, str] | None = None,
) -> WorkingCalendar:
    """The calendar for measuring steps: national holidays near `around` plus added days off."""
    year = (around or date.today()).year
    days: set[date] = set()
    for y in range(year - 2, year + 2):
        days |= national_holidays(y)
    days.update(session.execute(sa.select(NonWorkingDay.day)).scalars())
    return calendar_from_settings(week_spec, tz_name, days)
