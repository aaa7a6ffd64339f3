"""Time helpers. Everything is aware; local time is Europe/Stockholm.

Comparisons between aware datetimes are done in UTC: two datetimes that share a
ZoneInfo are compared by wall time, which is wrong around the autumn DST change.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from vaxel.core.errors import (
    InvalidDate,
    InvalidInput,
    InvalidTime,
    PeriodEndsBeforeStart,
    PeriodOutOfRange,
    TimeOutOfRange,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The years a time given to Växel may fall in: every schedule and working-time sum stays
# far from datetime's own limits (year 1 and 9999), where adding a day would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def now() -> datetime:
    return datetime.now(UTC)


def local(at: datetime) -> datetime:
    """The same instant as Stockholm wall time."""
    return at.astimezone(STOCKHOLM)


def local_date(at: datetime) -> date:
    return local(at).date()


def at_local(day: date, clock: time) -> datetime:
    """The instant (in UTC) when Stockholm clocks show `clock` on `day`.

    A wall time skipped by the spring change (02:30) resolves to the instant an
    hour later on the clock (03:30 CEST), as zoneinfo does with fold=0.
    """
    return datetime.combine(day, clock, tzinfo=STOCKHOLM).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    return at_local(day, time(0, 0))


def local_days(start: date, count: int):
    for offset in range(count):
        yield start + timedelta(days=offset)


def parse_instant(text: str, *, field: str = "time") -> datetime:
    """Parse ISO 8601 with or without an offset; without one it is Stockholm time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidTime(
            _(
                "%(field)s %(value)r is not an ISO 8601 time; write e.g. 2026-12-07T08:00 "
                "or 2026-12-07T08:00+01:00."
            )
            % {"field": field, "value": text},
            details={"field": field},
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _out_of_range(field, text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=STOCKHOLM)
    return value.astimezone(UTC)


def _out_of_range(field: str, text: str) -> InvalidInput:
    return TimeOutOfRange(
        _("%(field)s %(value)r is outside the years %(first)d–%(last)d that Växel plans for.")
        % {"field": field, "value": text, "first": FIRST_YEAR, "last": LAST_YEAR},
        details={"field": field},
    )


def parse_day(text: str, *, field: str = "date") -> date:
    try:
        day = date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidDate(
            _("%(field)s %(value)r is not a date; write it as YYYY-MM-DD, e.g. 2026-12-24.")
            % {"field": field, "value": text},
            details={"field": field},
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _out_of_range(field, text)
    return day


def iso(at: datetime | None) -> str | None:
    """ISO 8601 in Stockholm time, carrying its offset."""
    return None if at is None else local(at).isoformat()


def period(first: date, last: date) -> tuple[datetime, datetime]:
    """From the first day's Stockholm midnight to the midnight after the last day."""
    if first < date(1900, 1, 1) or last > date(2999, 12, 31) or (last - first).days > 3660:
        raise PeriodOutOfRange(_("Choose a period of at most ten years, between 1900 and 2999."))
    if last < first:
        raise PeriodEndsBeforeStart(
            _("The period ends (%(last)s) before it begins (%(first)s).") % {"last": last, "first": first},
        )
    return at_local(first, time(0)), at_local(last + timedelta(days=1), time(0))
