"""Writes of absences and schedules (E3, E7, S4). Validation comes before any write."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.availability.constants import REASON_ALIASES, AbsenceReason, AbsenceSource, DivertTo
from vaxel.availability.errors import (
    AbsenceEndsBeforeStart,
    ExceptionNeedsOne,
    InvalidDivertTo,
    InvalidReason,
    NothingToSet,
)
from vaxel.availability.merging import absence_at
from vaxel.availability.models import Absence, Schedule, ScheduleException, ScheduleKind, WeeklyHours
from vaxel.availability.schedule import format_hours, format_weekly, parse_hours, parse_weekly
from vaxel.availability.selectors import absences_merged, schedule_value, telephone_hours_conflicts
from vaxel.core.text import one_line
from vaxel.core.time import iso, local
from vaxel.directory.models import Person, Unit
from vaxel.directory.selectors import person_get
from vaxel.directory.services import unit_add


def parse_reason(text: str) -> AbsenceReason:
    key = (text or "").strip().lower()
    if key in AbsenceReason.values:
        return AbsenceReason(key)
    if key in REASON_ALIASES:
        return REASON_ALIASES[key]
    raise InvalidReason(
        _("%(reason)r is not an absence reason; use one of: %(choices)s.")
        % {"reason": text, "choices": ", ".join(AbsenceReason.values)},
        details={"reason": text},
    )


def parse_divert_to(text: str | None) -> tuple[DivertTo, Person | None]:
    """'switchboard', 'voicemail' or 'colleague:EMAIL', as the command line and the forms
    write it: the target and, for a colleague, the person."""
    kind, _sep, email = (text or DivertTo.SWITCHBOARD).partition(":")
    kind = kind.strip().lower()
    if kind == DivertTo.COLLEAGUE and email.strip():
        return DivertTo.COLLEAGUE, person_get(email.strip())
    if kind in (DivertTo.SWITCHBOARD, DivertTo.VOICEMAIL) and not email:
        return DivertTo(kind), None
    raise InvalidDivertTo(
        _("%(value)r is not a diversion target; use switchboard, voicemail or colleague:EMAIL.")
        % {"value": text},
    )


@dataclass(frozen=True)
class AbsenceAdded:
    """What adding an absence came to: the absence (None when it waits for a confirmation)
    and where it lies in the unit's telephone hours (E7)."""

    absence: Absence | None
    conflicts: list[tuple[datetime, datetime]]

    @property
    def needs_confirmation(self) -> bool:
        return self.absence is None


@transaction.atomic
def absence_add(
    *,
    person: Person,
    reason: str,
    starts_at: datetime,
    ends_at: datetime | None,
    note: str = "",
    divert_to: DivertTo | str = DivertTo.SWITCHBOARD,
    colleague: Person | None = None,
    confirmed: bool = True,
    actor=None,
) -> AbsenceAdded:
    """Record an absence (E3), checked against the unit's telephone hours (E7) in this one
    place for every surface. With `confirmed=False` an absence that lies in them is not
    written: the answer carries the conflicts for the person to confirm. It is stored as
    entered; merging happens when absences are read, so removing one part never loses
    another."""
    checked_reason = parse_reason(reason)
    target = DivertTo(divert_to) if divert_to in DivertTo.values else None
    if target is None or (target == DivertTo.COLLEAGUE) != (colleague is not None):
        raise InvalidDivertTo(
            _("%(value)r is not a diversion target; use switchboard, voicemail or colleague:EMAIL.")
            % {"value": divert_to},
        )
    if ends_at is not None and ends_at <= starts_at:
        raise AbsenceEndsBeforeStart(
            _("The absence ends (%(end)s) before or when it starts (%(start)s); the end must be later.")
            % {"end": ends_at.isoformat(), "start": starts_at.isoformat()},
        )
    if colleague is not None and colleague.pk == person.pk:
        raise InvalidDivertTo(
            _("Calls cannot be diverted to the absent person themselves; name a colleague."),
        )
    note = one_line(note, field=_("The note"), longest=200)
    conflicts = telephone_hours_conflicts(
        person=person, reason=checked_reason, starts_at=starts_at, ends_at=ends_at
    )
    if conflicts and not confirmed:
        return AbsenceAdded(None, conflicts)
    absence = Absence.objects.create(
        person=person,
        reason=checked_reason,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        divert_to=target,
        divert_colleague=colleague,
    )
    until = _short(ends_at) if ends_at else _("until further notice")
    change_record(
        actor=actor,
        entity="absence",
        entity_id=absence.pk,
        action=ChangeAction.CREATED,
        unit=person.unit,
        summary=_("%(name)s: %(reason)s %(start)s – %(end)s")
        % {
            "name": person.name,
            "reason": absence.get_reason_display(),
            "start": _short(starts_at),
            "end": until,
        },
        after=_absence_facts(absence),
    )
    return AbsenceAdded(absence, conflicts)


def calendar_absence_add(
    *, person: Person, reason: str, starts_at: datetime, ends_at: datetime, note: str
) -> Absence:
    """A busy calendar event's absence (E3, the calendar the source). The calendar's sync
    checks E7 and records its changes once per sync, so neither happens here."""
    return Absence.objects.create(
        person=person,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note[:200],
        source=AbsenceSource.CALENDAR,
    )


def calendar_absence_remove(absence: Absence) -> None:
    absence.delete()


def _short(at: datetime) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M")


def _absence_facts(absence: Absence) -> dict:
    return {
        "person": absence.person.email,
        "reason": absence.reason,
        "starts_at": iso(absence.starts_at),
        "ends_at": iso(absence.ends_at),
        "note": absence.note,
        "divert_to": absence.divert_to,
        "divert_colleague": absence.divert_colleague.email if absence.divert_colleague else None,
    }


@transaction.atomic
def absence_clear(*, person: Person, at: datetime, upcoming: bool = False, actor=None) -> int:
    """The person is back: end the absence running at `at` (E3: all parts of the merged
    absence). With upcoming, also remove every absence planned after `at`.
    Returns how many entered absences were ended or removed."""
    current = absence_at(absences_merged(person, since=at), at)
    ids = [p.id for p in current.parts if p.id is not None] if current else []
    changed = Absence.objects.filter(pk__in=ids, starts_at__lte=at).update(ends_at=at)
    removed, _details = Absence.objects.filter(pk__in=ids, starts_at__gt=at).delete()
    if upcoming:
        later, _details = Absence.objects.filter(person=person, starts_at__gt=at).delete()
        removed += later
    if changed + removed:
        change_record(
            actor=actor,
            entity="absence",
            entity_id=person.pk,
            action=ChangeAction.DELETED,
            unit=person.unit,
            summary=_("%(name)s is back") % {"name": person.name},
            after={"person": person.email, "cleared_at": iso(at), "upcoming_removed": upcoming},
        )
    return changed + removed


def _schedule_for(unit: Unit | None) -> Schedule:
    if unit is None:
        schedule, _created = Schedule.objects.get_or_create(kind=ScheduleKind.OPENING_HOURS, unit=None)
    else:
        schedule, _created = Schedule.objects.get_or_create(kind=ScheduleKind.TELEPHONE_HOURS, unit=unit)
    return schedule


def _replace_weekly(schedule: Schedule, weekly_text: str, field: str) -> None:
    weekly = parse_weekly(weekly_text, field=field)
    schedule.weekly.all().delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(schedule=schedule, weekday=day, opens=o, closes=c)
        for day, ranges in weekly.items()
        for o, c in ranges
    )


def _schedule_state(schedule: Schedule) -> dict:
    value = schedule_value(Schedule.objects.prefetch_related("weekly", "exceptions").get(pk=schedule.pk))
    return {
        "weekly": format_weekly(value.weekly),
        "eve_hours": format_hours(value.eve_hours) if value.eve_hours else None,
        "exceptions": {
            d.isoformat(): [format_hours(h) for h in hours] for d, hours in value.exceptions.items()
        },
    }


def _record_schedule(schedule: Schedule, actor, summary: str, before: dict) -> None:
    change_record(
        actor=actor,
        entity=schedule.kind,
        entity_id=schedule.pk,
        action=ChangeAction.UPDATED,
        unit=schedule.unit,
        summary=summary,
        before=before,
        after=_schedule_state(schedule),
    )


@transaction.atomic
def opening_hours_set(*, weekly: str | None = None, eve_hours: str | None = None, actor=None) -> Schedule:
    """S4: the switchboard's weekly opening hours and its hours on days before holidays.
    An empty eve_hours ("") removes the eve hours."""
    if weekly is None and eve_hours is None:
        raise NothingToSet(_("Give --weekly, --eve-hours or both."))
    eve = parse_hours(eve_hours, field="--eve-hours") if eve_hours else None
    if weekly is not None:
        parse_weekly(weekly, field="--weekly")
    schedule = _schedule_for(None)
    before = _schedule_state(schedule)
    if weekly is not None:
        _replace_weekly(schedule, weekly, "--weekly")
    if eve_hours is not None:
        schedule.eve_opens, schedule.eve_closes = eve if eve else (None, None)
        schedule.save()
    _record_schedule(schedule, actor, _("Switchboard opening hours changed"), before)
    return schedule


@transaction.atomic
def unit_open(
    *,
    name: str,
    parent: str | None = None,
    keywords: list[str] | None = None,
    telephone_hours: str | None = None,
    actor=None,
) -> Unit:
    """A new unit with its telephone hours (E7), in one step."""
    unit = unit_add(name=name, parent=parent, keywords=keywords, actor=actor)
    if telephone_hours:
        telephone_hours_set(unit=unit, weekly=telephone_hours, actor=actor)
    return unit


@transaction.atomic
def telephone_hours_set(*, unit: Unit, weekly: str, actor=None) -> Schedule:
    """E7: a unit's weekly telephone hours."""
    parse_weekly(weekly, field="--telephone-hours")
    schedule = _schedule_for(unit)
    before = _schedule_state(schedule)
    _replace_weekly(schedule, weekly, "--telephone-hours")
    _record_schedule(schedule, actor, _("Telephone hours of %(unit)s changed") % {"unit": unit.name}, before)
    return schedule


@transaction.atomic
def schedule_exception_add(
    *, day: date, closed: bool = False, hours: str | None = None, unit: Unit | None = None, actor=None
) -> ScheduleException:
    """A dated exception to the opening hours (or a unit's telephone hours):
    closed all day, or open only the given hours. Replaces an earlier one that day."""
    if closed == bool(hours):
        raise ExceptionNeedsOne(_("Give exactly one of --closed or --hours HH:MM-HH:MM."))
    opens, closes = parse_hours(hours, field="--hours") if hours else (None, None)
    schedule = _schedule_for(unit)
    before = _schedule_state(schedule)
    exception, _created = ScheduleException.objects.update_or_create(
        schedule=schedule, date=day, defaults={"opens": opens, "closes": closes}
    )
    what = _("Telephone hours of %(unit)s") % {"unit": unit.name} if unit else _("Switchboard opening hours")
    summary = _("%(what)s on %(day)s: %(hours)s") % {
        "what": what,
        "day": day.isoformat(),
        "hours": hours or _("closed"),
    }
    _record_schedule(schedule, actor, summary, before)
    return exception
