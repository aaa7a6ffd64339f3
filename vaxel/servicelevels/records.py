"""What one call was, from the events reported about it: pure functions over plain data.

Events may come in any order, more than once, and from more than one reporter (the
PBX, Kamailio, the console); the earliest report of each step counts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from vaxel.availability.schedule import Schedule, is_open
from vaxel.core.time import local

ENDINGS = ("ended", "abandoned", "transferred", "overflowed")


class Event(Protocol):
    kind: str
    at: datetime
    called: str
    calling: str


@dataclass(frozen=True)
class CallFacts:
    arrived_at: datetime
    called: str
    calling: str
    answered_at: datetime | None
    ended_at: datetime | None
    abandoned: bool
    transferred: bool

    @property
    def wait_seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return max(0, round((self.answered_at - self.arrived_at).total_seconds()))

    @property
    def talk_seconds(self) -> int | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))


def call_facts(events: Iterable[Event]) -> CallFacts:
    """A call's facts from its events (at least one). It arrived at its first arrival
    (or, with none reported, its first event); it was abandoned only if never answered;
    it ended at the last end reported after it was answered."""
    ordered = sorted(events, key=lambda e: e.at)
    first: dict[str, Event] = {}
    for event in ordered:
        first.setdefault(event.kind, event)
    arrival = first.get("arrived") or first.get("queued") or ordered[0]
    answered = first.get("answered")
    answered_at = answered.at if answered else None
    endings = [e.at for e in ordered if e.kind in ENDINGS and (answered_at is None or e.at >= answered_at)]
    return CallFacts(
        arrived_at=arrival.at,
        called=next((e.called for e in [arrival, *ordered] if e.called), ""),
        calling=next((e.calling for e in [arrival, *ordered] if e.calling), ""),
        answered_at=answered_at,
        ended_at=endings[-1] if endings else None,
        abandoned=answered is None and "abandoned" in first,
        transferred="transferred" in first,
    )


def arrival_fields(
    arrived_at: datetime, *, opening_hours: Schedule, telephone_hours: Schedule | None
) -> dict[str, object]:
    """The calendar fields a call is counted under: its Stockholm day and hour,
    whether the switchboard was open (S4) and the unit in its telephone hours (E6)."""
    wall = local(arrived_at)
    return {
        "day": wall.date(),
        "hour": wall.hour,
        "open": is_open(opening_hours, arrived_at),
        "telephone_hours": telephone_hours is not None and is_open(telephone_hours, arrived_at),
    }
