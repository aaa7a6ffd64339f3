"""Where does this call go, right now, and what is the caller told?

A pure function over a Snapshot (routing.values): no database, no clock, no HTTP.
The PBX endpoint and the CLI only translate its RouteDecision.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from vaxel.availability import announcements
from vaxel.availability.constants import DivertTo, activity_for
from vaxel.availability.merging import MergedAbsence, absence_at
from vaxel.availability.schedule import is_open, next_opening
from vaxel.core.phone import lookup_key
from vaxel.routing.values import (
    AbsenceInfo,
    Action,
    Destination,
    DestinationKind,
    GroupEntry,
    OwnerKind,
    PersonEntry,
    RouteDecision,
    Snapshot,
)


def decide(snapshot: Snapshot, *, called: str, calling: str | None, at: datetime) -> RouteDecision:
    called_key = lookup_key(called)
    calling_key = lookup_key(calling)
    caller = snapshot.numbers.get(calling_key) if calling_key else None
    owner = snapshot.numbers.get(called_key) if called_key else None
    base = RouteDecision(
        action=Action.QUEUE,
        # S3: neither a dialled nor a calling unconsented mobile is passed on.
        called=None if owner is not None and not owner.public else (called_key or called),
        at=at,
        called_kind="unknown",
        calling=calling_key if caller is None or caller.public else None,
        internal=caller is not None,
        **_caller_fields(snapshot, caller),
    )
    if called_key is not None and called_key == snapshot.switchboard:
        flags = ("internal_call_to_switchboard",) if caller else ()  # E8
        return _switchboard(snapshot, replace(base, called_kind="switchboard", flags=flags))
    if owner is not None and owner.kind is OwnerKind.PERSON:
        person = snapshot.persons[owner.id]
        if not owner.in_service and person.active:
            return _out_of_service(
                snapshot, person, replace(base, called_kind="person", called_name=person.name)
            )
        return _person(snapshot, person, replace(base, called_kind="person"))
    if owner is not None and owner.kind is OwnerKind.GROUP:
        return _group(snapshot, snapshot.groups[owner.id], replace(base, called_kind="shared"))
    return _switchboard(snapshot, replace(base, flags=("unknown_number",)))


def _caller_fields(snapshot: Snapshot, caller) -> dict[str, Any]:
    if caller is None:
        return {}
    entry = (snapshot.persons if caller.kind is OwnerKind.PERSON else snapshot.groups).get(caller.id)
    if entry is None:
        return {}
    unit = snapshot.units.get(entry.unit_id)
    return {"caller_name": entry.name, "caller_unit": unit.name if unit else ""}


def _switchboard(snapshot: Snapshot, decision: RouteDecision) -> RouteDecision:
    """S1 while open (queue with the greeting), S4 while closed (announce the next opening)."""
    at = decision.at
    if is_open(snapshot.opening_hours, at):
        text = announcements.greeting(snapshot.organisation)
        return replace(
            decision,
            action=Action.QUEUE,
            greeting=text,
            announcement=text,
            destinations=(Destination(DestinationKind.SWITCHBOARD, snapshot.switchboard),),
        )
    opening = next_opening(snapshot.opening_hours, at)
    return replace(
        decision,
        action=Action.ANNOUNCE,
        next_opening=opening,
        announcement=announcements.switchboard_closed(snapshot.organisation, next_opening=opening, now=at),
        flags=(*decision.flags, "switchboard_closed"),
    )


def _available(person: PersonEntry | None, at: datetime) -> bool:
    return person is not None and person.active and absence_at(person.absences, at) is None


def _ring(person: PersonEntry) -> Destination | None:
    """Where a person is rung: their direct number, else their mobile while it is in
    service (a work mobile reported lost is skipped, W1); None when neither."""
    if person.direct:
        return Destination(DestinationKind.PERSON, person.direct, person.name, person.id)
    if person.mobile:
        return Destination(
            DestinationKind.PERSON, person.mobile, person.name, person.id, private=not person.mobile_public
        )
    return None


def _out_of_service(snapshot: Snapshot, person: PersonEntry, decision: RouteDecision) -> RouteDecision:
    """W1: the number called is a work mobile reported lost or stolen. No call goes to
    it: to the switchboard while it is open, else to the person's voicemail."""
    decision = replace(decision, flags=(*decision.flags, "mobile_out_of_service"))
    if is_open(snapshot.opening_hours, decision.at):
        return replace(
            decision,
            action=Action.QUEUE,
            destinations=(Destination(DestinationKind.SWITCHBOARD, snapshot.switchboard),),
        )
    return replace(
        decision,
        action=Action.VOICEMAIL,
        next_opening=next_opening(snapshot.opening_hours, decision.at),
        destinations=(Destination(DestinationKind.VOICEMAIL, person.direct, person.name, person.id),),
    )


def _person(snapshot: Snapshot, person: PersonEntry, decision: RouteDecision) -> RouteDecision:
    decision = replace(decision, called_name=person.name)
    if not person.active:  # E1: the owner has left; the number is not orphaned
        return _switchboard(snapshot, replace(decision, flags=("number_owner_left",)))
    absence = absence_at(person.absences, decision.at)
    ring = _ring(person) or Destination(DestinationKind.PERSON, decision.called, person.name, person.id)
    if absence is None:
        return replace(decision, action=Action.CONNECT, destinations=(ring,))
    return _divert(snapshot, person, absence, person.direct or decision.called, decision)


def _divert(
    snapshot: Snapshot,
    person: PersonEntry,
    absence: MergedAbsence,
    own_number: str | None,
    decision: RouteDecision,
) -> RouteDecision:
    """E3: say why and until when (the end of the whole merged absence), then divert."""
    at = decision.at
    part = absence.part_at(at)
    decision = replace(
        decision,
        action=Action.DIVERT,
        absence=AbsenceInfo(
            reason=part.reason,
            reasons=absence.reasons,
            activity=activity_for(part.reason),
            since=absence.starts_at,
            back_at=absence.ends_at,
        ),
        announcement=announcements.person_absent(
            person.name, reason=part.reason, back_at=absence.ends_at, now=at
        ),
    )
    voicemail = Destination(DestinationKind.VOICEMAIL, own_number, person.name, person.id)
    colleague = snapshot.persons.get(part.divert_colleague_id) if part.divert_colleague_id else None
    reach = _ring(colleague) if colleague is not None and _available(colleague, at) else None
    target: Destination
    if part.divert_to == DivertTo.COLLEAGUE and reach is not None:
        target = reach
    elif part.divert_to == DivertTo.VOICEMAIL or not is_open(snapshot.opening_hours, at):
        target = voicemail
    else:
        target = Destination(DestinationKind.SWITCHBOARD, snapshot.switchboard)
    return replace(decision, destinations=(target,))


def _group(snapshot: Snapshot, group: GroupEntry, decision: RouteDecision) -> RouteDecision:
    """A shared number rings its members who are available now; absences are each
    member's own and are never merged across the group (E3's exception)."""
    at = decision.at
    decision = replace(decision, called_name=group.name)
    members = [snapshot.persons.get(member_id) for member_id in group.member_ids]
    ringing = tuple(
        ring for m in members if m is not None and _available(m, at) and (ring := _ring(m)) is not None
    )
    if ringing:
        return replace(decision, action=Action.CONNECT, destinations=ringing)
    flags = ("no_member_available",)
    text = announcements.group_unavailable(group.name)
    if is_open(snapshot.opening_hours, at):
        return replace(
            decision,
            action=Action.QUEUE,
            flags=flags,
            announcement=text,
            destinations=(Destination(DestinationKind.SWITCHBOARD, snapshot.switchboard),),
        )
    return replace(
        decision,
        action=Action.VOICEMAIL,
        flags=flags,
        announcement=text,
        next_opening=next_opening(snapshot.opening_hours, at),
        destinations=(Destination(DestinationKind.VOICEMAIL, group.number, group.name),),
    )
