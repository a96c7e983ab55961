"""Assembling the working-time calendar: the week, national holidays and added days off."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.calendar import WorkingCalendar, calendar_from_settings

from ..calendar import NonWorkingDay, NonWorkingKind
from ..cases import StepRun
from ..errors import ServiceError
from . import audit


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


def refresh_open_due_times(session: Session, calendar: WorkingCalendar) -> int:
    """Recompute when each step in progress runs over, after the days off changed."""
    runs = session.scalars(
        sa.select(StepRun).where(
            StepRun.completed_at.is_(None), StepRun.standard_minutes.is_not(None)
        )
    )
    count = 0
    for run in runs:
        run.due_at = calendar.add(run.actionable_at, timedelta(minutes=run.standard_minutes))
        count += 1
    return count


def add_day_off(
    session: Session,
    *,
    actor_id: int,
    day: date,
    name: str,
    kind: NonWorkingKind,
    tz_name: str = "Asia/Jakarta",
    week_spec: dict[str, str] | None = None,
) -> NonWorkingDay:
    """Add a day off (cuti bersama, closure) and move the due times of steps in progress."""
    name = name.strip()
    if not name:
        raise ServiceError("field_required", field="nama")
    if session.scalar(sa.select(NonWorkingDay.id).where(NonWorkingDay.day == day)):
        raise ServiceError("day_off_exists", day=day.isoformat())
    row = NonWorkingDay(day=day, name=name, kind=kind, created_by_id=actor_id)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="non_working_day.create",
        entity="non_working_day",
        entity_id=row.id,
        after={"day": day, "name": name, "kind": kind},
    )
    refresh_open_due_times(
        session, working_calendar(session, tz_name, around=day, week_spec=week_spec)
    )
    return row


def remove_day_off(
    session: Session,
    *,
    actor_id: int,
    row: NonWorkingDay,
    tz_name: str = "Asia/Jakarta",
    week_spec: dict[str, str] | None = None,
) -> None:
    """Remove a day off and move the due times of steps in progress back."""
    audit.record(
        session,
        actor_id=actor_id,
        action="non_working_day.delete",
        entity="non_working_day",
        entity_id=row.id,
        before={"day": row.day, "name": row.name, "kind": row.kind},
    )
    day = row.day
    session.delete(row)
    session.flush()
    refresh_open_due_times(
        session, working_calendar(session, tz_name, around=day, week_spec=week_spec)
    )
