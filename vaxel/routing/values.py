"""Plain values the routing engine works on and returns. No ORM, no HTTP."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from vaxel.availability.merging import MergedAbsence
from vaxel.availability.schedule import Schedule
from vaxel.core.phone import display
from vaxel.core.time import iso


@dataclass(frozen=True)
class PersonEntry:
    id: int
    name: str
    unit_id: int
    direct: str | None
    active: bool = True
    # The mobile's digits only when the owner consented (S3); otherwise None.
    public_mobile: str | None = None
    # The mobile rung when the person has no direct number (any consent: only the PBX
    # sees its digits, S3); None when there is none or it is out of service (W1: lost).
    mobile: str | None = None
    mobile_public: bool = False
    absences: tuple[MergedAbsence, ...] = ()


@dataclass(frozen=True)
class GroupEntry:
    id: int
    name: str
    number: str
    unit_id: int
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class UnitEntry:
    id: int
    name: str


class OwnerKind(StrEnum):
    PERSON = "person"
    GROUP = "group"


@dataclass(frozen=True)
class NumberOwner:
    kind: OwnerKind
    id: int
    # False for a mobile without consent: it identifies a caller, but is never shown.
    public: bool = True
    # False for a work mobile reported lost or stolen (W1): no call goes to it.
    in_service: bool = True


@dataclass(frozen=True)
class Snapshot:
    organisation: str
    switchboard: str | None
    opening_hours: Schedule
    persons: Mapping[int, PersonEntry] = field(default_factory=dict)
    groups: Mapping[int, GroupEntry] = field(default_factory=dict)
    units: Mapping[int, UnitEntry] = field(default_factory=dict)
    numbers: Mapping[str, NumberOwner] = field(default_factory=dict)


class Action(StrEnum):
    QUEUE = "queue"  # wait at the switchboard for an operator
    CONNECT = "connect"  # ring the destinations (several: a shared number's members)
    DIVERT = "divert"  # the called person is absent: say why, then go to the destinations
    ANNOUNCE = "announce"  # play the announcement and end (switchboard closed)
    VOICEMAIL = "voicemail"  # leave a message in the destination's voicemail


class DestinationKind(StrEnum):
    PERSON = "person"
    SWITCHBOARD = "switchboard"
    VOICEMAIL = "voicemail"


@dataclass(frozen=True)
class Destination:
    kind: DestinationKind
    number: str | None
    name: str = ""
    person_id: int | None = None
    # A mobile without its owner's consent: rung by the PBX, its digits shown to nobody (S3).
    private: bool = False

    def as_dict(self) -> dict[str, Any]:
        shown = None if self.private else self.number
        return {
            "kind": self.kind.value,
            "number": shown,
            "display": display(shown),
            "name": self.name,
            "person_id": self.person_id,
        }


@dataclass(frozen=True)
class AbsenceInfo:
    reason: str
    reasons: tuple[str, ...]
    activity: str  # RFC 4480
    since: datetime
    back_at: datetime | None  # None: until further notice


@dataclass(frozen=True)
class RouteDecision:
    """Where one call goes now, and what the caller hears."""

    action: Action
    called: str | None  # None when it is a mobile whose owner has not consented (S3)
    calling: str | None
    at: datetime
    called_kind: str  # switchboard | person | shared | unknown
    destinations: tuple[Destination, ...] = ()
    announcement: str = ""
    greeting: str = ""
    called_name: str = ""
    absence: AbsenceInfo | None = None
    next_opening: datetime | None = None
    internal: bool = False  # the caller is one of the organisation's own numbers (E8)
    caller_name: str = ""
    caller_unit: str = ""
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        absence = self.absence
        return {
            "action": self.action.value,
            "called": self.called,
            "called_kind": self.called_kind,
            "called_name": self.called_name,
            "calling": self.calling,
            "at": iso(self.at),
            "destinations": [d.as_dict() for d in self.destinations],
            "announcement": self.announcement,
            "greeting": self.greeting,
            "absence": None
            if absence is None
            else {
                "reason": absence.reason,
                "reasons": list(absence.reasons),
                "activity": absence.activity,
                "since": iso(absence.since),
                "back_at": iso(absence.back_at),
            },
            "next_opening": iso(self.next_opening),
            "internal": self.internal,
            "caller_name": self.caller_name,
            "caller_unit": self.caller_unit,
            "flags": list(self.flags),
        }
