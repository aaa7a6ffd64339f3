"""Routing reads for the CLI and, later, the API."""

from datetime import datetime
from typing import Any

from vaxel.availability.constants import activity_for
from vaxel.availability.schedule import current_interval, next_opening
from vaxel.availability.selectors import absences_merged, opening_hours_get
from vaxel.core.time import iso
from vaxel.directory.selectors import organisation_get, person_get
from vaxel.routing import announcements
from vaxel.routing.engine import decide
from vaxel.routing.snapshot import snapshot_build
from vaxel.routing.values import RouteDecision


def route_now(*, called: str, calling: str | None, at: datetime) -> RouteDecision:
    return decide(snapshot_build(since=at), called=called, calling=calling, at=at)


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


def absence_overview(*, email: str, at: datetime) -> dict[str, Any]:
    """E3: a person's current and coming absences, merged, with what a caller hears."""
    person = person_get(email)
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
