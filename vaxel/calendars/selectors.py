"""What people see of their calendars: the calendars with their state, the coming
events (a private one without its title) and the E7 conflicts among them."""

from datetime import datetime, timedelta
from typing import Any

from vaxel.availability.selectors import telephone_hours_conflicts, telephone_hours_text, unit_telephone_hours
from vaxel.calendars.models import Calendar, CalendarEvent
from vaxel.directory.models import Person


def calendars_of(person: Person):
    return Calendar.objects.filter(person=person).order_by("created_at")


def calendar_events(person: Person, *, at: datetime, days: int = 14) -> list[dict[str, Any]]:
    """The coming events of a person's calendars, each with the E7 warning when it
    diverts calls inside the unit's telephone hours."""
    events = CalendarEvent.objects.filter(
        calendar__person=person, ends_at__gt=at, starts_at__lt=at + timedelta(days=days)
    ).select_related("calendar")
    hours = unit_telephone_hours(person.unit_id)
    rows = []
    for event in events.order_by("starts_at"):
        conflicts = (
            telephone_hours_conflicts(
                person=person,
                reason=event.reason,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                hours=hours,
            )
            if event.busy and not event.disabled
            else []
        )
        rows.append(
            {
                "event": event,
                "diverts": event.busy and not event.disabled,
                "warning": telephone_hours_text(person, conflicts, hours=hours) if conflicts else "",
            }
        )
    return rows


def unit_calendar_conflicts(unit_id: int, *, at: datetime, days: int = 14) -> list[dict[str, Any]]:
    """E7 for a manager: coming calendar events of the unit's people in its telephone hours."""
    rows = []
    people = Person.objects.filter(unit_id=unit_id, active=True, calendars__isnull=False).distinct()
    for person in people.select_related("unit"):
        rows += [
            dict(row, person=person) for row in calendar_events(person, at=at, days=days) if row["warning"]
        ]
    return sorted(rows, key=lambda r: r["event"].starts_at)


def calendars_all():
    """Every calendar with its owner, as the administrator's list shows them."""
    return Calendar.objects.select_related("person").order_by("person__email", "pk")
