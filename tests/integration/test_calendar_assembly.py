"""The working calendar joins the week, Indonesia's national holidays and added days off."""

from __future__ import annotations

from datetime import date, datetime

from models import NonWorkingDay, NonWorkingKind
from models.services.calendar import working_calendar
from tests.support.walk import JAKARTA


def test_independence_day_is_not_worked(db_session):
    calendar = working_calendar(db_session, around=date(2026, 8, 1))
    independence_day = datetime(2026, 8, 17, 9, 0, tzinfo=JAKARTA)  # a Monday
    assert not calendar.is_working(independence_day)
    assert calendar.is_working(datetime(2026, 8, 18, 9, 0, tzinfo=JAKARTA))


def test_a_cuti_bersama_day_added_by_a_superuser_is_not_worked(db_session):
    day = date(2026, 11, 27)  # a Friday
    assert working_calendar(db_session, around=day).is_working(
        datetime(2026, 11, 27, 9, 0, tzinfo=JAKARTA)
    )
    db_session.add(NonWorkingDay(day=day, name="Cuti bersama", kind=NonWorkingKind.CUTI_BERSAMA))
    db_session.flush()
    calendar = working_calendar(db_session, around=day)
    assert not calendar.is_working(datetime(2026, 11, 27, 9, 0, tzinfo=JAKARTA))
    thursday_1500 = datetime(2026, 11, 26, 15, 0, tzinfo=JAKARTA)
    monday_0830 = datetime(2026, 11, 30, 8, 30, tzinfo=JAKARTA)
    assert calendar.working_minutes(thursday_1500, monday_0830) == 120


def test_a_configured_week_replaces_the_default(db_session):
    calendar = working_calendar(
        db_session, around=date(2026, 11, 1), week_spec={"mon-fri": "08:00-16:00"}
    )
    friday_1545 = datetime(2026, 11, 27, 15, 45, tzinfo=JAKARTA)
    assert calendar.working_minutes(friday_1545, friday_1545.replace(hour=17)) == 15
