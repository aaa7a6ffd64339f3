"""What the records officer and the data protection officer read: the rules in force,
the holds, the public records, and everything held about one person or caller."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from vaxel.core.time import iso
from vaxel.directory.models import PhoneNumber
from vaxel.directory.privacy import number_shown
from vaxel.messaging.models import Message
from vaxel.records.constants import Classification, HoldScope, RecordKind
from vaxel.records.models import Hold, RetentionRule, ThinningRun
from vaxel.records.retention import classification_default, classification_defaults_with, defaults_with


@dataclass(frozen=True)
class Rule:
    kind: str
    days: int
    action: str
    enabled: bool = True
    basis: str = ""


def rules_current() -> dict[str, Rule]:
    """The rule for each kind: the admin's where made, else VAXEL_RETENTION's or the default."""
    rules = {
        kind: Rule(kind, days, action)
        for kind, (days, action) in defaults_with(settings.VAXEL_RETENTION).items()
    }
    for row in RetentionRule.objects.all():
        rules[row.kind] = Rule(row.kind, row.days, row.action, row.enabled, row.basis)
    return rules


def voicemail_days() -> int | None:
    """How long a voicemail recording is kept, as callers are told (None: not thinned)."""
    rule = rules_current()[RecordKind.VOICEMAIL_RECORDING]
    return rule.days if rule.enabled else None


@dataclass
class Holds:
    """The active holds, gathered once per thinning run or request."""

    message_ids: set[int] = field(default_factory=set)
    call_ids: set[str] = field(default_factory=set)  # the calls' external ids
    person_ids: set[int] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)  # callers' numbers, and held people's own
    usernames: set[str] = field(default_factory=set)  # held people's logins
    periods: list[tuple[datetime, datetime]] = field(default_factory=list)

    def period_q(self, name: str) -> Q:
        """Rows whose `name` (a time) falls in a held period; an empty Q never matches."""
        found = Q(pk__in=[])
        for first, last in self.periods:
            found |= Q(**{f"{name}__gte": first, f"{name}__lte": last})
        return found

    def covers_time(self, at: datetime) -> bool:
        return any(first <= at <= last for first, last in self.periods)


def holds_active() -> Holds:
    holds = Holds()
    for hold in Hold.objects.filter(lifted_at__isnull=True).select_related("call", "person__user"):
        if hold.message_id:
            holds.message_ids.add(hold.message_id)
        if hold.call is not None:
            holds.call_ids.add(hold.call.external_id)
        if hold.person is not None:
            holds.person_ids.add(hold.person.pk)
            holds.numbers |= set(hold.person.numbers.values_list("e164", flat=True))
            if hold.person.user is not None:
                holds.usernames.add(hold.person.user.get_username())
        if hold.caller_number:
            holds.numbers.add(hold.caller_number)
        if hold.period_from and hold.period_until:
            holds.periods.append((hold.period_from, hold.period_until))
    return holds


def hold_covers(hold: Hold) -> str:
    """What a hold covers, as shown: a held caller's number only while it may be shown (S3)."""
    if hold.scope == HoldScope.CALLER:
        return number_shown(hold.caller_number) or str(_("(hidden number)"))
    if hold.scope == HoldScope.PERIOD:
        return f"{iso(hold.period_from)} – {iso(hold.period_until)}"
    return hold.reference


def holds_list(*, active_only: bool = True) -> QuerySet[Hold]:
    found = Hold.objects.select_related("message", "call", "person")
    return found.filter(lifted_at__isnull=True) if active_only else found


def classification_defaults() -> dict[str, str]:
    return classification_defaults_with(settings.VAXEL_CLASSIFICATION)


def internal_caller() -> Exists:
    """A message's caller is one of the organisation's own numbers (alias it as `internal`)."""
    return Exists(PhoneNumber.objects.filter(e164=OuterRef("caller_number")))


def classified_q(classification: str) -> Q:
    """Messages of this classification: set by the records officer, or by default."""
    defaults = classification_defaults()
    by_default = Q(pk__in=[])
    kinds = [kind for kind in ("callback", "information") if defaults[kind] == classification]
    if kinds:
        by_default |= Q(kind__in=kinds, internal=False)
    if defaults["internal"] == classification:
        by_default |= Q(internal=True)
    unset = Q(filing__isnull=True) | Q(filing__classification="")
    return Q(filing__classification=classification) | unset & by_default


def messages_classified(classification: str) -> QuerySet[Message]:
    return Message.objects.alias(internal=internal_caller()).filter(classified_q(classification))


def public_unregistered_q() -> Q:
    """Public records not yet registered: never thinned nor erased (the records officer
    registers them, or the records plan's own decision applies)."""
    return classified_q(Classification.PUBLIC_RECORD) & (
        Q(filing__isnull=True) | Q(filing__registered_at__isnull=True)
    )


def message_classification(message: Message) -> str:
    filing = getattr(message, "filing", None)
    if filing is not None and filing.classification:
        return filing.classification
    internal = (
        PhoneNumber.objects.filter(e164=message.caller_number).exists() if message.caller_number else False
    )
    return classification_default(kind=message.kind, internal=internal, defaults=classification_defaults())


def public_records(
    *, first: datetime | None = None, last: datetime | None = None, unregistered: bool = False
):
    found = messages_classified(Classification.PUBLIC_RECORD).select_related("person", "unit", "filing")
    if first is not None:
        found = found.filter(taken_at__gte=first)
    if last is not None:
        found = found.filter(taken_at__lt=last)
    if unregistered:
        found = found.filter(Q(filing__isnull=True) | Q(filing__registered_at__isnull=True))
    return found.order_by("taken_at", "id")


def thinning_log(limit: int = 30) -> QuerySet[ThinningRun]:
    return ThinningRun.objects.prefetch_related("entries")[:limit]
