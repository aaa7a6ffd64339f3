"""Reads of absences and schedules, as the plain values the pure rules take."""

from datetime import date, datetime
from typing import Any

from django.db.models import Q

from vaxel.availability import announcements
from vaxel.availability.constants import TELEPHONE_HOURS_BREACHES, AbsenceSource, activity_for
from vaxel.availability.merging import AbsencePart, MergedAbsence, absence_at, merge_absences
from vaxel.availability.models import Absence, Schedule, ScheduleKind
from vaxel.availability.schedule import (
    Hours,
    current_interval,
    format_weekly,
    is_open,
    next_opening,
    overlapping_intervals,
    parse_weekly,
)
from vaxel.availability.schedule import Schedule as ScheduleValue
from vaxel.core.api import phone
from vaxel.core.time import iso, local
from vaxel.directory.models import NumberKind, Person
from vaxel.directory.selectors import answer_phrase, organisation_get


def absence_part(absence: Absence) -> AbsencePart:
    return AbsencePart(
        id=absence.pk,
        starts_at=absence.starts_at,
        ends_at=absence.ends_at,
        reason=absence.reason,
        note=absence.note,
        divert_to=absence.divert_to,
        divert_colleague_id=absence.divert_colleague_id,
        manual=absence.source == AbsenceSource.MANUAL,
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


def absent_person_ids(at: datetime):
    """Ids of people absent at `at` (a merged absence covers `at` exactly when a part does)."""
    return (
        Absence.objects.filter(starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .values("person_id")
    )


def current_absences(person_ids: list[int], at: datetime) -> dict[int, MergedAbsence]:
    """The merged absence (E3) each of these people is in at `at`, if any."""
    parts: dict[int, list[AbsencePart]] = {}
    rows = absences_relevant(at).filter(person_id__in=person_ids).order_by("starts_at", "pk")
    for absence in rows:
        parts.setdefault(absence.person_id, []).append(absence_part(absence))
    result = {}
    for person_id, person_parts in parts.items():
        current = absence_at(merge_absences(person_parts), at)
        if current is not None:
            result[person_id] = current
    return result


def telephone_hours_now(unit_ids: set[int], at: datetime) -> set[int]:
    """The units among these whose telephone hours are on at `at` (E6, E7)."""
    schedules = Schedule.objects.filter(
        kind=ScheduleKind.TELEPHONE_HOURS, unit_id__in=unit_ids
    ).prefetch_related("weekly", "exceptions")
    return {s.unit_id for s in schedules if s.unit_id is not None and is_open(schedule_value(s), at)}


def people_cards(people: list[Person], at: datetime) -> list[dict[str, Any]]:
    """What the switchboard needs to know of each person at `at`: numbers (a mobile only
    with consent, S3), availability with reason and back time (E3), whether their unit
    is in telephone hours (E7) and their answer phrase (E2). People need their unit
    selected and numbers prefetched."""

    organisation = organisation_get().name
    absences = current_absences([p.pk for p in people], at)
    in_hours = telephone_hours_now({p.unit_id for p in people}, at)
    cards = []
    for person in people:
        numbers = {n.kind: n for n in person.numbers.all()}
        mobile, direct = numbers.get(NumberKind.MOBILE), numbers.get(NumberKind.DIRECT)
        absence = absences.get(person.pk)
        reason = absence.part_at(at).reason if absence else None
        cards.append(
            {
                "id": person.pk,
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "unit": {"id": person.unit_id, "name": person.unit.name},
                "active": person.active,
                "direct_number": phone(direct.e164 if direct else None),
                "mobile": phone(mobile.e164 if mobile and mobile.is_public else None),
                # Ids let the console put a call through without the digits (S3).
                "direct_number_id": direct.pk if direct else None,
                "mobile_id": mobile.pk if mobile else None,
                "available": person.active and absence is None,
                "absence": None
                if absence is None
                else {
                    "reason": reason,
                    "reasons": list(absence.reasons),
                    "since": absence.starts_at,
                    "back_at": absence.ends_at,
                    "announcement": announcements.person_absent(
                        person.name, reason=reason or "other", back_at=absence.ends_at, now=at
                    ),
                },
                "in_telephone_hours": person.unit_id in in_hours,
                "answer_phrase": answer_phrase(
                    name=person.name, workplace=person.unit.name, organisation=organisation
                ),
            }
        )
    return cards


_NOT_LOADED = object()


def unit_telephone_hours(unit_id: int) -> ScheduleValue | None:
    """A unit's telephone hours (E7), or None when it has none. Load once, then pass as
    `hours=` when checking many absences of the same unit."""
    schedule = (
        Schedule.objects.filter(kind=ScheduleKind.TELEPHONE_HOURS, unit_id=unit_id)
        .prefetch_related("weekly", "exceptions")
        .first()
    )
    return schedule_value(schedule) if schedule is not None else None


def telephone_hours_conflicts(
    *, person: Person, reason: str, starts_at: datetime, ends_at: datetime | None, hours=_NOT_LOADED
):
    """E7: where an absence of this kind would lie inside the person's unit's telephone
    hours. Empty for reasons the routine does not forbid there (sick, vacation, …)."""

    if reason not in TELEPHONE_HOURS_BREACHES:
        return []
    schedule = unit_telephone_hours(person.unit_id) if hours is _NOT_LOADED else hours
    if schedule is None:
        return []
    return overlapping_intervals(schedule, starts_at, ends_at)


def telephone_hours_text(person: Person, conflicts, *, hours=_NOT_LOADED) -> str:
    """The E7 warning, naming the unit's telephone hours and where the absence hits them."""
    from django.utils.translation import gettext as _

    schedule = unit_telephone_hours(person.unit_id) if hours is _NOT_LOADED else hours
    hours = format_weekly(schedule.weekly if schedule is not None else {})
    when = ", ".join(f"{local(s):%Y-%m-%d %H:%M}–{local(e):%H:%M}" for s, e in conflicts[:5])
    return _("Warning (E7): the absence lies in the telephone hours of %(unit)s (%(hours)s): %(when)s.") % {
        "unit": person.unit.name,
        "hours": hours,
        "when": when,
    }


def working_hours_get() -> ScheduleValue:
    """Working time (E4, E5, presets): VAXEL_WORKING_HOURS; public holidays and eves closed."""
    from django.conf import settings

    return ScheduleValue(weekly=parse_weekly(settings.VAXEL_WORKING_HOURS, field="VAXEL_WORKING_HOURS"))


def next_opening_overview(*, at: datetime) -> dict[str, Any]:
    """S4: is the switchboard open at `at`, and when does it open next."""
    schedule = opening_hours_get()
    interval = current_interval(schedule, at)
    opening = next_opening(schedule, at)
    organisation = organisation_get().name
    return {
        "at": iso(at),
        "open_now": interval is not None,
        "closes_at": iso(interval[1]) if interval else None,
        "next_opening": iso(opening),
        "announcement": (
            announcements.greeting(organisation)
            if interval
            else announcements.switchboard_closed(organisation, next_opening=opening, now=at)
        ),
    }


def absence_overview(*, person: Person, at: datetime) -> dict[str, Any]:
    """E3: a person's current and coming absences, merged, with what a caller hears."""
    merged = absences_merged(person, since=at)
    return {
        "email": person.email,
        "name": person.name,
        "absences": [
            {
                "starts_at": iso(m.starts_at),
                "ends_at": iso(m.ends_at),
                "current": m.covers(at),
                "reasons": list(m.reasons),
                "activity": activity_for(m.part_at(max(at, m.starts_at)).reason),
                "announcement": announcements.person_absent(
                    person.name, reason=m.part_at(max(at, m.starts_at)).reason, back_at=m.ends_at, now=at
                ),
                "parts": [
                    {
                        "id": p.id,
                        "reason": p.reason,
                        "starts_at": iso(p.starts_at),
                        "ends_at": iso(p.ends_at),
                        "note": p.note,
                        "divert_to": p.divert_to,
                    }
                    for p in m.parts
                ],
            }
            for m in merged
        ],
    }
