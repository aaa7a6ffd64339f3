"""What the operator console shows: search hits with availability, a unit at a glance
(S2), the switchboard's state (S1, S4), the queue with what is known of its callers
(E8, E4) and the change feed (C1)."""

from datetime import datetime
from typing import Any

from django.db.models import Q

from vaxel.audit.selectors import changes_feed
from vaxel.availability.announcements import greeting
from vaxel.availability.constants import AbsenceReason
from vaxel.availability.schedule import format_weekly
from vaxel.availability.selectors import (
    next_opening_overview,
    people_cards,
    schedule_value,
    telephone_hours_now,
)
from vaxel.console.caller_history import (
    LAST_CALLS,
    OPEN_MESSAGES_READ,
    CallerHistory,
    CallerPerson,
    EarlierCall,
    OpenMessage,
    history_key,
    period_start,
    summarise,
)
from vaxel.core.phone import display
from vaxel.directory.models import NumberGroup, Unit
from vaxel.directory.selectors import organisation_get, people_query, search_directory, unit_paths
from vaxel.messaging.models import Message, MessageStatus
from vaxel.records.constants import RecordKind
from vaxel.records.selectors import rules_current
from vaxel.routing.cache import route_cached
from vaxel.routing.values import Action, DestinationKind
from vaxel.telephony.models import Call
from vaxel.telephony.selectors import queue_cards

FEED_LENGTH = 30


def _labelled(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The absence reason in the operator's language beside its code."""
    for card in cards:
        if card["absence"] and card["absence"]["reason"]:
            card["absence"]["reason_label"] = AbsenceReason(card["absence"]["reason"]).label
    return cards


def _shared_numbers(unit_ids: set[int], at: datetime) -> dict[int, list[dict[str, Any]]]:
    """Each unit's shared numbers, and whether a member would ring now if put through
    (the routing decision, as for a dialled call): the console says so before ringing."""
    result: dict[int, list[dict[str, Any]]] = {}
    for group in NumberGroup.objects.filter(unit_id__in=unit_ids).select_related("number").order_by("name"):
        number = getattr(group, "number", None)
        if number is not None:
            decision = route_cached(called=number.e164, calling=None, at=at)
            ringing = [d for d in decision.destinations if d.kind == DestinationKind.PERSON]
            result.setdefault(group.unit_id, []).append(
                {
                    "id": number.pk,
                    "name": group.name,
                    "display": display(number.e164),
                    "available": decision.action == Action.CONNECT and bool(ringing),
                }
            )
    return result


def _unit_rows(units: list[Unit], at: datetime) -> list[dict[str, Any]]:
    ids = {u.pk for u in units}
    paths = unit_paths()
    in_hours = telephone_hours_now(ids, at)
    shared = _shared_numbers(ids, at)
    rows = []
    for unit in units:
        schedule = getattr(unit, "telephone_hours", None)
        rows.append(
            {
                "id": unit.pk,
                "name": unit.name,
                "path": " › ".join(paths.get(unit.pk, [unit.name])[:-1]),
                "keywords": [k.word for k in unit.keywords.all()],
                "telephone_hours": format_weekly(schedule_value(schedule).weekly) if schedule else "",
                "in_telephone_hours": unit.pk in in_hours,
                "shared_numbers": shared.get(unit.pk, []),
            }
        )
    return rows


def _units(ids) -> list[Unit]:
    return list(
        Unit.objects.filter(pk__in=ids).select_related("telephone_hours").prefetch_related("keywords")
    )


def search_hits(query: str, at: datetime) -> list[dict[str, Any]]:
    """People, units and services for what is typed, best first, each with what the
    operator needs at once: availability and back time (E3), telephone hours (E7),
    numbers (a mobile's digits only with consent, S3) and the answer phrase (E2)."""
    hits = search_directory(query[:100], limit=12)
    people = {p.pk: p for p in people_query().filter(pk__in=[i for k, i, _s in hits if k == "person"])}
    cards = {c["id"]: c for c in _labelled(people_cards(list(people.values()), at))}
    units = {u["id"]: u for u in _unit_rows(_units(i for k, i, _s in hits if k == "unit"), at)}
    results = []
    for kind, pk, _score in hits:
        if kind == "person" and pk in cards:
            results.append({"kind": "person", "person": cards[pk]})
        elif kind == "unit" and pk in units:
            results.append({"kind": "unit", "unit": units[pk]})
    return results


def unit_board(unit_id: int, at: datetime) -> dict[str, Any] | None:
    """S2 at a glance: who in the unit is available now, when the others are back, the
    unit's telephone hours and shared numbers."""
    units = _units([unit_id])
    if not units:
        return None
    people = _labelled(people_cards(list(people_query(unit_id=unit_id).filter(active=True)), at))
    far_future = datetime.max.replace(tzinfo=at.tzinfo)
    people.sort(
        key=lambda c: (
            not c["available"],
            (c["absence"] or {}).get("back_at") or far_future,
            c["name"],
        )
    )
    return {
        "unit": _unit_rows(units, at)[0],
        "people": people,
        "available": sum(1 for c in people if c["available"]),
    }


def switchboard_state(at: datetime) -> dict[str, Any]:
    """S1 and S4: the greeting the operator says, in the organisation's language whatever
    the console is shown in, and whether the switchboard is open."""
    return {**next_opening_overview(at=at), "greeting": greeting(organisation_get().name)}


def feed(*, limit: int = FEED_LENGTH):
    return list(changes_feed()[:limit])


def _kept_days() -> int | None:
    """How long callers' numbers are kept in call records (None: not thinned)."""
    rule = rules_current()[RecordKind.CALLER_NUMBER]
    return rule.days if rule.enabled else None


def caller_history(call_id: int, at: datetime) -> CallerHistory | None:
    """What the switchboard knows of the caller of call `call_id` (see
    `console/caller_history.py`), or None for a withheld number. Besides the call and the
    retention rules, three indexed queries: the earlier calls from the number in the
    period (counted, and the last few), and the open messages from the number or for the
    person (all of them, up to OPEN_MESSAGES_READ, as plain rows: the overdue come first
    however old)."""
    call = Call.objects.select_related("caller_person__unit").filter(pk=call_id).first()
    key = history_key(call.caller) if call else None
    if call is None or key is None:
        return None
    since = period_start(at, kept_days=_kept_days())
    root = call.recall_of_id or call.pk  # a call that came back from a transfer is one call
    earlier = (
        Call.objects.filter(caller=key, arrived_at__gte=since, arrived_at__lte=at, recall_of__isnull=True)
        .exclude(pk=call.pk)
        .exclude(pk=root)
    )
    rows = earlier.select_related("message__person", "message__unit").order_by("-arrived_at")
    person = call.caller_person
    wanted = Q(caller_number=key) | (Q(person_id=person.pk) if person else Q(pk__in=[]))
    # No ORDER BY: the database combines the two indexes (caller_number, person) instead of
    # walking every message by time; the rule orders them.
    open_rows = list(
        Message.objects.filter(wanted)
        .exclude(status=MessageStatus.HANDLED)
        .order_by()
        .values(
            "reference", "kind", "taken_at", "due_at", "urgent", "caller_number", "person__name", "unit__name"
        )[:OPEN_MESSAGES_READ]
    )
    return summarise(
        at=at,
        since=since,
        person=CallerPerson(name=person.name, title=person.title, unit=person.unit.name) if person else None,
        calls_in_period=earlier.count(),
        calls=[
            EarlierCall(
                arrived_at=c.arrived_at,
                state=c.state,
                put_through_name=c.put_through_name,
                message_for=c.message.recipient_name if c.message else "",
            )
            for c in rows[:LAST_CALLS]
        ],
        open_messages=len(open_rows),
        messages=[
            OpenMessage(
                reference=m["reference"],
                kind=m["kind"],
                recipient=m["person__name"] or m["unit__name"] or "",
                taken_at=m["taken_at"],
                due_at=m["due_at"],
                urgent=m["urgent"],
                from_caller=m["caller_number"] == key,
            )
            for m in open_rows
        ],
    )


def queue_board(*, viewer, at: datetime) -> dict[str, Any]:
    """The queue (`telephony.selectors.queue_cards`) with what is known of the callers
    the operator is about to speak to: the viewer's own call, and the call first in the
    queue (the next Alt+A answers). Two histories at most, however long the queue."""
    queue = queue_cards(viewer=viewer)
    for card in (queue["current"], next(iter(queue["waiting"]), None)):
        if card is not None:
            card["history"] = caller_history(card["id"], at)
    return queue
