"""What the operator console shows: search hits with availability, a unit at a glance
(S2), the switchboard's state (S1, S4) and the change feed (C1)."""

from datetime import datetime
from typing import Any

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
from vaxel.core.phone import display
from vaxel.directory.models import NumberGroup, Unit
from vaxel.directory.selectors import organisation_get, people_query, search_directory, unit_paths

FEED_LENGTH = 30


def _labelled(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The absence reason in the operator's language beside its code."""
    for card in cards:
        if card["absence"] and card["absence"]["reason"]:
            card["absence"]["reason_label"] = AbsenceReason(card["absence"]["reason"]).label
    return cards


def _shared_numbers(unit_ids: set[int]) -> dict[int, list[dict[str, Any]]]:

    result: dict[int, list[dict[str, Any]]] = {}
    for group in NumberGroup.objects.filter(unit_id__in=unit_ids).select_related("number").order_by("name"):
        number = getattr(group, "number", None)
        if number is not None:
            result.setdefault(group.unit_id, []).append(
                {"id": number.pk, "name": group.name, "display": display(number.e164)}
            )
    return result


def _unit_rows(units: list[Unit], at: datetime) -> list[dict[str, Any]]:
    ids = {u.pk for u in units}
    paths = unit_paths()
    in_hours = telephone_hours_now(ids, at)
    shared = _shared_numbers(ids)
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
