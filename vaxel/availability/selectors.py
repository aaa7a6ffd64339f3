"""Reads of absences and schedules, as the plain values the pure rules take."""

from datetime import date, datetime

from django.db.models import Q

from vaxel.availability.merging import AbsencePart, MergedAbsence, merge_absences
from vaxel.availability.models import Absence, Schedule, ScheduleKind
from vaxel.availability.schedule import Hours
from vaxel.availability.schedule import Schedule as ScheduleValue
from vaxel.directory.models import Person


def absence_part(absence: Absence) -> AbsencePart:
    return AbsencePart(
        id=absence.pk,
        starts_at=absence.starts_at,
        ends_at=absence.ends_at,
        reason=absence.reason,
        note=absence.note,
        divert_to=absence.divert_to,
        divert_colleague_id=absence.divert_colleague_id,
    )


def absences_relevant(since: datetime):
    """Absences that still matter at `since`: running then or later."""
    return Absence.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))


def absences_merged(person: Person, *, since: datetime) -> list[MergedAbsence]:
    """The person's absences from `since` on, merged (E3)."""
    rows = absences_relevant(since).filter(person=person).order_by("starts_at", "pk")
    return merge_absences(absence_part(a) for a in rows)


def schedule_value(schedule: Schedule | None) -> ScheduleValue:
    if schedule is None:
        return ScheduleValue()
    weekly: dict[int, list] = {}
    for row in schedule.weekly.all():
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    exceptions: dict[date, tuple[Hours, ...]] = {}
    for exception in schedule.exceptions.all():
        hours = (exception.opens, exception.closes)
        exceptions[exception.date] = () if hours[0] is None or hours[1] is None else (hours,)  # type: ignore[assignment]
    eve = (schedule.eve_opens, schedule.eve_closes) if schedule.eve_opens and schedule.eve_closes else None
    return ScheduleValue(
        weekly={d: tuple(sorted(r)) for d, r in weekly.items()}, exceptions=exceptions, eve_hours=eve
    )


def opening_hours_get() -> ScheduleValue:
    schedule = (
        Schedule.objects.filter(kind=ScheduleKind.OPENING_HOURS)
        .prefetch_related("weekly", "exceptions")
        .first()
    )
    return schedule_value(schedule)
