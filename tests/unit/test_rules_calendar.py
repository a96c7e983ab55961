"""Working time on the civil-service calendar: breaks, nights, weekends, holidays."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    DEFAULT_TIMEZONE,
    DEFAULT_WEEK,
    EARLIEST_DAY,
    LATEST_DAY,
    WorkingCalendar,
    calendar_from_settings,
    is_plausible_day,
    parse_week,
)

JAKARTA = ZoneInfo(DEFAULT_TIMEZONE)
CALENDAR = calendar_from_settings(None, DEFAULT_TIMEZONE, [])
CHRISTMAS = date(2025, 12, 25)  # a Thursday
MICROSECOND = timedelta(microseconds=1)


def wib(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A Jakarta time in 2025; 3 March 2025 is a Monday."""
    return datetime(2025, month, day, hour, minute, tzinfo=JAKARTA)


def minutes(start: datetime, end: datetime, calendar: WorkingCalendar = CALENDAR) -> float:
    return calendar.working_minutes(start, end)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(wib(3, 8), wib(3, 9), 60, id="inside-the-morning"),
        pytest.param(wib(3, 11, 30), wib(3, 13, 30), 60, id="across-the-lunch-break"),
        pytest.param(wib(3, 12, 10), wib(3, 12, 50), 0, id="inside-the-lunch-break"),
        pytest.param(wib(3, 6), wib(3, 7, 45), 15, id="before-opening"),
        pytest.param(wib(3, 15, 45), wib(3, 17), 15, id="after-closing"),
        pytest.param(wib(3, 0), wib(4, 0), 450, id="a-whole-monday"),
        pytest.param(wib(7, 11), wib(7, 13, 30), 60, id="friday-break-starts-at-11-30"),
        pytest.param(wib(7, 11, 45), wib(7, 12, 59), 0, id="inside-the-friday-break"),
        pytest.param(wib(7, 16), wib(7, 16, 30), 30, id="friday-closes-at-16-30"),
        pytest.param(wib(3, 16), wib(3, 16, 30), 0, id="monday-closes-at-16"),
        pytest.param(wib(3, 15, 30), wib(4, 8), 60, id="overnight"),
        pytest.param(wib(7, 16), wib(10, 8), 60, id="over-the-weekend"),
        pytest.param(wib(8, 9), wib(9, 15), 0, id="inside-the-weekend"),
        pytest.param(wib(3, 0), wib(10, 0), 2250, id="a-whole-week-is-37-5-hours"),
        pytest.param(wib(3, 0), wib(31, 0), 4 * 2250, id="four-whole-weeks"),
        pytest.param(wib(3, 9), wib(3, 9), 0, id="an-empty-span"),
        pytest.param(wib(3, 10), wib(3, 9), 0, id="a-backwards-span"),
    ],
)
def test_working_minutes_follow_the_civil_service_week(
    start: datetime, end: datetime, expected: float
) -> None:
    assert minutes(start, end) == expected


def test_working_time_is_exact_to_the_second() -> None:
    start = wib(3, 11, 59).replace(second=30)
    assert CALENDAR.working_time(start, wib(3, 13, 0).replace(second=15)) == timedelta(seconds=45)


def test_a_national_holiday_passed_in_is_not_working_time() -> None:
    start, end = wib(24, 15, month=12), wib(26, 8, month=12)
    assert minutes(start, end) == 60 + 450 + 30
    assert minutes(start, end, CALENDAR.with_holidays([CHRISTMAS])) == 60 + 30
    assert (
        minutes(wib(25, 8, month=12), wib(25, 9, month=12), CALENDAR.with_holidays([CHRISTMAS]))
        == 0
    )


def test_holidays_spanned_by_whole_weeks_are_subtracted() -> None:
    calendar = CALENDAR.with_holidays([date(2025, 3, 12), date(2025, 3, 15), date(2025, 3, 21)])
    # A Wednesday and a Friday (7.5 hours each) fall in the span; the Saturday costs nothing.
    assert minutes(wib(3, 0), wib(31, 0), calendar) == 4 * 2250 - 2 * 450


def test_an_added_day_adds_to_the_holidays_already_there() -> None:
    with_christmas = CALENDAR.with_holidays([CHRISTMAS])
    with_both = with_christmas.with_holidays([date(2025, 12, 26)])
    assert with_both.holidays == {CHRISTMAS, date(2025, 12, 26)}
    assert minutes(wib(24, 16, month=12), wib(29, 7, 30, month=12), with_both) == 0
    assert CALENDAR.holidays == frozenset()


def test_instants_in_utc_are_read_as_jakarta_time() -> None:
    # 01:00 UTC is 08:00 in Jakarta (UTC+7, no daylight saving).
    start = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    assert minutes(start, start + timedelta(hours=6)) == 300
    assert minutes(start, wib(3, 9)) == 60


def test_a_span_crossing_midnight_utc_is_still_one_jakarta_day() -> None:
    # 23:00 UTC Sunday is 06:00 Monday in Jakarta.
    start = datetime(2025, 3, 2, 23, 0, tzinfo=UTC)
    end = datetime(2025, 3, 3, 4, 0, tzinfo=timezone(timedelta(hours=2)))  # 09:00 in Jakarta
    assert minutes(start, end) == 90


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CALENDAR.working_time(datetime(2025, 3, 3, 8), wib(3, 9))


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        pytest.param(wib(3, 8), timedelta(minutes=30), wib(3, 8, 30), id="within-a-period"),
        pytest.param(wib(3, 11, 55), timedelta(minutes=10), wib(3, 13, 5), id="over-lunch"),
        pytest.param(wib(3, 11), timedelta(minutes=60), wib(3, 12), id="ends-at-the-period-end"),
        pytest.param(wib(3, 12, 30), timedelta(minutes=1), wib(3, 13, 1), id="from-the-break"),
        pytest.param(wib(7, 16, 20), timedelta(minutes=20), wib(10, 7, 40), id="over-the-weekend"),
        pytest.param(wib(3, 5), timedelta(minutes=450), wib(3, 16), id="a-whole-day"),
    ],
)
def test_adding_working_time_lands_inside_a_working_period(
    start: datetime, delta: timedelta, expected: datetime
) -> None:
    result = CALENDAR.add(start, delta)
    assert result == expected
    assert result.tzinfo is JAKARTA


def test_adding_skips_a_holiday() -> None:
    calendar = CALENDAR.with_holidays([CHRISTMAS])
    assert calendar.add(wib(24, 16, month=12), timedelta(minutes=30)) == wib(26, 8, month=12)


def test_adding_zero_returns_the_same_instant_in_the_calendar_zone() -> None:
    start = datetime(2025, 3, 8, 3, 0, tzinfo=UTC)  # a Saturday
    result = CALENDAR.add(start, timedelta(0))
    assert result == start
    assert result.tzinfo is JAKARTA


def test_adding_negative_time_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add(wib(3, 8), timedelta(minutes=-1))


def test_a_calendar_without_working_time_cannot_add() -> None:
    idle = WorkingCalendar(tz=JAKARTA, week={})
    with pytest.raises(ValueError, match="no working time"):
        idle.add(wib(3, 8), timedelta(minutes=1))


@pytest.mark.parametrize(
    ("at", "working"),
    [
        (wib(3, 7, 30), True),
        (wib(3, 7, 29), False),
        (wib(3, 11, 59), True),
        (wib(3, 12), False),
        (wib(3, 13), True),
        (wib(7, 11, 30), False),
        (wib(7, 16, 15), True),
        (wib(8, 10), False),
        (datetime(2025, 3, 3, 2, 0, tzinfo=UTC), True),
    ],
)
def test_is_working_knows_opening_hours(at: datetime, working: bool) -> None:
    assert CALENDAR.is_working(at) is working


def test_a_holiday_is_not_working() -> None:
    assert CALENDAR.is_working(wib(25, 9, month=12))
    assert not CALENDAR.with_holidays([CHRISTMAS]).is_working(wib(25, 9, month=12))


def test_the_default_week_in_settings_form_reads_as_the_default_week() -> None:
    spec = {
        "mon-thu": "07:30-12:00,13:00-16:00",
        "fri": " 07:30-11:30 , 13:00-16:30 ",
        "sat-sun": "",
    }
    assert parse_week(spec) == DEFAULT_WEEK


def test_days_not_named_in_settings_have_no_working_time() -> None:
    week = parse_week({"Tue": "08:00-09:00"})
    assert week[1] == ((time(8), time(9)),)
    assert all(week[day] == () for day in (0, 2, 3, 4, 5, 6))


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"funday": "08:00-09:00"}, "not a day"),
        ({"mon-tue-wed": "08:00-09:00"}, "not a day"),
        ({"fri-mon": "08:00-09:00"}, "runs forward"),
        ({"mon": "07:30-12"}, "not a period"),
        ({"mon": "7.30-12.00"}, "not a period"),
        ({"mon": "12:00-07:30"}, "must end after it starts"),
        ({"mon": "08:00-08:00"}, "must end after it starts"),
        ({"mon": "07:30-12:00,11:00-13:00"}, "must not overlap"),
        ({"mon": "13:00-16:00,07:30-12:00"}, "in order"),
        ({"mon": "25:00-26:00"}, "not a time of day"),
        ({"mon": "08:61-09:00"}, "not a time of day"),
        ({"mon-thu": "08:00-09:00", "tue": ""}, "tue is given twice"),
        ({"mon": 8}, "must be text"),
    ],
)
def test_a_bad_week_setting_is_refused_with_its_reason(spec: dict[str, str], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_week(spec)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Asia/Batavia'"):
        calendar_from_settings(None, "Asia/Batavia", [])


def test_settings_build_a_calendar_with_its_week_zone_and_holidays() -> None:
    calendar = calendar_from_settings({"mon-fri": "09:00-17:00"}, "Asia/Makassar", [CHRISTMAS])
    assert calendar.tz == ZoneInfo("Asia/Makassar")
    assert calendar.holidays == {CHRISTMAS}
    assert calendar.working_minutes(wib(7, 0), wib(10, 0)) == 480


@pytest.mark.parametrize(
    "week",
    [
        {7: ()},
        {0: ((time(9), time(8)),)},
        {0: ((time(9, tzinfo=UTC), time(10)),)},
    ],
)
def test_a_calendar_refuses_an_impossible_week(
    week: dict[int, tuple[tuple[time, time], ...]],
) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(tz=JAKARTA, week=week)


# Properties, over instants in several zones and random holidays in the first quarter of 2025.
ZONES = st.sampled_from([UTC, JAKARTA, timezone(timedelta(hours=5, minutes=30))])
INSTANTS = st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(datetime(2025, 1, 1), datetime(2025, 3, 31)),
    ZONES,
)
CALENDARS = st.builds(
    CALENDAR.with_holidays,
    st.frozensets(st.dates(date(2025, 1, 1), date(2025, 3, 31)), max_size=12),
)
DELTAS = st.timedeltas(timedelta(0), timedelta(hours=200))


def reference_working_time(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Slow but obvious: intersect the span with every working period of every day."""
    total = timedelta(0)
    day = start.astimezone(JAKARTA).date() - timedelta(days=1)
    while day <= end.astimezone(JAKARTA).date():
        if day not in calendar.holidays:
            for period_start, period_end in calendar.week[day.weekday()]:
                begin = max(start, datetime.combine(day, period_start, JAKARTA))
                finish = min(end, datetime.combine(day, period_end, JAKARTA))
                total += max(finish - begin, timedelta(0))
        day += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(CALENDARS, INSTANTS, INSTANTS)
def test_working_time_matches_a_day_by_day_reference(
    calendar: WorkingCalendar, a: datetime, b: datetime
) -> None:
    start, end = min(a, b), max(a, b)
    assert calendar.working_time(start, end) == reference_working_time(calendar, start, end)
    assert calendar.working_time(end, start) == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, INSTANTS, INSTANTS, INSTANTS)
def test_working_time_adds_up_across_days_weekends_and_holidays(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted([a, b, c])
    ab, bc = calendar.working_time(a, b), calendar.working_time(b, c)
    assert ab >= timedelta(0) and bc >= timedelta(0)
    assert ab + bc == calendar.working_time(a, c)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, INSTANTS, DELTAS)
def test_adding_working_time_is_undone_by_measuring_it(
    calendar: WorkingCalendar, start: datetime, delta: timedelta
) -> None:
    end = calendar.add(start, delta)
    assert end >= start
    assert calendar.working_time(start, end) == delta
    if delta:
        # The result is inside a working period or at its very end.
        assert calendar.is_working(end - MICROSECOND)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, INSTANTS, INSTANTS)
def test_adding_the_measured_time_never_overshoots_the_end(
    calendar: WorkingCalendar, a: datetime, b: datetime
) -> None:
    start, end = min(a, b), max(a, b)
    reached = calendar.add(start, calendar.working_time(start, end))
    assert reached <= end
    if start == end or calendar.is_working(end - MICROSECOND):
        assert reached == end


@pytest.mark.parametrize(
    ("day", "plausible"),
    [
        (EARLIEST_DAY, True),
        (LATEST_DAY, True),
        (date(2026, 11, 26), True),
        (EARLIEST_DAY - timedelta(days=1), False),
        (LATEST_DAY + timedelta(days=1), False),
        (date.min, False),
        (date.max, False),
    ],
)
def test_a_day_is_plausible_only_between_the_earliest_and_the_latest(day, plausible):
    assert is_plausible_day(day) is plausible
