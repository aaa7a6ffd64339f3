"""Weekly hours with dated exceptions, Swedish holidays and eves: opening hours
(S4) and telephone hours (E7). Pure functions over plain data.

Rules for one day, first match wins:
1. a dated exception (closed, or its own hours);
2. a public holiday or a de-facto eve (julafton, midsommarafton, nyårsafton): closed;
3. the weekly hours, replaced by the eve hours when the schedule has them and
   the next day is closed (a day before a holiday).
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.utils.translation import gettext as _

from vaxel.availability import holidays
from vaxel.availability.errors import InvalidHours, InvalidWeeklyHours
from vaxel.core.errors import InvalidInput
from vaxel.core.time import at_local, local_date

MIDNIGHT_END = time.max  # "24:00": open to the end of the day (00:00-24:00 is the whole day)

Hours = tuple[time, time]

WEEKDAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "mån": 0,
    "tis": 1,
    "ons": 2,
    "tor": 3,
    "fre": 4,
    "lör": 5,
    "sön": 6,
}
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead next_opening looks: a schedule closed for longer never opens.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Schedule:
    weekly: Mapping[int, tuple[Hours, ...]] = field(default_factory=dict)
    exceptions: Mapping[date, tuple[Hours, ...]] = field(default_factory=dict)
    eve_hours: Hours | None = None

    @property
    def is_empty(self) -> bool:
        return not any(self.weekly.values()) and not any(self.exceptions.values())


def hours_on(schedule: Schedule, day: date) -> tuple[Hours, ...]:
    if day in schedule.exceptions:
        return schedule.exceptions[day]
    if holidays.is_closed_day(day):
        return ()
    weekly = schedule.weekly.get(day.weekday(), ())
    if weekly and schedule.eve_hours and holidays.is_day_before_closed_day(day):
        return (schedule.eve_hours,)
    return weekly


def intervals_on(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    """The day's open intervals as UTC instants, adjacent ones joined."""
    result: list[tuple[datetime, datetime]] = []
    for opens, closes in sorted(hours_on(schedule, day)):
        start = at_local(day, opens)
        end = at_local(day + timedelta(days=1), time(0)) if closes == MIDNIGHT_END else at_local(day, closes)
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        elif end > start:
            result.append((start, end))
    return result


def current_interval(schedule: Schedule, at: datetime) -> tuple[datetime, datetime] | None:
    for start, end in intervals_on(schedule, local_date(at)):
        if start <= at < end:
            return start, end
    return None


def is_open(schedule: Schedule, at: datetime) -> bool:
    return current_interval(schedule, at) is not None


def next_opening(schedule: Schedule, at: datetime) -> datetime | None:
    """The first instant after `at` at which the schedule opens; None if never."""
    for start, _end in intervals_from(schedule, at):
        if start > at:
            return start
    return None


def add_working_time(schedule: Schedule, start: datetime, duration: timedelta) -> datetime | None:
    """The instant at which `duration` of the schedule's open time has passed since
    `start` (E4: "within 4 working hours"; weekends and holidays do not count).
    None if the schedule does not open enough within the horizon."""
    remaining = duration
    for opens, closes in intervals_from(schedule, start):
        if closes <= start:
            continue
        opens = max(opens, start)
        if remaining <= closes - opens:
            return opens + remaining
        remaining -= closes - opens
    return None


def working_time_between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """How much of the schedule's open time lies between start and end (E5: "more than
    one working day")."""
    total = timedelta()
    for opens, closes in intervals_from(schedule, start):
        if opens >= end:
            break
        total += max(timedelta(), min(closes, end) - max(opens, start))
    return total


def overlapping_intervals(
    schedule: Schedule, start: datetime, end: datetime | None, *, open_end: timedelta = timedelta(days=14)
) -> list[tuple[datetime, datetime]]:
    """The schedule's open intervals that [start, end) overlaps (E7: an absence inside a
    unit's telephone hours). An open end is looked at for `open_end`."""
    until = end or start + open_end
    result = []
    for opens, closes in intervals_from(schedule, start):
        if opens >= until:
            break
        if closes > start:
            result.append((max(opens, start), min(closes, until)))
    return result


def intervals_from(schedule: Schedule, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals from the local day of `at` on, in order, up to the horizon."""
    day = local_date(at)
    for offset in range(HORIZON_DAYS):
        yield from intervals_on(schedule, day + timedelta(days=offset))


# --- text forms, as written on the command line and in forms -------------------------------


def parse_hours(text: str, *, field: str = "hours") -> Hours:
    """'08:00-16:30' → (08:00, 16:30); '18:00-24:00' closes at the day's end."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*", text or "")
    try:
        if not match:
            raise ValueError
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        opens, closes = time(h1, m1), MIDNIGHT_END if (h2, m2) == (24, 0) else time(h2, m2)
    except ValueError:
        raise InvalidHours(
            _("%(field)s %(value)r is not a time range; write it as HH:MM-HH:MM, e.g. 08:00-16:30.")
            % {"field": field, "value": text},
            details={"field": field},
        ) from None
    if closes <= opens:
        raise InvalidHours(
            _("%(field)s %(value)r closes before it opens; the end must be later than the start.")
            % {"field": field, "value": text},
            details={"field": field},
        )
    return opens, closes


def parse_weekly(text: str, *, field: str = "weekly") -> dict[int, tuple[Hours, ...]]:
    """'mon-thu 08:00-16:30, fri 08:00-15:00' → {0: ((08:00, 16:30),), …}.

    Day names in English or Swedish (mån, tis, …); a range (mon-fri) or a list
    (mon/wed); several time ranges per part are allowed.
    """
    weekly: dict[int, list[Hours]] = {}
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        raise _weekly_error(text, field)
    for part in parts:
        words = part.split()
        if len(words) < 2:
            raise _weekly_error(part, field)
        days = _parse_days(words[0].lower(), field)
        for hours_text in words[1:]:
            hours = parse_hours(hours_text, field=field)
            for day in days:
                weekly.setdefault(day, []).append(hours)
    for day, ranges in weekly.items():
        ranges.sort()
        for (_o1, c1), (o2, _c2) in pairwise(ranges):
            if o2 < c1:
                raise InvalidWeeklyHours(
                    _("%(field)s has overlapping hours on %(day)s; give each day's hours once.")
                    % {"field": field, "day": WEEKDAY_CODES[day]},
                    details={"field": field},
                )
    return {day: tuple(ranges) for day, ranges in sorted(weekly.items())}


def _parse_days(text: str, field: str) -> list[int]:
    days: list[int] = []
    for item in text.split("/"):
        if "-" in item:
            first, _sep, last = item.partition("-")
            if first not in WEEKDAYS or last not in WEEKDAYS or WEEKDAYS[last] < WEEKDAYS[first]:
                raise _weekly_error(text, field)
            days.extend(range(WEEKDAYS[first], WEEKDAYS[last] + 1))
        elif item in WEEKDAYS:
            days.append(WEEKDAYS[item])
        else:
            raise _weekly_error(text, field)
    return days


def _weekly_error(text: str, field: str) -> InvalidInput:
    return InvalidWeeklyHours(
        _('%(field)s %(value)r is not a weekly schedule; write e.g. "mon-thu 08:00-16:30, fri 08:00-15:00".')
        % {"field": field, "value": text},
        details={"field": field},
    )


def format_time(value: time) -> str:
    return "24:00" if value == MIDNIGHT_END else f"{value:%H:%M}"


def format_hours(hours: Hours) -> str:
    return f"{format_time(hours[0])}-{format_time(hours[1])}"


def format_weekly(weekly: Mapping[int, tuple[Hours, ...]]) -> str:
    """The inverse of parse_weekly, runs of days with equal hours joined (mon-thu …)."""
    parts: list[str] = []
    day = 0
    while day < 7:
        hours = weekly.get(day, ())
        last = day
        while last + 1 < 7 and weekly.get(last + 1, ()) == hours:
            last += 1
        if hours:
            days = WEEKDAY_CODES[day] if last == day else f"{WEEKDAY_CODES[day]}-{WEEKDAY_CODES[last]}"
            parts.append(days + " " + " ".join(format_hours(h) for h in hours))
        day = last + 1
    return ", ".join(parts)
