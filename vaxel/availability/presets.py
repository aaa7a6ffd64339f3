"""One-tap absences for "Min sida" (E3): what each preset means at a given moment.
Back times land on the start of the next working day where the preset is about days."""

from datetime import date, datetime, time, timedelta

from vaxel.availability.constants import AbsenceReason
from vaxel.availability.schedule import Schedule, next_opening
from vaxel.core.time import at_local, local_date

PRESETS = ("lunch", "meeting_until", "gone_for_the_day", "day_off_tomorrow", "vacation")


def _next_working_start(working: Schedule, after: datetime) -> datetime | None:
    return next_opening(working, after)


def preset_absence(
    preset: str,
    *,
    at: datetime,
    working: Schedule,
    until_clock: time | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> tuple[str, datetime, datetime | None]:
    """(reason, from, until) for a preset; ValueError when it needs what it was not given."""
    today = local_date(at)
    if preset == "lunch":
        return AbsenceReason.LUNCH, at, at + timedelta(hours=1)
    if preset == "meeting_until":
        if until_clock is None or at_local(today, until_clock) <= at:
            raise ValueError("meeting_until needs a time later today")
        return AbsenceReason.MEETING, at, at_local(today, until_clock)
    if preset == "gone_for_the_day":
        return AbsenceReason.GONE_FOR_THE_DAY, at, _next_working_start(working, at_local(today, time(23, 59)))
    if preset == "day_off_tomorrow":
        start = at_local(today + timedelta(days=1), time(0))
        return (
            AbsenceReason.DAY_OFF,
            start,
            _next_working_start(working, start + timedelta(hours=23, minutes=59)),
        )
    if preset == "vacation":
        if first_day is None or last_day is None or last_day < first_day:
            raise ValueError("vacation needs a first and a last day, in that order")
        start = at_local(first_day, time(0))
        return AbsenceReason.VACATION, start, _next_working_start(working, at_local(last_day, time(23, 59)))
    raise ValueError(f"unknown preset {preset!r}")
