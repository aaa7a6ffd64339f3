"""Writes to the work-mobile registry (W1), greetings (W4) and reviews of unusual use
(W2). Each validates everything before it writes, records the change (C1) and never
puts a mobile's digits in the change log (S3: by reference only)."""

import logging
from datetime import datetime, timedelta

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.references import reference
from vaxel.audit.services import change_record
from vaxel.core import phone
from vaxel.core.errors import InvalidPhoneNumber
from vaxel.core.text import one_line
from vaxel.core.time import iso, local, now
from vaxel.directory.errors import Inactive, NumberTaken
from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber
from vaxel.directory.services import mobile_number_set
from vaxel.messaging.outbox import outbox_add
from vaxel.mobiles import emails
from vaxel.mobiles.errors import (
    AlreadyReviewed,
    InvalidGreeting,
    InvalidIccid,
    InvalidImei,
    InvalidLossReport,
    InvalidSubscription,
    MobileAlreadyReportedLost,
    MobileExists,
    MobileHeld,
    MobileNotFound,
    MobileNotHeld,
    MobileNotLost,
    OtherMobileInDirectory,
    PersonHoldsAMobile,
)
from vaxel.mobiles.identifiers import iccid_clean, imei_clean
from vaxel.mobiles.misuse import msisdn
from vaxel.mobiles.models import (
    Anomaly,
    Assignment,
    Device,
    LossChannel,
    LossKind,
    LossOutcome,
    LossReport,
    Subscription,
    VoicemailGreeting,
)
from vaxel.mobiles.selectors import holder_of, open_loss, subscription_greeting_for, subscription_of

logger = logging.getLogger(__name__)

GREETING_REMINDER_EVERY = timedelta(days=7)
LATE_REPORT_SLACK = timedelta(minutes=5)  # a phone's clock a little ahead of the server's


def _greeting_text(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > 1000:
        raise InvalidGreeting(
            _("Write the greeting as you recorded it (at most 1,000 characters)."),
        )
    return text


@transaction.atomic
def greeting_record(*, person: Person, text: str, actor=None) -> VoicemailGreeting:
    """W4: keep the greeting text the person uses, to check it against the routine."""
    text = _greeting_text(text)
    greeting, _created = VoicemailGreeting.objects.update_or_create(person=person, defaults={"text": text})
    change_record(
        actor=actor,
        entity="voicemail_greeting",
        entity_id=person.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=_("%(name)s recorded a voicemail greeting") % {"name": person.name},
        after={"text": text},
    )
    return greeting


def mobile_number(text: str, *, field: str) -> str:
    """E.164 of a mobile number; InvalidPhoneNumber when it is not a number or not a mobile's."""
    e164 = phone.normalise(msisdn(text), field=field)
    kind = phonenumbers.number_type(phonenumbers.parse(e164))
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidPhoneNumber(
            _("%(field)s %(value)r is not a mobile number.") % {"field": field, "value": text},
            details={"field": field},
        )
    return e164


def iccid_valid(text: str) -> str:
    iccid = iccid_clean(text)
    if iccid is None:
        raise InvalidIccid(
            _("%(value)r is not an ICCID: 18–22 digits beginning 89, as printed on the SIM card.")
            % {"value": text},
        )
    return iccid


def imei_valid(text: str) -> str:
    imei = imei_clean(text)
    if imei is None:
        raise InvalidImei(
            _("%(value)r is not an IMEI: 15 digits with a valid check digit (dial *#06# on the phone).")
            % {"value": text},
        )
    return imei


def number_free_for_mobile(e164: str, *, person: Person | None = None) -> None:
    """E1: the number is nobody's but (maybe) this person's mobile, and not the switchboard's."""
    owner = PhoneNumber.objects.filter(e164=e164).select_related("person", "group").first()
    if Organisation.objects.filter(switchboard_number=e164).exists():
        raise NumberTaken(_("That number is the switchboard's; a number can have only one owner (E1)."))
    if owner is None or (
        person is not None and owner.person_id == person.pk and owner.kind == NumberKind.MOBILE
    ):
        return
    holder = str(owner.person or owner.group)
    shown = owner.shown if owner.is_public else _("That number")
    raise NumberTaken(
        _("%(number)s already belongs to %(holder)s; a number can have only one owner (E1).")
        % {"number": shown, "holder": holder},
    )


def _facts(subscription: Subscription) -> dict:
    """What the change log keeps of a work mobile: its number by reference only (S3)."""
    holder = holder_of(subscription) if subscription.pk else None
    return {
        "number": reference(subscription, subscription.number),
        "operator": subscription.operator,
        "iccid": subscription.iccid,
        "cost_centre": subscription.cost_centre,
        "imei": subscription.device.imei if subscription.device else None,
        "model": subscription.device.model if subscription.device else None,
        "holder": holder.email if holder else None,
    }


def _device(imei: str, model: str, *, subscription: Subscription | None = None) -> Device:
    device = Device.objects.filter(imei=imei).first()
    if device is None:
        return Device.objects.create(imei=imei, model=model)
    in_use = Subscription.objects.filter(device=device)
    if subscription is not None:
        in_use = in_use.exclude(pk=subscription.pk)
    if in_use.exists():
        raise MobileExists(
            _("The device with IMEI %(imei)s is already in another subscription.") % {"imei": imei},
        )
    if model and device.model != model:
        device.model = model
        device.save(update_fields=["model"])
    return device


@transaction.atomic
def subscription_add(
    *,
    number: str,
    operator: str,
    iccid: str,
    cost_centre: str = "",
    imei: str = "",
    model: str = "",
    actor=None,
) -> Subscription:
    """W1: a work mobile in the registry, nobody's yet (hand it out with mobile_hand_out)."""
    e164 = mobile_number(number, field=_("number"))
    iccid = iccid_valid(iccid)
    operator = one_line(operator, field=_("The mobile operator"), longest=100)
    cost_centre = one_line(cost_centre, field=_("The cost centre"), longest=50)
    model = one_line(model, field=_("The model"), longest=100)
    imei = imei_valid(imei) if imei.strip() else ""
    if not operator:
        raise InvalidSubscription(_("Name the mobile operator (e.g. Telia, Tele2, Telenor)."))
    if Subscription.objects.filter(number=e164).exists():
        raise MobileExists(_("That number is already a work mobile in the registry."))
    if Subscription.objects.filter(iccid=iccid).exists():
        raise MobileExists(_("The ICCID %(iccid)s is already in the registry.") % {"iccid": iccid})
    number_free_for_mobile(e164, person=mobile_owner(e164))
    subscription = Subscription.objects.create(
        number=e164,
        operator=operator,
        iccid=iccid,
        cost_centre=cost_centre,
        device=_device(imei, model) if imei else None,
    )
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=subscription.pk,
        action=ChangeAction.CREATED,
        summary=_("New work mobile %(iccid)s (%(operator)s)")
        % {"iccid": subscription.iccid_tail, "operator": operator},
        after=_facts(subscription),
    )
    return subscription


def mobile_owner(e164: str) -> Person | None:
    """The person whose directory mobile this number already is, if anyone's."""
    owner = PhoneNumber.objects.filter(e164=e164, kind=NumberKind.MOBILE).select_related("person").first()
    return owner.person if owner else None


@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    operator: str | None = None,
    iccid: str | None = None,
    cost_centre: str | None = None,
    imei: str = "",
    model: str = "",
    actor=None,
) -> Subscription:
    """W1: the operator's list says something new about a known work mobile (a new SIM,
    another cost centre, the device)."""
    before = _facts(subscription)
    if operator is not None:
        subscription.operator = (
            one_line(operator, field=_("The mobile operator"), longest=100) or subscription.operator
        )
    if cost_centre is not None:
        subscription.cost_centre = one_line(cost_centre, field=_("The cost centre"), longest=50)
    if iccid is not None:
        new_iccid = iccid_valid(iccid)
        if Subscription.objects.filter(iccid=new_iccid).exclude(pk=subscription.pk).exists():
            raise MobileExists(_("The ICCID %(iccid)s is already in the registry.") % {"iccid": new_iccid})
        subscription.iccid = new_iccid
    if imei.strip():
        model = one_line(model, field=_("The model"), longest=100)
        subscription.device = _device(imei_valid(imei), model, subscription=subscription)
    subscription.save()
    after = _facts(subscription)
    if after != before:
        holder = holder_of(subscription)
        change_record(
            actor=actor,
            entity="work_mobile",
            entity_id=subscription.pk,
            action=ChangeAction.UPDATED,
            unit=holder.unit if holder else None,
            summary=_("Work mobile %(iccid)s updated") % {"iccid": subscription.iccid_tail},
            before=before,
            after=after,
        )
    return subscription


@transaction.atomic
def mobile_hand_out(
    *, subscription: Subscription, person: Person, since: datetime | None = None, actor=None
) -> Assignment:
    """W1: the work mobile is handed to a person. Its number becomes their directory
    mobile (E1); their consent for showing it stays theirs (S3: a new number starts
    without)."""
    since = since or now()
    if not person.active:
        raise Inactive(_("%(name)s has left; choose someone active.") % {"name": person.name})
    holder = holder_of(subscription)
    if holder is not None:
        raise MobileHeld(
            _("The work mobile is held by %(name)s; have it returned first.") % {"name": holder.name},
        )
    if subscription_of(person) is not None:
        raise PersonHoldsAMobile(
            _("%(name)s already holds a work mobile; have it returned first.") % {"name": person.name},
        )
    other = person.numbers.filter(kind=NumberKind.MOBILE).exclude(e164=subscription.number).first()
    if other is not None:
        raise OtherMobileInDirectory(
            _(
                "%(name)s already has another mobile in the directory; a person has one mobile there. "
                "Remove it first, or hand out that number."
            )
            % {"name": person.name},
        )
    number_free_for_mobile(subscription.number, person=person)
    before = _facts(subscription)
    assignment = Assignment.objects.create(subscription=subscription, person=person, since=since)
    mobile_number_set(person=person, number=subscription.number, actor=actor)
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=subscription.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=_("Work mobile %(iccid)s handed out to %(name)s")
        % {"iccid": subscription.iccid_tail, "name": person.name},
        before=before,
        after={**_facts(subscription), "since": iso(since)},
    )
    return assignment


@transaction.atomic
def mobile_return(*, subscription: Subscription, at: datetime | None = None, actor=None) -> Assignment:
    """W1: the holder gives the work mobile back; the number leaves their directory entry."""
    at = at or now()
    assignment = (
        subscription.assignments.filter(returned_at__isnull=True).select_related("person__unit").first()
    )
    if assignment is None:
        raise MobileNotHeld(_("Nobody holds this work mobile."))
    before = _facts(subscription)
    assignment.returned_at = max(at, assignment.since)
    assignment.save(update_fields=["returned_at"])
    mobile_number_set(person=assignment.person, number=None, actor=actor)
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=subscription.pk,
        action=ChangeAction.UPDATED,
        unit=assignment.person.unit,
        summary=_("%(name)s returned work mobile %(iccid)s")
        % {"name": assignment.person.name, "iccid": subscription.iccid_tail},
        before=before,
        after=_facts(subscription),
    )
    return assignment


def _blockers() -> list[str]:
    return list(settings.VAXEL_MOBILE_BLOCK_EMAILS)


@transaction.atomic
def mobile_report_lost(
    *,
    subscription: Subscription,
    kind: str,
    channel: str,
    happened_at: datetime | None = None,
    circumstances: str = "",
    actor=None,
    at: datetime | None = None,
) -> LossReport:
    """W1, in one step: the work mobile is lost or stolen. Recorded with when and how;
    whoever blocks subscriptions is e-mailed the number, ICCID and IMEI; the holder's
    manager is told; no call is routed to the number until it is found or replaced."""
    at = at or now()
    happened_at = happened_at or at
    if kind not in LossKind.values:
        raise InvalidLossReport(_("Say whether the phone is lost or stolen."))
    if channel not in LossChannel.values:
        raise InvalidLossReport(_("Say who reports it: the holder, the switchboard or an administrator."))
    if happened_at > at + LATE_REPORT_SLACK:
        raise InvalidLossReport(_("When it happened cannot be in the future."))
    circumstances = (circumstances or "").strip()
    if len(circumstances) > 1000:
        raise InvalidLossReport(_("Say how and where in at most 1,000 characters."))
    already = open_loss(subscription)
    if already is not None:
        raise MobileAlreadyReportedLost(
            _("This work mobile is already reported lost since %(time)s; it is blocked or being blocked.")
            % {"time": f"{local(already.reported_at):%Y-%m-%d %H:%M}"},
        )
    holder = holder_of(subscription)
    blockers = _blockers()
    report = LossReport.objects.create(
        subscription=subscription,
        person=holder,
        kind=kind,
        happened_at=happened_at,
        circumstances=circumstances,
        channel=channel,
        reported_at=at,
        reported_by=actor if actor is not None and actor.pk else None,
        blockers_notified_at=at if blockers else None,
    )
    if blockers:
        subject, text = emails.block_request(report, holder)
        outbox_add(recipients=blockers, subject=subject, text=text)
    else:
        logger.warning("Work mobile case %s reported lost; VAXEL_MOBILE_BLOCK_EMAILS is empty", report.pk)
    if holder is not None:
        managers = list(
            holder.unit.managers.filter(active=True).exclude(pk=holder.pk).values_list("email", flat=True)
        )
        if managers:
            subject, text = emails.manager_notice(report, holder)
            outbox_add(recipients=managers, subject=subject, text=text)
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=subscription.pk,
        action=ChangeAction.UPDATED,
        unit=holder.unit if holder else None,
        summary=_("Work mobile %(iccid)s of %(name)s reported %(kind)s (%(channel)s)")
        % {
            "iccid": subscription.iccid_tail,
            "name": holder.name if holder else "-",
            "kind": report.get_kind_display(),
            "channel": report.get_channel_display(),
        },
        after={
            "case": report.pk,
            "kind": kind,
            "happened_at": iso(happened_at),
            "circumstances": circumstances,
            "channel": channel,
            "blockers_told": sorted(blockers),
        },
    )
    return report


def _open_report(subscription: Subscription) -> LossReport:
    report = open_loss(subscription)
    if report is None:
        raise MobileNotLost(_("This work mobile is not reported lost."))
    return report


def loss_report_get(case: int) -> LossReport:
    report = LossReport.objects.select_related("subscription").filter(pk=case).first()
    if report is None:
        raise MobileNotFound(_("There is no lost-phone case %(case)d.") % {"case": case})
    return report


@transaction.atomic
def mobile_blocked(
    *, subscription: Subscription, note: str = "", actor=None, at: datetime | None = None
) -> LossReport:
    """W1: whoever blocks subscriptions confirms the block (the compliance report counts
    lost phones not blocked within VAXEL_MOBILE_BLOCK_WITHIN_HOURS)."""
    report = _open_report(subscription)
    note = one_line(note, field=_("The blocking reference"), longest=200)
    report.blocked_at = report.blocked_at or at or now()
    report.blocked_note = note or report.blocked_note
    report.save(update_fields=["blocked_at", "blocked_note"])
    _loss_changed(report, _("Work mobile %(iccid)s blocked"), actor)
    return report


def _loss_changed(report: LossReport, summary: str, actor) -> None:
    holder = report.person
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=report.subscription_id,
        action=ChangeAction.UPDATED,
        unit=holder.unit if holder else None,
        summary=summary % {"iccid": report.subscription.iccid_tail},
        after={
            "case": report.pk,
            "blocked_at": iso(report.blocked_at),
            "blocked_note": report.blocked_note,
            "outcome": report.outcome or None,
            "resolved_at": iso(report.resolved_at),
            "note": report.resolution_note,
        },
    )


@transaction.atomic
def mobile_found(
    *, subscription: Subscription, note: str = "", actor=None, at: datetime | None = None
) -> LossReport:
    """W1: the phone turned up. Calls go to it again; the blockers are asked to lift the block."""
    report = _open_report(subscription)
    report.resolved_at, report.outcome = at or now(), LossOutcome.FOUND
    report.resolution_note = one_line(note, field=_("The note"), longest=300)
    report.save(update_fields=["resolved_at", "outcome", "resolution_note"])
    _tell_blockers_resolved(report)
    _loss_changed(report, _("Work mobile %(iccid)s found"), actor)
    return report


@transaction.atomic
def mobile_replaced(
    *,
    subscription: Subscription,
    iccid: str = "",
    imei: str = "",
    model: str = "",
    actor=None,
    at: datetime | None = None,
) -> LossReport:
    """W1: the lost phone is replaced by a new SIM (or eSIM), a new device, or both, on
    the same number. The old SIM and device are kept in the case's note."""
    report = _open_report(subscription)
    if not iccid.strip() and not imei.strip():
        raise InvalidLossReport(_("Give the new SIM's ICCID, the new device's IMEI, or both."))
    new_iccid = iccid_valid(iccid) if iccid.strip() else None
    new_imei = imei_valid(imei) if imei.strip() else None
    model = one_line(model, field=_("The model"), longest=100)
    if new_iccid and Subscription.objects.filter(iccid=new_iccid).exclude(pk=subscription.pk).exists():
        raise MobileExists(_("The ICCID %(iccid)s is already in the registry.") % {"iccid": new_iccid})
    changes = []
    if new_iccid and new_iccid != subscription.iccid:
        changes.append(_("new SIM %(new)s (was %(old)s)") % {"new": new_iccid, "old": subscription.iccid})
        subscription.iccid = new_iccid
    if new_imei:
        old = subscription.device
        subscription.device = _device(new_imei, model, subscription=subscription)
        changes.append(
            _("new device %(new)s (was %(old)s)") % {"new": new_imei, "old": old.imei if old else "–"}
        )
    subscription.save(update_fields=["iccid", "device"])
    report.resolved_at, report.outcome = at or now(), LossOutcome.REPLACED
    report.resolution_note = "; ".join(str(c) for c in changes)[:300]
    report.save(update_fields=["resolved_at", "outcome", "resolution_note"])
    _tell_blockers_resolved(report)
    _loss_changed(report, _("Work mobile %(iccid)s replaced"), actor)
    return report


def _tell_blockers_resolved(report: LossReport) -> None:
    blockers = _blockers()
    if blockers and report.blockers_notified_at is not None:
        subject, text = emails.unblock_request(report)
        outbox_add(recipients=blockers, subject=subject, text=text)


@transaction.atomic
def subscription_greeting_record(*, subscription: Subscription, text: str, actor=None) -> dict:
    """W4: the greeting recorded on the work mobile's voicemail, kept as text and checked.
    Returns the check (what is missing), as Min sida shows it."""
    text = _greeting_text(text)
    holder = holder_of(subscription)
    subscription.greeting = text
    subscription.greeting_updated_at = now()
    subscription.greeting_reminded_at = None
    subscription.save(update_fields=["greeting", "greeting_updated_at", "greeting_reminded_at"])
    change_record(
        actor=actor,
        entity="work_mobile",
        entity_id=subscription.pk,
        action=ChangeAction.UPDATED,
        unit=holder.unit if holder else None,
        summary=_("Voicemail greeting of work mobile %(iccid)s") % {"iccid": subscription.iccid_tail},
        after={"greeting": text},
    )
    return subscription_greeting_for(subscription, holder) if holder else {}


@transaction.atomic
def greeting_reminders_send(*, at: datetime | None = None) -> int:
    """W4: each holder whose work mobile has no greeting on record, or one that lacks what
    the routine asks, is reminded by e-mail, at most once a week. Returns how many."""
    at = at or now()
    sent = 0
    for assignment in Assignment.objects.filter(returned_at__isnull=True, person__active=True).select_related(
        "subscription", "person__unit"
    ):
        subscription, holder = assignment.subscription, assignment.person
        reminded = subscription.greeting_reminded_at
        if reminded is not None and at - reminded < GREETING_REMINDER_EVERY:
            continue
        check = subscription_greeting_for(subscription, holder)["check"]
        if check is not None and check.meets_routine:
            continue
        subject, text = emails.greeting_reminder(holder, check.missing if check else [])
        outbox_add(recipients=[holder.email], subject=subject, text=text)
        subscription.greeting_reminded_at = at
        subscription.save(update_fields=["greeting_reminded_at"])
        sent += 1
    return sent


@transaction.atomic
def anomaly_review(*, anomaly: Anomaly, note: str = "", actor=None, at: datetime | None = None) -> Anomaly:
    """W2: someone responsible has looked at the unusual use (and says what it was)."""
    if anomaly.reviewed_at is not None:
        raise AlreadyReviewed(
            _("That unusual use was already marked reviewed by %(name)s.")
            % {"name": anomaly.reviewed_by.get_username() if anomaly.reviewed_by else _("command line")},
        )
    anomaly.review_note = one_line(note, field=_("The note"), longest=300)
    anomaly.reviewed_at = at or now()
    anomaly.reviewed_by = actor if actor is not None and actor.pk else None
    anomaly.save(update_fields=["review_note", "reviewed_at", "reviewed_by"])
    holder = holder_of(anomaly.subscription)
    change_record(
        actor=actor,
        entity="work_mobile_usage",
        entity_id=anomaly.pk,
        action=ChangeAction.UPDATED,
        unit=holder.unit if holder else None,
        summary=_("Unusual use of work mobile %(iccid)s in %(month)s reviewed")
        % {"iccid": anomaly.subscription.iccid_tail, "month": f"{anomaly.month:%Y-%m}"},
        after={"kind": anomaly.kind, "detail": anomaly.detail, "note": anomaly.review_note},
    )
    return anomaly
