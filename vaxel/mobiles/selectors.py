"""Reads of the work-mobile registry (W1), usage (W2) and greetings (W4). A mobile's
digits leave the server only with its holder's consent (S3): what is shown goes through
`number_shown`."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from vaxel.access.roles import Role, managed_unit_ids, roles_of
from vaxel.core import phone
from vaxel.core.errors import Forbidden
from vaxel.core.phone import display
from vaxel.directory.errors import PersonNotFound
from vaxel.directory.models import NumberKind, Person, PhoneNumber
from vaxel.directory.selectors import organisation_get, person_get
from vaxel.mobiles.conduct import conduct_text
from vaxel.mobiles.errors import MobileNotFound
from vaxel.mobiles.greetings import GreetingCheck, greeting_check, greeting_script
from vaxel.mobiles.identifiers import iccid_clean
from vaxel.mobiles.models import Anomaly, Assignment, LossReport, Subscription, UsageRecord, VoicemailGreeting


def _alternative(person: Person) -> tuple[str, list[str]]:
    """The colleague to name in a greeting (the first in the unit with a direct number),
    else the switchboard; and every name that counts as an alternative in the check."""
    organisation = organisation_get()
    colleague = (
        Person.objects.filter(unit_id=person.unit_id, active=True, numbers__kind=NumberKind.DIRECT)
        .exclude(pk=person.pk)
        .order_by("name")
        .first()
    )
    if colleague is not None:
        number = colleague.numbers.filter(kind=NumberKind.DIRECT).first()
        alternative = f"{colleague.name} {display(number.e164) if number else ''}".strip()
    else:
        alternative = _("the switchboard on %(number)s") % {
            "number": display(organisation.switchboard_number) or ""
        }
    names = list(
        Person.objects.filter(unit_id=person.unit_id).exclude(pk=person.pk).values_list("name", flat=True)
    )
    return alternative, names


def _greeting(person: Person, text: str | None) -> dict:
    organisation = organisation_get().name
    alternative, names = _alternative(person)
    check: GreetingCheck | None = None
    if text:
        check = greeting_check(
            text, name=person.name, workplace=person.unit.name, organisation=organisation, alternatives=names
        )
    script = greeting_script(
        name=person.name, workplace=person.unit.name, organisation=organisation, alternative=alternative
    )
    return {"script": script, "recorded": text or "", "check": check}


def greeting_for(person: Person) -> dict:
    """The suggested script (a colleague in the unit as alternative, else the switchboard),
    the recorded text and its W4 check."""
    recorded = VoicemailGreeting.objects.filter(person=person).first()
    return _greeting(person, recorded.text if recorded else None)


def subscription_greeting_for(subscription: Subscription, person: Person) -> dict:
    """W4 on a work-mobile subscription: the same script and check as a direct number's."""
    return _greeting(person, subscription.greeting or None)


def numbers_reported_lost() -> set[str]:
    """W1: the numbers of work mobiles reported lost or stolen and not yet found or replaced."""
    return set(
        LossReport.objects.filter(resolved_at__isnull=True).values_list("subscription__number", flat=True)
    )


def public_numbers(numbers) -> set[str]:
    """Which of these E.164 numbers their owner lets be shown (S3)."""
    return set(
        PhoneNumber.objects.filter(
            e164__in=list(numbers), kind=NumberKind.MOBILE, disclosure_consent=True
        ).values_list("e164", flat=True)
    )


def subscription_find(text: str) -> Subscription:
    """A work mobile by its number (as people write it) or its ICCID."""
    value = (text or "").strip()
    iccid = iccid_clean(value)
    subscription = None
    if iccid:
        subscription = Subscription.objects.filter(iccid=iccid).first()
    if subscription is None:
        e164 = phone.lookup_key(value)
        subscription = Subscription.objects.filter(number=e164).first() if e164 else None
    if subscription is None:
        raise MobileNotFound(
            _("%(value)r is not a work mobile in the registry (give its number or ICCID).")
            % {"value": value},
        )
    return subscription


def person_named(text: str) -> Person:
    """Whom a caller says they are: an e-mail address, or a name only one active person has."""
    value = (text or "").strip()
    if "@" in value:
        return person_get(value)
    found = list(Person.objects.filter(name__iexact=value, active=True)[:2])
    if len(found) != 1:
        raise PersonNotFound(
            _("Nobody, or more than one, is called %(name)r; give the e-mail address.") % {"name": value},
        )
    return found[0]


def holder_of(subscription: Subscription) -> Person | None:
    assignment = (
        subscription.assignments.filter(returned_at__isnull=True).select_related("person__unit").first()
    )
    return assignment.person if assignment else None


def subscription_of(person: Person) -> Subscription | None:
    """The work mobile a person holds now."""
    assignment = (
        Assignment.objects.filter(person=person, returned_at__isnull=True)
        .select_related("subscription")
        .first()
    )
    return assignment.subscription if assignment else None


def open_loss(subscription: Subscription) -> LossReport | None:
    return subscription.loss_reports.filter(resolved_at__isnull=True).first()


def access_mobiles(user) -> set[int] | None:
    """Who keeps the registry and sees usage: administrators every unit (None), managers
    their units and those below. Anyone else is refused (an employee has Min sida)."""
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return None
    if Role.MANAGER in roles:
        return managed_unit_ids(user)
    raise Forbidden(_("Only managers and administrators keep the work-mobile registry."))


def access_loss_report(user) -> None:
    """The switchboard reports a lost phone on the caller's behalf (and administrators)."""
    if not roles_of(user) & {Role.ADMINISTRATOR, Role.OPERATOR}:
        raise Forbidden(_("Only the switchboard and administrators report a phone lost for someone else."))


@dataclass
class MobileRow:
    subscription: Subscription
    holder: Person | None
    since: date | None
    number: str  # as it may be shown
    loss: LossReport | None
    greeting_ok: bool | None
    unreviewed: int


def subscriptions_seen(unit_ids: set[int] | None) -> QuerySet[Subscription]:
    """The work mobiles held by these units' people and those nobody holds (to hand
    out), or all (None)."""
    subscriptions = Subscription.objects.select_related("device").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(returned_at__isnull=True).select_related("person__unit"),
            to_attr="current",
        ),
        Prefetch(
            "loss_reports", queryset=LossReport.objects.filter(resolved_at__isnull=True), to_attr="open"
        ),
    )
    if unit_ids is not None:
        held = Assignment.objects.filter(subscription=OuterRef("pk"), returned_at__isnull=True)
        subscriptions = subscriptions.filter(
            Exists(held.filter(person__unit_id__in=unit_ids)) | ~Exists(held)
        )
    return subscriptions.order_by("number")


def mobile_rows(unit_ids: set[int] | None) -> list[MobileRow]:
    subscriptions = list(subscriptions_seen(unit_ids))
    public = public_numbers(s.number for s in subscriptions)
    unreviewed: dict[int, int] = {}
    for subscription_id in Anomaly.objects.filter(
        subscription__in=subscriptions, reviewed_at__isnull=True
    ).values_list("subscription_id", flat=True):
        unreviewed[subscription_id] = unreviewed.get(subscription_id, 0) + 1
    rows = []
    for s in subscriptions:
        current = s.current[0] if s.current else None  # type: ignore[attr-defined]
        check = subscription_greeting_for(s, current.person)["check"] if current and s.greeting else None
        rows.append(
            MobileRow(
                subscription=s,
                holder=current.person if current else None,
                since=current.since.date() if current else None,
                number=s.shown(public=s.number in public),
                loss=s.open[0] if s.open else None,  # type: ignore[attr-defined]
                greeting_ok=None if current is None else bool(check and check.meets_routine),
                unreviewed=unreviewed.get(s.pk, 0),
            )
        )
    return rows


def history_of(subscription: Subscription) -> list[Assignment]:
    return list(subscription.assignments.select_related("person").order_by("-since"))


def anomalies_seen(
    *, unit_ids: set[int] | None = None, person: Person | None = None, unreviewed: bool = False
) -> QuerySet[Anomaly]:
    """W2's report: unusual use per subscription and month, of the subscriptions these
    units' people hold (or one person's own), newest first."""
    anomalies = Anomaly.objects.select_related("subscription", "reviewed_by")
    held = Q(
        subscription__assignments__returned_at__isnull=True,
    )
    if person is not None:
        anomalies = anomalies.filter(held, subscription__assignments__person=person)
    elif unit_ids is not None:
        anomalies = anomalies.filter(held, subscription__assignments__person__unit_id__in=unit_ids)
    if unreviewed:
        anomalies = anomalies.filter(reviewed_at__isnull=True)
    return anomalies.order_by("-month", "subscription__number", "kind")


def anomaly_report(
    *, unit_ids: set[int] | None = None, person: Person | None = None, unreviewed: bool = False
) -> list[dict]:
    """The report as rows: holder, unit, the number as it may be shown, month, what was
    found (premium numbers in full, nobody's private digits) and whether it was reviewed."""
    anomalies = list(anomalies_seen(unit_ids=unit_ids, person=person, unreviewed=unreviewed))
    subscription_ids = {a.subscription_id for a in anomalies}
    holders = {
        a.subscription_id: a.person
        for a in Assignment.objects.filter(
            subscription_id__in=subscription_ids, returned_at__isnull=True
        ).select_related("person__unit")
    }
    public = public_numbers({a.subscription.number for a in anomalies})
    rows = []
    for a in anomalies:
        holder = holders.get(a.subscription_id)
        rows.append(
            {
                "id": a.pk,
                "holder": holder.name if holder else "",
                "unit": holder.unit.name if holder else "",
                "number": a.subscription.shown(public=a.subscription.number in public),
                "iccid": a.subscription.iccid_tail,
                "month": f"{a.month:%Y-%m}",
                "kind": a.kind,
                "what": str(a.get_kind_display()),
                "detail": a.detail,
                "reviewed": a.reviewed_at is not None,
                "reviewed_by": (a.reviewed_by.get_username() if a.reviewed_by else "")
                if a.reviewed_at
                else "",
                "review_note": a.review_note,
            }
        )
    return rows


def premium_lines(subscription: Subscription, month: date, *, limit: int = 50) -> list[UsageRecord]:
    """The premium-rate lines behind an anomaly (their numbers are services, shown in full)."""
    return list(
        subscription.usage.filter(premium=True, at__year=month.year, at__month=month.month).order_by("at")[
            :limit
        ]
    )


def conduct_for_employees() -> list[str]:
    """W3, E9, P1 (and W1, W2, W4) as the organisation words them, for Min sida."""
    return conduct_text(settings.VAXEL_MOBILE_CONDUCT_TEXT, organisation=organisation_get().name)


def my_mobile(person: Person) -> dict | None:
    """Min sida: the work mobile a person holds, its state, greeting and unusual use."""
    subscription = subscription_of(person)
    if subscription is None:
        return None
    return {
        "subscription": subscription,
        "number": display(subscription.number),  # the holder sees their own number
        "device": subscription.device,
        "loss": open_loss(subscription),
        "greeting": subscription_greeting_for(subscription, person),
        "anomalies": anomaly_report(person=person),
    }
