"""Writes to the directory (E1, S3, C1). Each validates everything before it writes."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.references import reference
from vaxel.audit.services import change_record
from vaxel.core import events, phone
from vaxel.core.text import one_line
from vaxel.core.time import now
from vaxel.directory.errors import (
    AlreadyInactive,
    ConsentNotTheOwners,
    EmptyName,
    Inactive,
    InvalidEmail,
    InvalidTransferRing,
    MobileConsentMissing,
    NoMobile,
    NumberNotFound,
    NumbersTheSame,
    NumberTaken,
    PersonExists,
    UnitExists,
)
from vaxel.directory.models import (
    ConsentSource,
    Keyword,
    NumberGroup,
    NumberKind,
    Organisation,
    Person,
    PhoneNumber,
    Unit,
)
from vaxel.directory.selectors import people_get, person_get, unit_get


@transaction.atomic
def organisation_set(
    *, name: str | None = None, switchboard_number: str | None = None, actor=None
) -> Organisation:
    organisation = Organisation.objects.select_for_update().first() or Organisation(name="")
    if name is not None:
        name = one_line(name, field=_("The organisation's name"), longest=200)
        if not name:
            raise EmptyName(_("The organisation's name cannot be empty."))
        organisation.name = name
    if switchboard_number is not None:
        e164 = phone.normalise(switchboard_number, field=_("switchboard number"))
        if e164 != organisation.switchboard_number:
            _ensure_number_free(e164)
        organisation.switchboard_number = e164
    if not organisation.name:
        raise EmptyName(_("The organisation has no name yet; give one with --name."))
    before = _organisation_facts(organisation) if organisation.pk else None
    organisation.save()
    change_record(
        actor=actor,
        entity="organisation",
        entity_id=organisation.pk,
        action=ChangeAction.UPDATED if before else ChangeAction.CREATED,
        summary=_("Organisation: %(name)s") % {"name": organisation.name},
        before=before,
        after=_organisation_facts(organisation),
    )
    return organisation


def _organisation_facts(organisation: Organisation) -> dict:
    return {"name": organisation.name, "switchboard_number": organisation.switchboard_number}


def person_facts(person: Person, numbers: Mapping[str, PhoneNumber] | None = None) -> dict:
    """What the change log keeps of a person; a mobile only by reference, so its digits
    are shown from the log only while its owner consents (S3). `numbers` by kind, when
    the caller has read them already (a sync of thousands reads them once)."""
    if numbers is None:
        numbers = {n.kind: n for n in person.numbers.all()}
    mobile = numbers.get(NumberKind.MOBILE)
    return {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "unit": person.unit.name,
        "active": person.active,
        "direct_number": numbers[NumberKind.DIRECT].e164 if NumberKind.DIRECT in numbers else None,
        "mobile": reference(mobile, mobile.e164) if mobile else None,
    }


def parse_keywords(text: str | None) -> list[str]:
    return list(dict.fromkeys(w.strip().lower() for w in (text or "").split(",") if w.strip()))


@transaction.atomic
def unit_add(
    *,
    name: str,
    parent: str | None = None,
    keywords: list[str] | None = None,
    actor=None,
) -> Unit:
    name = one_line(name, field=_("The unit's name"), longest=200)
    if not name:
        raise EmptyName(_("A unit needs a name."))
    if Unit.objects.filter(name__iexact=name).exists():
        raise UnitExists(
            _("A unit called %(name)r already exists.") % {"name": name},
            details={"unit": name},
        )
    parent_unit = unit_get(parent) if parent else None
    unit = Unit.objects.create(name=name, parent=parent_unit)
    Keyword.objects.bulk_create([Keyword(unit=unit, word=w) for w in keywords or []])
    change_record(
        actor=actor,
        entity="unit",
        entity_id=unit.pk,
        action=ChangeAction.CREATED,
        unit=unit,
        summary=_("New unit %(name)s") % {"name": unit.name},
        after={
            "name": unit.name,
            "parent": parent_unit.name if parent_unit else None,
            "keywords": keywords or [],
        },
    )
    return unit


@transaction.atomic
def person_add(
    *,
    name: str,
    email: str,
    unit: str,
    title: str = "",
    direct_number: str | None = None,
    mobile: str | None = None,
    mobile_consent: bool | None = None,
    consent_record: str = "",
    manager: bool = False,
    actor=None,
) -> Person:
    name = one_line(name, field=_("The name"), longest=200)
    email = one_line(email, field=_("The e-mail address"), longest=254).lower()
    title = one_line(title, field=_("The title"), longest=200)
    if not name:
        raise EmptyName(_("A person needs a name."))
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidEmail(_("%(email)r is not an e-mail address.") % {"email": email}) from None
    if Person.objects.filter(email__iexact=email).exists():
        raise PersonExists(
            _("Somebody with the e-mail address %(email)r already exists.") % {"email": email},
            details={"email": email},
        )
    if mobile and mobile_consent is None:
        raise MobileConsentMissing(
            _("Say whether the mobile may be given to callers: --mobile-consent yes or no (S3)."),
        )
    home = unit_get(unit)
    direct_e164 = phone.normalise(direct_number, field=_("direct number")) if direct_number else None
    mobile_e164 = phone.normalise(mobile, field=_("mobile")) if mobile else None
    if direct_e164 and direct_e164 == mobile_e164:
        raise NumbersTheSame(_("The direct number and the mobile cannot be the same number."))
    for e164 in filter(None, (direct_e164, mobile_e164)):
        _ensure_number_free(e164)
    consent_record = _written_consent(bool(mobile and mobile_consent), consent_record)
    person = Person.objects.create(name=name, email=email, title=title, unit=home)
    if direct_e164:
        PhoneNumber.objects.create(e164=direct_e164, kind=NumberKind.DIRECT, person=person)
    if mobile_e164:
        PhoneNumber.objects.create(
            e164=mobile_e164,
            kind=NumberKind.MOBILE,
            person=person,
            disclosure_consent=bool(mobile_consent),
            consent_changed_at=now(),
            consent_source=ConsentSource.WRITTEN if mobile_consent else "",
            consent_recorded_by=actor if mobile_consent and actor is not None and actor.pk else None,
            consent_record=consent_record,
        )
    if manager:
        home.managers.add(person)
    change_record(
        actor=actor,
        entity="person",
        entity_id=person.pk,
        action=ChangeAction.CREATED,
        unit=home,
        summary=_("New in %(unit)s: %(name)s") % {"unit": home.name, "name": person.name},
        after=person_facts(person),
    )
    return person


@transaction.atomic
def shared_number_add(
    *, number: str, unit: str, members: list[str], name: str | None = None, actor=None
) -> NumberGroup:
    e164 = phone.normalise(number, field=_("shared number"))
    owner_unit = unit_get(unit)
    people = people_get(members)
    _ensure_number_free(e164)
    group = NumberGroup.objects.create(
        name=(name or "").strip() or owner_unit.name,
        unit=owner_unit,
        responsible=owner_unit.managers.order_by("name").first(),
    )
    group.members.set(people)
    PhoneNumber.objects.create(e164=e164, kind=NumberKind.SHARED, group=group)
    change_record(
        actor=actor,
        entity="shared_number",
        entity_id=group.pk,
        action=ChangeAction.CREATED,
        unit=owner_unit,
        summary=_("New shared number %(number)s: %(name)s")
        % {"number": phone.display(e164), "name": group.name},
        after={"number": e164, "name": group.name, "members": sorted(p.email for p in people)},
    )
    return group


TRANSFER_RING_RANGE = (5, 120)


@transaction.atomic
def transfer_ring_set(*, seconds: int | None, unit: str = "", shared_number: str = "", actor=None) -> str:
    """How long a call put through to a unit's people, or to a shared number, rings
    before it comes back to the switchboard (a recall); None: the default again. Returns
    what was set, for the change log and the command line."""
    low, high = TRANSFER_RING_RANGE
    if seconds is not None and not low <= seconds <= high:
        raise InvalidTransferRing(
            _("Give between %(low)s and %(high)s seconds.") % {"low": low, "high": high}
        )
    if shared_number:
        e164 = phone.normalise(shared_number, field=_("shared number"))
        found = PhoneNumber.objects.filter(e164=e164, kind=NumberKind.SHARED).select_related("group").first()
        if found is None or found.group is None:
            raise NumberNotFound(_("%(number)s is not a shared number.") % {"number": phone.display(e164)})
        holder: Unit | NumberGroup = found.group
        owner_unit, entity, name = found.group.unit, "shared_number", found.group.name
    else:
        holder = owner_unit = unit_get(unit)
        entity, name = "unit", owner_unit.name
    before = holder.transfer_ring_seconds
    holder.transfer_ring_seconds = seconds
    holder.save(update_fields=["transfer_ring_seconds"])
    change_record(
        actor=actor,
        entity=entity,
        entity_id=holder.pk,
        action=ChangeAction.UPDATED,
        unit=owner_unit,
        summary=_("Calls put through to %(name)s ring %(seconds)s s before they come back")
        % {"name": name, "seconds": seconds or _("the default")},
        before={"transfer_ring_seconds": before},
        after={"transfer_ring_seconds": seconds},
    )
    return name


def _ensure_number_free(e164: str) -> None:
    """E1: a number has one owner; the switchboard number belongs to nobody else."""
    owner = PhoneNumber.objects.filter(e164=e164).select_related("person", "group").first()
    taken_by_switchboard = Organisation.objects.filter(switchboard_number=e164).exists()
    if owner or taken_by_switchboard:
        holder = _("the switchboard") if taken_by_switchboard else str(owner.person or owner.group)  # type: ignore[union-attr]
        shown = phone.display(e164) if (owner is None or owner.is_public) else _("that number")
        raise NumberTaken(
            _("%(number)s already belongs to %(holder)s; a number can have only one owner (E1).")
            % {"number": shown, "holder": holder},
        )


@transaction.atomic
def person_deactivate(*, email: str, actor=None, source: str = "") -> Person:
    """E1: someone leaves. Their login stops working, they leave their shared-number
    groups, calls to their direct number go to the switchboard (the routing decision
    flags number_owner_left), and the unit's managers are asked to reassign the number
    (by whoever listens to PERSON_LEFT: messaging e-mails them)."""
    person = person_get(email)
    if not person.active:
        raise AlreadyInactive(_("%(name)s has already left.") % {"name": person.name})
    before = person_facts(person)
    person.active = False
    person.save(update_fields=["active"])
    if person.user_id:
        get_user_model().objects.filter(pk=person.user_id).update(is_active=False)
    person.number_groups.clear()
    direct = person.numbers.filter(kind=NumberKind.DIRECT).first()
    change_record(
        actor=actor,
        entity="person",
        entity_id=person.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=_("%(name)s has left %(unit)s") % {"name": person.name, "unit": person.unit.name},
        before=before,
        after=person_facts(person),
        source=source,
    )
    events.publish(events.PERSON_LEFT, person=person, direct_number=direct.e164 if direct else None)
    return person


@transaction.atomic
def number_reassign(*, number: str, to: str, actor=None) -> PhoneNumber:
    """E1: give a direct number to another (active) person who has none."""
    e164 = phone.normalise(number)
    owned = PhoneNumber.objects.select_related("person").filter(e164=e164, kind=NumberKind.DIRECT).first()
    if owned is None:
        raise NumberNotFound(
            _("%(number)s is not anybody's direct number.") % {"number": phone.display(e164)},
        )
    receiver = person_get(to)
    if not receiver.active:
        raise Inactive(_("%(name)s has left; choose someone active.") % {"name": receiver.name})
    if receiver.numbers.filter(kind=NumberKind.DIRECT).exists():
        raise NumberTaken(
            _("%(name)s already has a direct number; a person has one.") % {"name": receiver.name},
        )
    previous = owned.person
    owned.person = receiver
    owned.save(update_fields=["person"])
    change_record(
        actor=actor,
        entity="number",
        entity_id=owned.pk,
        action=ChangeAction.UPDATED,
        unit=receiver.unit,
        summary=_("%(number)s moved from %(old)s to %(new)s")
        % {"number": phone.display(e164), "old": previous.name if previous else "-", "new": receiver.name},
        before={"number": e164, "person": previous.email if previous else None},
        after={"number": e164, "person": receiver.email},
    )
    return owned


def _written_consent(consent: bool, record: str) -> str:
    """S3: someone other than the owner may say yes only with the owner's written consent
    on record, and says what that record is."""
    record = one_line(record, field=_("The written consent"), longest=300)
    if consent and not record:
        raise ConsentNotTheOwners(
            _(
                "Only the owner gives consent to give out a mobile (S3): they do it on Min sida, "
                "or you record their written consent, e.g. --consent-record 'signed form 2026-12-01'."
            ),
        )
    return record if consent else ""


@transaction.atomic
def mobile_consent_set(*, person: Person, consent: bool, actor=None, record: str = "") -> PhoneNumber:
    """S3: may the person's mobile be given to callers. Consent is the owner's: given by
    themselves (`actor` is their own login), or a written consent of theirs recorded by
    someone else (`record` says what it is). Anyone may make a mobile private. Who, how
    and when is kept."""
    mobile = person.numbers.filter(kind=NumberKind.MOBILE).first()
    if mobile is None:
        raise NoMobile(_("%(name)s has no mobile number.") % {"name": person.name})
    own = actor is not None and actor.pk is not None and actor.pk == person.user_id
    written = "" if own else _written_consent(consent, record)
    mobile.disclosure_consent = consent
    mobile.consent_changed_at = now()
    mobile.consent_source = "" if not consent else ConsentSource.SELF if own else ConsentSource.WRITTEN
    mobile.consent_recorded_by = actor if actor is not None and actor.pk else None
    mobile.consent_record = written
    mobile.save(
        update_fields=[
            "disclosure_consent",
            "consent_changed_at",
            "consent_source",
            "consent_recorded_by",
            "consent_record",
        ]
    )
    change_record(
        actor=actor,
        entity="number",
        entity_id=mobile.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=(
            _("%(name)s lets the switchboard give out the mobile")
            if consent
            else _("%(name)s keeps the mobile private")
        )
        % {"name": person.name},
        after={**person_facts(person), "consent": mobile.consent_source or "none"},
    )
    return mobile


@transaction.atomic
def unit_keywords_set(*, unit: Unit, keywords: list[str], actor=None) -> Unit:
    """C1: the services a unit handles, as callers name them, for the switchboard's search."""
    before = sorted(unit.keywords.values_list("word", flat=True))
    unit.keywords.all().delete()
    Keyword.objects.bulk_create([Keyword(unit=unit, word=w[:100]) for w in keywords])
    change_record(
        actor=actor,
        entity="unit",
        entity_id=unit.pk,
        action=ChangeAction.UPDATED,
        unit=unit,
        summary=_("Keywords of %(unit)s: %(words)s")
        % {"unit": unit.name, "words": ", ".join(keywords) or "-"},
        before={"keywords": before},
        after={"keywords": keywords},
    )
    return unit


@transaction.atomic
def mobile_number_set(
    *, person: Person, number: str | None, actor=None, source: str = ""
) -> PhoneNumber | None:
    """A person's mobile in the directory becomes `number` (E.164), or none. A new number
    starts without consent (S3: consent is the owner's, for that number); the same
    number keeps what its owner said. E1: a number another owns is refused."""
    current = person.numbers.filter(kind=NumberKind.MOBILE).first()
    if current is not None and current.e164 == number:
        return current
    before = person_facts(person)
    if current is not None:
        current.delete()
    mobile = None
    if number is not None:
        _ensure_number_free(number)
        mobile = PhoneNumber.objects.create(
            e164=number, kind=NumberKind.MOBILE, person=person, consent_changed_at=now()
        )
    change_record(
        actor=actor,
        entity="person",
        entity_id=person.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=(_("%(name)s has a new mobile") if mobile else _("%(name)s has no mobile any more"))
        % {"name": person.name},
        before=before,
        after=person_facts(person),
        source=source,
    )
    return mobile
