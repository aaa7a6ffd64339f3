"""The ORM edge of routing: everything the engine needs, loaded once into plain values."""

from collections import defaultdict
from datetime import datetime

from vaxel.availability.merging import AbsencePart, merge_absences
from vaxel.availability.selectors import absence_part, absences_relevant, opening_hours_get
from vaxel.directory.models import NumberGroup, NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.routing.out_of_service import numbers_out_of_service
from vaxel.routing.values import GroupEntry, NumberOwner, OwnerKind, PersonEntry, Snapshot, UnitEntry


def snapshot_build(*, since: datetime) -> Snapshot:
    """A Snapshot holding absences that still matter at `since`. A handful of queries,
    whatever the directory's size."""
    organisation = Organisation.objects.first()
    parts: dict[int, list[AbsencePart]] = defaultdict(list)
    for absence in absences_relevant(since).order_by("starts_at", "pk"):
        parts[absence.person_id].append(absence_part(absence))

    numbers: dict[str, NumberOwner] = {}
    direct: dict[int, str] = {}
    public_mobile: dict[int, str] = {}
    mobile: dict[int, tuple[str, bool]] = {}
    group_number: dict[int, str] = {}
    out_of_service = numbers_out_of_service()
    for number in PhoneNumber.objects.all():
        if number.kind == NumberKind.SHARED:
            numbers[number.e164] = NumberOwner(OwnerKind.GROUP, number.group_id)  # type: ignore[arg-type]
            group_number[number.group_id] = number.e164  # type: ignore[index]
            continue
        in_service = number.e164 not in out_of_service
        numbers[number.e164] = NumberOwner(OwnerKind.PERSON, number.person_id, number.is_public, in_service)  # type: ignore[arg-type]
        if number.kind == NumberKind.DIRECT:
            direct[number.person_id] = number.e164  # type: ignore[index]
            continue
        if in_service:
            mobile[number.person_id] = (number.e164, number.is_public)  # type: ignore[index]
        if number.is_public:
            public_mobile[number.person_id] = number.e164  # type: ignore[index]

    persons = {
        p.id: PersonEntry(
            id=p.id,
            name=p.name,
            unit_id=p.unit_id,
            direct=direct.get(p.id),
            active=p.active,
            public_mobile=public_mobile.get(p.id),
            mobile=mobile[p.id][0] if p.id in mobile else None,
            mobile_public=mobile[p.id][1] if p.id in mobile else False,
            absences=tuple(merge_absences(parts.get(p.id, ()))),
        )
        for p in Person.objects.only("id", "name", "unit_id", "active")
    }
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, person_id in NumberGroup.members.through.objects.values_list("numbergroup_id", "person_id"):
        members[group_id].append(person_id)
    groups = {
        g.id: GroupEntry(
            id=g.id,
            name=g.name,
            number=group_number.get(g.id, ""),
            unit_id=g.unit_id,
            member_ids=tuple(sorted(members[g.id])),
        )
        for g in NumberGroup.objects.all()
    }
    return Snapshot(
        organisation=organisation.name if organisation else "",
        switchboard=(organisation.switchboard_number or None) if organisation else None,
        opening_hours=opening_hours_get(),
        persons=persons,
        groups=groups,
        units={u.id: UnitEntry(u.id, u.name) for u in Unit.objects.only("id", "name")},
        numbers=numbers,
    )
