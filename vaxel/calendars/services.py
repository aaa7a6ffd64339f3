"""Calendars: connecting them, synchronising their busy events into absences (E3), the
E7 notice for a meeting in telephone hours, and nudges about forgotten diversions."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.availability.models import Absence
from vaxel.availability.selectors import telephone_hours_conflicts, telephone_hours_text, unit_telephone_hours
from vaxel.availability.services import calendar_absence_add, calendar_absence_remove
from vaxel.calendars import fetch
from vaxel.calendars.errors import CaldavNeedsHttps, CalendarExists, InvalidCalendarKind
from vaxel.calendars.ical import Occurrence, checked_calendar, occurrences, parse_reason_words
from vaxel.calendars.models import Calendar, CalendarEvent, CalendarKind
from vaxel.core.errors import InvalidInput
from vaxel.core.sealed import seal, unseal
from vaxel.core.time import local, now
from vaxel.directory.models import Person
from vaxel.directory.selectors import person_get
from vaxel.messaging.outbox import outbox_add

logger = logging.getLogger(__name__)
LONGEST_WAIT = timedelta(minutes=30)  # between retries of a failing calendar


def _window(at: datetime) -> tuple[datetime, datetime]:
    return at - timedelta(days=1), at + timedelta(days=settings.VAXEL_CALENDAR_DAYS_AHEAD)


@transaction.atomic
def calendar_add(
    *,
    person: Person,
    kind: str,
    url: str = "",
    username: str = "",
    password: str = "",
    uploaded: bytes | None = None,
    actor=None,
) -> Calendar:
    """Connect a calendar. An uploaded file is checked at once, so a broken one is
    refused and nothing is written; its events, like a feed's or a CalDAV calendar's,
    are read by the job worker (`calendar_read_soon`), never in the request."""
    if kind not in CalendarKind.values:
        raise InvalidCalendarKind(_("Choose a feed address, a CalDAV calendar or an .ics file."))
    calendar = Calendar(person=person, kind=kind)
    if kind == CalendarKind.UPLOAD:
        checked_calendar(uploaded or b"")  # refuses what cannot be read
        calendar.uploaded = (uploaded or b"").decode("utf-8-sig", errors="replace")
    else:
        calendar.url = fetch.feed_url(url)
        fetch.address_check(calendar.url)
        if kind == CalendarKind.CALDAV:
            if calendar.url.startswith("http://") and not fetch.is_loopback(calendar.url):
                raise CaldavNeedsHttps(
                    _("A CalDAV calendar needs an https:// address: the password goes with each request."),
                )
            calendar.username, calendar.password = username.strip()[:200], seal(password[:500])
        if Calendar.objects.filter(person=person, url=calendar.url).exists():
            raise CalendarExists(_("That calendar is already connected."))
    calendar.save()
    change_record(
        actor=actor,
        entity="calendar",
        entity_id=calendar.pk,
        action=ChangeAction.CREATED,
        unit=person.unit,
        summary=_("%(name)s connected a calendar (%(kind)s)")
        % {"name": person.name, "kind": calendar.get_kind_display()},
    )
    return calendar


def calendar_connect(*, email: str, actor=None, **where) -> tuple[Calendar, dict[str, object]]:
    """Connect a calendar to the person with this e-mail address and read it at once
    (the command line, where an administrator waits for the answer)."""
    calendar = calendar_add(person=person_get(email), actor=actor, **where)
    return calendar, calendar_sync(calendar)


def calendars_sync_all(*, at: datetime | None = None) -> int:
    """Read every calendar now, due or not; each failing one is its own problem."""
    calendars = list(Calendar.objects.select_related("person__unit"))
    for calendar in calendars:
        calendar_sync(calendar, at=at)
    return len(calendars)


@transaction.atomic
def calendar_remove(*, calendar: Calendar, actor=None) -> None:
    """Disconnect a calendar; the absences it made go with it, manual ones stay."""
    for absence in Absence.objects.filter(calendar_event__calendar=calendar):
        calendar_absence_remove(absence)
    person, calendar_id = calendar.person, calendar.pk
    calendar.delete()
    change_record(
        actor=actor,
        entity="calendar",
        entity_id=calendar_id,
        action=ChangeAction.DELETED,
        unit=person.unit,
        summary=_("%(name)s disconnected a calendar") % {"name": person.name},
    )


@transaction.atomic
def calendar_event_toggle(*, event: CalendarEvent, diverts: bool, actor=None) -> CalendarEvent:
    """The employee turns one calendar event off as a diversion (or on again)."""
    event.disabled = not diverts
    if event.disabled and event.absence is not None:
        calendar_absence_remove(event.absence)
        event.absence = None
    elif not event.disabled and event.busy and event.absence is None:
        event.absence = _absence_for(event)
    event.save()
    person = event.calendar.person
    change_record(
        actor=actor,
        entity="calendar_event",
        entity_id=event.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=(
            _("%(name)s: a calendar event diverts calls again")
            if diverts
            else _("%(name)s: a calendar event no longer diverts calls")
        )
        % {"name": person.name},
    )
    return event


def _absence_for(event: CalendarEvent) -> Absence:
    return calendar_absence_add(
        person=event.calendar.person,
        reason=event.reason,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        note=event.title,
    )


def _read(calendar: Calendar, start: datetime, end: datetime) -> tuple[bytes | None, fetch.Fetched | None]:
    if calendar.kind == CalendarKind.UPLOAD:
        return calendar.uploaded.encode(), None
    if calendar.kind == CalendarKind.CALDAV:
        data = fetch.fetch_caldav(
            calendar.url, username=calendar.username, password=unseal(calendar.password), start=start, end=end
        )
        return data, None
    fetched = fetch.fetch_feed(calendar.url, etag=calendar.etag, last_modified=calendar.last_modified)
    return fetched.data, fetched


def calendar_sync(calendar: Calendar, *, at: datetime | None = None) -> dict[str, object]:
    """Read one calendar and bring its absences up to date. A calendar that cannot be
    read keeps its last good state, shows why, and is tried again later (backing off).
    An unchanged feed (HTTP 304) changes nothing."""
    at = at or now()
    start, end = _window(at)
    try:
        data, fetched = _read(calendar, start, end)
        found = (
            None
            if data is None
            else occurrences(
                data, start=start, end=end, words=_reason_words(), most=settings.VAXEL_CALENDAR_MOST_EVENTS
            )
        )
    except InvalidInput as failure:
        _failed(calendar, failure.message, at=at)
        logger.info("Calendar %s not read: %s", calendar.pk, failure.error_id)
        return {"error": failure.message}
    counts = {"created": 0, "changed": 0, "removed": 0}
    with transaction.atomic():
        if found is not None:
            counts = _apply(calendar, found, start=start, at=at)
        if fetched is not None:
            calendar.etag, calendar.last_modified = fetched.etag[:500], fetched.last_modified[:100]
        calendar.failures, calendar.error = 0, ""
        calendar.synced_at = calendar.ok_at = at
        calendar.next_sync_at = at + timedelta(seconds=settings.VAXEL_CALENDAR_SYNC_SECONDS)
        calendar.save()
    return {"unchanged": found is None, **counts}


def _failed(calendar: Calendar, error: str, *, at: datetime) -> None:
    """The calendar keeps its last good state, says why, and is tried again later."""
    calendar.failures += 1
    calendar.error = error[:500]
    calendar.synced_at = at
    calendar.next_sync_at = at + min(timedelta(minutes=2 ** min(calendar.failures, 10)), LONGEST_WAIT)
    Calendar.objects.filter(pk=calendar.pk).update(
        failures=calendar.failures, error=calendar.error, synced_at=at, next_sync_at=calendar.next_sync_at
    )


def _reason_words() -> dict[str, str]:
    return parse_reason_words(getattr(settings, "VAXEL_CALENDAR_REASON_WORDS", ""))


def _apply(calendar: Calendar, found: list[Occurrence], *, start: datetime, at: datetime) -> dict[str, int]:
    existing = {(e.uid, e.starts_at): e for e in calendar.events.select_related("absence")}
    counts = {"created": 0, "changed": 0, "removed": 0}
    new_conflicts: list[CalendarEvent] = []
    seen = set()
    for occurrence in found:
        key = (occurrence.uid, occurrence.starts_at)
        seen.add(key)
        event = existing.get(key)
        is_new = event is None
        if event is None:
            event = CalendarEvent(calendar=calendar, uid=occurrence.uid[:500], starts_at=occurrence.starts_at)
        changed = is_new or (event.ends_at, event.busy, event.reason) != (
            occurrence.ends_at,
            occurrence.busy,
            occurrence.reason,
        )
        described = (event.all_day, event.private, event.title) != (
            occurrence.all_day,
            occurrence.private,
            occurrence.title,
        )
        event.ends_at, event.all_day, event.busy = occurrence.ends_at, occurrence.all_day, occurrence.busy
        event.private, event.title, event.reason = occurrence.private, occurrence.title, occurrence.reason
        diverts = event.busy and not event.disabled
        if changed:
            # What a person did by hand ("I am back") to an unchanged event stands.
            if event.absence is not None:
                calendar_absence_remove(event.absence)
                event.absence = None
            if diverts:
                event.absence = _absence_for(event)
            counts["created" if is_new else "changed"] += 1
        if changed or described:
            event.save()
        if diverts and not event.conflict_notified and event.ends_at > at:
            new_conflicts.append(event)
    for key, event in existing.items():
        if key not in seen and event.ends_at > start:
            if event.absence is not None:
                calendar_absence_remove(event.absence)
            event.delete()
            counts["removed"] += 1
    person = calendar.person
    if any(counts.values()):
        change_record(
            actor=None,
            entity="calendar",
            entity_id=calendar.pk,
            action=ChangeAction.UPDATED,
            unit=person.unit,
            summary=_("Calendar of %(name)s: %(created)d new, %(changed)d changed, %(removed)d removed")
            % {"name": person.name, **counts},
        )
    _notify_conflicts(person, new_conflicts)
    return counts


def _notify_conflicts(person: Person, events: list[CalendarEvent]) -> None:
    """E7: tell the employee, once per event, of a meeting placed in telephone hours."""
    hits = []
    hours = unit_telephone_hours(person.unit_id) if events else None
    for event in events:
        conflicts = telephone_hours_conflicts(
            person=person, reason=event.reason, starts_at=event.starts_at, ends_at=event.ends_at, hours=hours
        )
        if conflicts:
            hits.append((event, telephone_hours_text(person, conflicts, hours=hours)))
    # Checked: told now, or nothing to tell.
    CalendarEvent.objects.filter(pk__in=[e.pk for e in events]).update(conflict_notified=True)
    if not hits:
        return
    context = {
        "person": person,
        "items": [{"event": e, "when": local(e.starts_at), "warning": w} for e, w in hits],
        "link": f"{settings.VAXEL_BASE_URL}/min-sida/kalender/",
    }
    outbox_add(
        recipients=[person.email],
        subject=_("Your calendar: %(count)d in the telephone hours (E7)") % {"count": len(hits)},
        text=render_to_string("calendars/email_conflict.txt", context),
    )


def calendars_sync_due(*, at: datetime | None = None, limit: int = 2000) -> int:
    """Synchronise every calendar that is due (the periodic job). Returns how many. A
    calendar that fails in a way nobody foresaw is that calendar's problem only: it is
    marked failed and backs off, and the others are read as usual."""
    at = at or now()
    due = list(Calendar.objects.filter(next_sync_at__lte=at).select_related("person__unit")[:limit])
    for calendar in due:
        try:
            calendar_sync(calendar, at=at)
        except Exception:
            logger.exception("Calendar %s failed to sync", calendar.pk)
            _failed(calendar, _("The calendar could not be read; Växel tries again later."), at=at)
    return len(due)
