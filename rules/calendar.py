"""Working time: the office week with its breaks, minus holidays, measured and added."""

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Jakarta"

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
"""The days a date typed into SOP Desk may name; outside them it is a typo, and near the ends of
Python's date range a period's `last + 1 day` would overflow."""

Periods = tuple[tuple[time, time], ...]
"""The working periods of one weekday, as (start, end) wall-clock times in order."""

_MON_THU: Periods = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
_FRI: Periods = ((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30)))
DEFAULT_WEEK: Mapping[int, Periods] = MappingProxyType(
    {0: _MON_THU, 1: _MON_THU, 2: _MON_THU, 3: _MON_THU, 4: _FRI, 5: (), 6: ()}
)
"""The civil-service week (weekday 0 is Monday): 37.5 working hours."""

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD_PATTERN = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_US_PER_SECOND = 1_000_000
_ZERO = timedelta(0)
_ONE_MICROSECOND = timedelta(microseconds=1)


def is_plausible_day(day: date) -> bool:
    """True for a day between EARLIEST_DAY and LATEST_DAY (both included)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


# Working time is counted in whole microseconds, the resolution of datetime itself, so that
# spans add up exactly and add() is the exact inverse of working_time().
_Bounds = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class WorkingCalendar:
    """A working week in a time zone, minus holidays; measures and adds working time.

    Periods are wall-clock times of the day; a daylight-saving change is assumed to fall
    outside working periods (Asia/Jakarta has none).
    """

    tz: tzinfo
    week: Mapping[int, Periods] = field(default_factory=lambda: DEFAULT_WEEK)
    holidays: frozenset[date] = frozenset()
    _bounds: tuple[_Bounds, ...] = field(init=False, repr=False, compare=False)
    _day_totals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _week_total: int = field(init=False, repr=False, compare=False)
    _holiday_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _holiday_set: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.week) - set(range(7))
        if unknown:
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(unknown)}")
        week = MappingProxyType({day: tuple(self.week.get(day, ())) for day in range(7)})
        bounds = tuple(_to_bounds(_DAY_NAMES[day], week[day]) for day in range(7))
        day_totals = tuple(sum(end - start for start, end in day) for day in bounds)
        ordinals = tuple(sorted({day.toordinal() for day in self.holidays}))
        # The dataclass is frozen for its users; these are derived once, here.
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_bounds", bounds)
        object.__setattr__(self, "_day_totals", day_totals)
        object.__setattr__(self, "_week_total", sum(day_totals))
        object.__setattr__(self, "_holiday_ordinals", ordinals)
        object.__setattr__(self, "_holiday_set", frozenset(ordinals))

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two aware instants; zero when end <= start."""
        local_start, local_end = self._local(start), self._local(end)
        if local_end <= local_start:
            return _ZERO
        first, last = local_start.toordinal(), local_end.toordinal()
        start_us, end_us = _microsecond_of_day(local_start), _microsecond_of_day(local_end)
        if first == last:
            if first in self._holiday_set:
                return _ZERO
            bounds = self._bounds[(first - 1) % 7]
            worked = _worked_until(bounds, end_us) - _worked_until(bounds, start_us)
            return timedelta(microseconds=worked)
        worked = self._whole_days(first + 1, last)
        if first not in self._holiday_set:
            weekday = (first - 1) % 7
            worked += self._day_totals[weekday] - _worked_until(self._bounds[weekday], start_us)
        if last not in self._holiday_set:
            worked += _worked_until(self._bounds[(last - 1) % 7], end_us)
        return timedelta(microseconds=worked)

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working time between two aware instants, in minutes."""
        return self.working_time(start, end) / timedelta(minutes=1)

    def add(self, start: datetime, delta: timedelta) -> datetime:
        """The instant, in self.tz, when `delta` of working time has elapsed after `start`.

        A zero delta gives `start` itself. A positive delta gives an instant inside a working
        period or at its very end (12:00, not 13:00, when the morning's last minute is used up),
        so that working_time(start, add(start, delta)) == delta.
        """
        if delta < _ZERO:
            raise ValueError("cannot add a negative working time")
        local = self._local(start)
        remaining = delta // _ONE_MICROSECOND
        if remaining == 0:
            return local
        if self._week_total == 0:
            raise ValueError("the calendar has no working time")
        ordinal, after_us = local.toordinal(), _microsecond_of_day(local)
        while True:
            if ordinal not in self._holiday_set:
                for period_start, period_end in self._bounds[(ordinal - 1) % 7]:
                    begin = max(period_start, after_us)
                    if begin >= period_end:
                        continue
                    if remaining <= period_end - begin:
                        return self._instant(ordinal, begin + remaining)
                    remaining -= period_end - begin
            ordinal, after_us = ordinal + 1, 0

    def is_working(self, at: datetime) -> bool:
        """Whether `at` falls in a working period (start included, end excluded)."""
        local = self._local(at)
        ordinal = local.toordinal()
        if ordinal in self._holiday_set:
            return False
        moment = _microsecond_of_day(local)
        return any(start <= moment < end for start, end in self._bounds[(ordinal - 1) % 7])

    def with_holidays(self, days: Iterable[date]) -> "WorkingCalendar":
        """This calendar with `days` added to its holidays."""
        return replace(self, holidays=self.holidays | frozenset(days))

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a naive datetime has no place on the calendar: {moment}")
        return moment.astimezone(self.tz)

    def _instant(self, ordinal: int, microsecond_of_day: int) -> datetime:
        day = date.fromordinal(ordinal)
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        # Wall-clock arithmetic, matching how the periods are defined.
        return midnight + timedelta(microseconds=microsecond_of_day)

    def _whole_days(self, first: int, stop: int) -> int:
        """Working microseconds of the whole days with ordinals in [first, stop)."""
        days = stop - first
        if days <= 0:
            return 0
        weeks, rest = divmod(days, 7)
        weekday = (first - 1) % 7  # date.fromordinal(1) is a Monday
        worked = weeks * self._week_total
        worked += sum(self._day_totals[(weekday + offset) % 7] for offset in range(rest))
        holidays = self._holiday_ordinals
        for ordinal in holidays[bisect_left(holidays, first) : bisect_left(holidays, stop)]:
            worked -= self._day_totals[(ordinal - 1) % 7]
        return worked


def _microsecond_of_day(moment: datetime | time) -> int:
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return seconds * _US_PER_SECOND + moment.microsecond


def _worked_until(bounds: _Bounds, moment: int) -> int:
    """Working microseconds of a day from midnight until `moment`."""
    worked = 0
    for start, end in bounds:
        if moment <= start:
            break
        worked += (moment if moment < end else end) - start
    return worked


def _to_bounds(day_name: str, periods: Periods) -> _Bounds:
    bounds = []
    previous_end = -1
    for start, end in periods:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{day_name}: working periods are wall-clock times, without a zone")
        start_us, end_us = _microsecond_of_day(start), _microsecond_of_day(end)
        if start_us >= end_us:
            raise ValueError(
                f"{day_name}: period {start:%H:%M}-{end:%H:%M} must end after it starts"
            )
        if start_us < previous_end:
            raise ValueError(f"{day_name}: periods must be in order and must not overlap")
        bounds.append((start_us, end_us))
        previous_end = end_us
    return tuple(bounds)


def parse_week(spec: Mapping[str, str]) -> Mapping[int, Periods]:
    """Read a week from settings: {"mon-thu": "07:30-12:00,13:00-16:00", "sat": ""}.

    Days not named have no working time; a day named twice is refused.
    """
    week: dict[int, Periods] = {}
    for key, value in spec.items():
        periods = _parse_periods(key, value)
        for day in _parse_days(key):
            if day in week:
                raise ValueError(f"{_DAY_NAMES[day]} is given twice (again in {key!r})")
            week[day] = periods
    return MappingProxyType({day: week.get(day, ()) for day in range(7)})


def _parse_days(key: str) -> range:
    names = [name.strip().lower() for name in key.split("-")]
    if len(names) > 2 or not all(name in _DAY_NAMES for name in names):
        raise ValueError(f"{key!r} is not a day (mon..sun) or a range of days like 'mon-thu'")
    first, last = _DAY_NAMES.index(names[0]), _DAY_NAMES.index(names[-1])
    if first > last:
        raise ValueError(f"{key!r}: a range of days runs forward from mon to sun")
    return range(first, last + 1)


def _parse_periods(key: str, value: str) -> Periods:
    if not isinstance(value, str):
        raise ValueError(f"{key!r}: periods must be text like '07:30-12:00,13:00-16:00'")
    if not value.strip():
        return ()
    periods = []
    for part in value.split(","):
        match = _PERIOD_PATTERN.fullmatch(part)
        if match is None:
            raise ValueError(f"{key!r}: {part.strip()!r} is not a period like '07:30-12:00'")
        hour1, minute1, hour2, minute2 = (int(number) for number in match.groups())
        try:
            periods.append((time(hour1, minute1), time(hour2, minute2)))
        except ValueError as exc:
            raise ValueError(f"{key!r}: {part.strip()!r} is not a time of day") from exc
    _to_bounds(repr(key), tuple(periods))
    return tuple(periods)


def calendar_from_settings(
    week_spec: Mapping[str, str] | None, tz_name: str, holidays: Iterable[date]
) -> WorkingCalendar:
    """Build the calendar from settings; None for the week means the civil-service week."""
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz_name!r}") from exc
    week = DEFAULT_WEEK if week_spec is None else parse_week(week_spec)
    return WorkingCalendar(tz=tz, week=week, holidays=frozenset(holidays))
