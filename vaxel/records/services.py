"""The records officer's writes: retention rules, the thinning (gallring) and its log,
holds, classification and registration, and a person's request for erasure (GDPR
art. 17). The thinning itself is in thinning.py, one target per kind of record."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vaxel.audit.services import actor_label
from vaxel.core import phone
from vaxel.core.text import one_line
from vaxel.core.time import local, now
from vaxel.directory.models import Person
from vaxel.messaging.models import Message, MessageStatus
from vaxel.records.constants import Classification, HoldReason, HoldScope
from vaxel.records.errors import (
    AlreadyRegistered,
    HoldIncomplete,
    HoldLifted,
    HoldNotFound,
    InvalidClassification,
    NotPublicRecord,
    RecordNotFound,
    RequestSubjectMissing,
)
from vaxel.records.models import Hold, MessageFiling, RetentionRule, ThinningEntry, ThinningRun
from vaxel.records.retention import cutoff, rule_checked
from vaxel.records.selectors import (
    holds_active,
    internal_caller,
    message_classification,
    public_unregistered_q,
    rules_current,
)
from vaxel.records.thinning import (
    TARGETS,
    call_events_unheld,
    callers_pseudonymise,
    calls_unheld,
    messages_delete,
    messages_held_q,
)
from vaxel.telephony.models import Call, CallEvent

logger = logging.getLogger(__name__)


@transaction.atomic
def rules_ensure() -> list[RetentionRule]:
    """The rules as rows, made from VAXEL_RETENTION and the defaults the first time."""
    for kind, rule in rules_current().items():
        RetentionRule.objects.get_or_create(kind=kind, defaults={"days": rule.days, "action": rule.action})
    return list(RetentionRule.objects.all())


@transaction.atomic
def rule_set(
    *,
    kind: str,
    days: int | None = None,
    action: str | None = None,
    enabled: bool | None = None,
    basis: str | None = None,
    actor=None,
) -> RetentionRule:
    """Change one kind's rule; what is not given keeps its value."""
    current = rules_current().get(kind)
    if current is None:
        rule_checked(kind, 1, "")  # says which kinds there are
    assert current is not None
    kind, days, action = rule_checked(kind, current.days if days is None else days, action or current.action)
    rule, _created = RetentionRule.objects.get_or_create(kind=kind, defaults={"days": days, "action": action})
    rule.days, rule.action = days, action
    if enabled is not None:
        rule.enabled = enabled
    if basis is not None:
        rule.basis = one_line(basis, field=_("basis"), longest=300)
    rule.changed_at, rule.changed_by_name = now(), actor_label(actor)
    rule.save()
    return rule


@dataclass
class ThinningResult:
    run: ThinningRun | None
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


def thinning_run(
    *, at: datetime | None = None, dry_run: bool = False, actor=None, night=None, batch: int | None = None
) -> ThinningResult:
    """Apply every enabled rule: what is past its period and under no hold is deleted
    or pseudonymised, batch by batch. Every run is logged, a dry run too (with what it
    would have done), never with the records' contents."""
    at = at or now()
    size = batch or settings.VAXEL_THINNING_BATCH
    run = ThinningRun.objects.create(
        started_at=at, dry_run=dry_run, night=night, started_by_name=actor_label(actor)
    )
    holds = holds_active()
    result = ThinningResult(run=run, dry_run=dry_run)
    for kind, rule in rules_current().items():
        if not rule.enabled:
            continue
        target = TARGETS[kind][rule.action]
        before = cutoff(at, rule.days)
        count = target.count(before, holds) if dry_run else target.apply(before, holds, size)
        result.counts[kind] = count
        ThinningEntry.objects.create(
            run=run, kind=kind, action=rule.action, days=rule.days, cutoff=before, count=count, at=now()
        )
        if count and not dry_run:
            logger.info("Thinning: %s %s, %d records older than %d days", kind, rule.action, count, rule.days)
    run.finished_at = now()
    run.save(update_fields=["finished_at"])
    return result


def thinning_nightly(*, at: datetime | None = None) -> ThinningResult | None:
    """The nightly thinning, from VAXEL_THINNING_AT Stockholm time: once a night,
    whichever worker asks first. None when not due or already run."""
    at = at or now()
    wall = local(at)
    if wall.strftime("%H:%M") < settings.VAXEL_THINNING_AT:
        return None
    if ThinningRun.objects.filter(night=wall.date()).exists():
        return None
    try:
        return thinning_run(at=at, night=wall.date(), actor=None)
    except IntegrityError:
        return None  # another worker's run claimed the night


def _message_by_reference(reference: str) -> Message:
    message = Message.objects.filter(reference=reference.strip().upper()).first()
    if message is None:
        raise RecordNotFound(_("There is no message %(reference)s.") % {"reference": reference})
    return message


@transaction.atomic
def hold_place(
    *,
    reason: str,
    note: str,
    message: str | None = None,
    call: str | None = None,
    person: str | None = None,
    caller: str | None = None,
    period_from: datetime | None = None,
    period_until: datetime | None = None,
    actor=None,
    at: datetime | None = None,
) -> Hold:
    """Put a message (by reference), a call (its id), a person's records (e-mail), a
    caller's (number) or a period on hold, with why. Exactly one of them."""
    given = [v for v in (message, call, person, caller) if v] + (
        [period_from] if period_from or period_until else []
    )
    if len(given) != 1:
        raise HoldIncomplete(
            _("Say what the hold covers: one message, call, person, caller's number or period.")
        )
    if reason not in HoldReason.values:
        raise HoldIncomplete(
            _("%(reason)r is not a reason; use %(reasons)s.")
            % {"reason": reason, "reasons": ", ".join(HoldReason.values)}
        )
    note = one_line(note, field=_("why"), longest=500)
    if not note:
        raise HoldIncomplete(_("Say why the records are held (the request, the complaint, the matter)."))
    hold = Hold(
        reason=reason,
        note=note,
        placed_at=at or now(),
        placed_by=actor if actor is not None and actor.pk else None,
        placed_by_name=actor_label(actor),
    )
    if message:
        hold.scope, hold.message = HoldScope.MESSAGE, _message_by_reference(message)
        hold.reference = hold.message.reference
    elif call:
        found = Call.objects.filter(external_id=call.strip()).first()
        if found is None:
            raise RecordNotFound(_("There is no call %(id)s.") % {"id": call})
        hold.scope, hold.call, hold.reference = HoldScope.CALL, found, found.external_id
    elif person:
        found_person = Person.objects.filter(email__iexact=person.strip()).first()
        if found_person is None:
            raise RecordNotFound(_("There is nobody with the e-mail address %(email)s.") % {"email": person})
        hold.scope, hold.person, hold.reference = HoldScope.PERSON, found_person, found_person.email
    elif caller:
        hold.scope, hold.caller_number = HoldScope.CALLER, phone.normalise(caller, field=_("caller's number"))
        hold.reference = hold.caller_number
    else:
        if period_from is None or period_until is None or period_until < period_from:
            raise HoldIncomplete(_("A held period needs a start and an end after it."))
        hold.scope, hold.period_from, hold.period_until = HoldScope.PERIOD, period_from, period_until
    hold.save()
    return hold


@transaction.atomic
def hold_lift(*, hold_id: int, note: str, actor=None, at: datetime | None = None) -> Hold:
    found = (
        Hold.objects.select_for_update().filter(pk=hold_id) if 0 < hold_id < 2**31 else Hold.objects.none()
    )
    hold = found.first()
    if hold is None:
        raise HoldNotFound(_("There is no hold %(id)s.") % {"id": hold_id})
    if hold.lifted_at is not None:
        raise HoldLifted(_("Hold %(id)s is already lifted.") % {"id": hold_id})
    note = one_line(note, field=_("why"), longest=500)
    if not note:
        raise HoldIncomplete(_("Say why the hold is lifted (the request answered, the matter closed)."))
    hold.lifted_at, hold.lifted_by_name, hold.lift_note = at or now(), actor_label(actor), note
    hold.save()
    return hold


@transaction.atomic
def message_classify(*, reference: str, classification: str, actor=None) -> MessageFiling:
    if classification not in Classification.values:
        raise InvalidClassification(
            _("%(value)r is not a classification; use %(values)s.")
            % {"value": classification, "values": ", ".join(Classification.values)}
        )
    message = _message_by_reference(reference)
    filing, _created = MessageFiling.objects.get_or_create(message=message)
    filing.classification, filing.classified_at, filing.classified_by_name = (
        classification,
        now(),
        actor_label(actor),
    )
    filing.save()
    return filing


@transaction.atomic
def message_register(*, reference: str, number: str, actor=None, at: datetime | None = None) -> MessageFiling:
    """The records officer registers (diarieför) a public record under its number in
    the registry; once registered, Växel's copy follows its message rule."""
    message = _message_by_reference(reference)
    number = one_line(number, field=_("registration number"), longest=60)
    if not number:
        raise HoldIncomplete(_("Give the registration number (diarienummer)."))
    if message_classification(message) != Classification.PUBLIC_RECORD:
        raise NotPublicRecord(
            _("%(reference)s is not a public record; classify it as one first.")
            % {"reference": message.reference}
        )
    filing, _created = MessageFiling.objects.get_or_create(message=message)
    if filing.registered_at is not None:
        raise AlreadyRegistered(
            _("%(reference)s is already registered as %(number)s.")
            % {"reference": message.reference, "number": filing.registration_number}
        )
    filing.classification = filing.classification or Classification.PUBLIC_RECORD
    filing.registration_number, filing.registered_at, filing.registered_by_name = (
        number,
        at or now(),
        actor_label(actor),
    )
    filing.save()
    return filing


@dataclass
class ErasureResult:
    erased: dict[str, int] = field(default_factory=dict)
    refused: list[dict[str, str]] = field(default_factory=list)


def _refusal(what: str, reason: str) -> dict[str, str]:
    return {"record": what, "reason": reason}


def erasure_request(
    *, person: str | None = None, caller: str | None = None, dry_run: bool = False
) -> ErasureResult:
    """GDPR art. 17 for a caller (their number) or an employee (their e-mail): erase what
    the law allows, refuse the rest with the reason. A public record may be destroyed only
    under the records plan (arkivlagen, TF 2 kap.), a held record not while the hold lasts,
    and the change log and a working employee's directory entry are kept (art. 17.3 b)."""
    if bool(person) == bool(caller):
        raise RequestSubjectMissing(_("Give --person EMAIL or --caller NUMBER, one of them."))
    holds = holds_active()
    result = ErasureResult()
    with transaction.atomic():
        if caller:
            numbers = [phone.normalise(caller, field=_("caller's number"))]
        else:
            subject = Person.objects.filter(email__iexact=(person or "").strip()).first()
            if subject is None:
                raise RecordNotFound(
                    _("There is nobody with the e-mail address %(email)s.") % {"email": person}
                )
            numbers = list(subject.numbers.values_list("e164", flat=True))
            result.refused.append(
                _refusal(
                    _("directory entry, messages for %(name)s and the change log") % {"name": subject.name},
                    _(
                        "Kept while the person works here, and as the organisation's records "
                        "(GDPR art. 17.3 b)."
                    ),
                )
            )
        found = Message.objects.filter(caller_number__in=numbers).alias(internal=internal_caller())
        reasons = (
            (
                public_unregistered_q(),
                _("A public record: destroyed only under the records plan (arkivlagen)."),
            ),
            (messages_held_q(holds), _("On hold: kept until the hold is lifted.")),
            (
                ~Q(status=MessageStatus.HANDLED),
                _("Not yet handled: erased when the callback is done or closed."),
            ),
        )
        refused: set[str] = set()
        for condition, reason in reasons:
            for reference in (
                found.filter(condition).exclude(reference__in=refused).values_list("reference", flat=True)
            ):
                result.refused.append(_refusal(reference, reason))
                refused.add(reference)
        erasable = list(found.exclude(reference__in=refused).values_list("pk", flat=True))
        calls = calls_unheld(holds).filter(caller__in=numbers)
        events = call_events_unheld(holds).filter(calling__in=numbers)
        held_calls = Call.objects.filter(caller__in=numbers).count() - calls.count()
        held_calls += CallEvent.objects.filter(calling__in=numbers).count() - events.count()
        if held_calls:
            result.refused.append(
                _refusal(
                    _("%(count)d call records") % {"count": held_calls},
                    _("On hold: kept until the hold is lifted."),
                )
            )
        result.erased = {"messages": len(erasable), "calls": calls.count(), "call_events": events.count()}
        if not dry_run:
            messages_delete(erasable)
            callers_pseudonymise(calls, events, settings.VAXEL_THINNING_BATCH)
    return result
