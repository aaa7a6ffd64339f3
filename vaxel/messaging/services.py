"""Messages and callbacks (S2, E4, E5): taken, delivered by e-mail, followed until done."""

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vaxel.audit.services import actor_label
from vaxel.availability.models import Absence
from vaxel.availability.schedule import add_working_time, hours_on, working_time_between
from vaxel.availability.selectors import working_hours_get
from vaxel.core import phone
from vaxel.core.text import one_line
from vaxel.core.time import local, now
from vaxel.directory.models import NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.selectors import person_get, unit_get
from vaxel.messaging.emails import digest_email, follow_up_email, message_email
from vaxel.messaging.errors import (
    AlreadyHandled,
    CallbackDueInPast,
    CallbackNeedsNumber,
    EmptyMessage,
    InvalidKind,
    InvalidStep,
    NoRecipient,
    NoteRequired,
)
from vaxel.messaging.models import DigestRun, EventKind, Message, MessageEvent, MessageKind, MessageStatus
from vaxel.messaging.outbox import outbox_add
from vaxel.servicelevels.selectors import callback_within

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone
# E5: "more than one working day"
WORKING_DAY = timedelta(hours=8)


def _recording_save(reference: str, recording: bytes) -> str:
    folder = Path(settings.DATA_DIR) / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"rostmeddelande-{reference}.wav"
    (folder / name).write_bytes(recording)
    return f"recordings/{name}"


def _new_reference() -> str:
    while True:
        reference = "M-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(5))
        if not Message.objects.filter(reference=reference).exists():
            return reference


def message_recipients(message: Message) -> list[str]:
    """A person's own address; for a unit its shared mailbox, or else its active members."""
    if message.person_id:
        return [message.person.email]  # type: ignore[union-attr]
    unit: Unit = message.unit  # type: ignore[assignment]
    if unit.shared_mailbox:
        return [unit.shared_mailbox]
    return sorted(unit.members.filter(active=True).values_list("email", flat=True))


def _managers_of(message: Message) -> list[str]:
    unit_id = message.unit_id or message.person.unit_id  # type: ignore[union-attr]
    return sorted(
        Person.objects.filter(managed_units__id=unit_id, active=True).values_list("email", flat=True)
    )


def _event(
    message: Message,
    kind: EventKind,
    actor=None,
    note: str = "",
    at: datetime | None = None,
    actor_name: str | None = None,
) -> None:
    """One step of the history; steps Växel takes by itself (reminders) have no actor."""
    automatic = kind in (
        EventKind.REMINDED,
        EventKind.ESCALATED,
        EventKind.UNREAD_FLAGGED,
        EventKind.UNREAD_ESCALATED,
    )
    MessageEvent.objects.create(
        message=message,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(_("Växel")) if automatic else (actor_name or actor_label(actor)),
        note=note[:500],
        at=at or now(),
    )


@transaction.atomic
def message_take(
    *,
    subject: str,
    caller_name: str = "",
    caller_number: str = "",
    for_person: str | None = None,
    for_unit: str | None = None,
    kind: str = MessageKind.CALLBACK,
    urgent: bool = False,
    details: str = "",
    due_at: datetime | None = None,
    actor=None,
    at: datetime | None = None,
    recording: bytes | None = None,
) -> Message:
    """Take a message for a person (by e-mail address) or a whole unit (by name). It is
    e-mailed at once, after the transaction commits, through the outbox; a voicemail's
    recording (a WAV) goes with it as an attachment."""
    at = at or now()
    subject = one_line(subject, field=_("What the call is about"), longest=300)
    caller_name = one_line(caller_name, field=_("The caller's name"), longest=200)
    if bool(for_person) == bool(for_unit):
        raise NoRecipient(
            _("Say who the message is for: a person (e-mail address) or a unit, one of them."),
        )
    if not subject:
        raise EmptyMessage(_("Write what the call is about; the message is empty."))
    if kind not in MessageKind.values:
        raise InvalidKind(
            _("%(kind)r is not a kind of message; use callback or information.") % {"kind": kind},
        )
    number = phone.normalise(caller_number, field=_("caller's number")) if caller_number.strip() else ""
    if kind == MessageKind.CALLBACK and not number:
        raise CallbackNeedsNumber(
            _("A callback needs the caller's number; write it, or take the message for information."),
        )
    if due_at is not None and due_at <= at:
        raise CallbackDueInPast(
            _("The callback would be due in the past; give a later time or leave it to the service level."),
        )
    person = person_get(for_person) if for_person else None
    unit = unit_get(for_unit) if for_unit else None
    private = PhoneNumber.objects.filter(
        e164=number, kind=NumberKind.MOBILE, disclosure_consent=False
    ).exists()
    message = Message(
        reference=_new_reference(),
        taken_at=at,
        taken_by=actor if actor is not None and actor.pk else None,
        taken_by_name=actor_label(actor),
        caller_name=caller_name,
        caller_number=number,
        caller_number_public=not private,
        subject=subject,
        details=(details or "").strip(),
        person=person,
        unit=unit,
        kind=kind,
        urgent=urgent,
    )
    if kind == MessageKind.CALLBACK:
        message.due_at = due_at or add_working_time(
            working_hours_get(),
            at,
            callback_within(unit.pk if unit else person.unit_id),  # type: ignore[union-attr]
        )
    recipients = message_recipients(message)
    if not recipients:
        raise NoRecipient(
            _("%(name)s has no e-mail address to deliver to; give the unit a shared mailbox or members.")
            % {"name": message.recipient_name},
        )
    if recording:
        message.recording = _recording_save(message.reference, recording)
    message.save()
    _event(message, EventKind.TAKEN, actor, at=at)
    subject_line, text, html = message_email(message)
    outbox_add(
        recipients=recipients,
        subject=subject_line,
        text=text,
        html=html,
        message=message,
        attachment=message.recording,
    )
    return message


# What each step may follow, and what status it leaves.
TRANSITIONS = {
    EventKind.READ: ({MessageStatus.NEW}, MessageStatus.READ),
    EventKind.NO_ANSWER: ({MessageStatus.NEW, MessageStatus.READ}, MessageStatus.READ),
    EventKind.CALLED_BACK: ({MessageStatus.NEW, MessageStatus.READ}, MessageStatus.HANDLED),
    EventKind.CLOSED: ({MessageStatus.NEW, MessageStatus.READ}, MessageStatus.HANDLED),
}


@transaction.atomic
def message_mark(
    *,
    message: Message,
    step: str,
    actor=None,
    note: str = "",
    at: datetime | None = None,
    actor_name: str | None = None,
) -> Message:
    """Follow a message: read, called back, no answer (try again), closed with a note."""
    at = at or now()
    if step not in TRANSITIONS:
        raise InvalidStep(
            _("%(step)r is not a step; use read, called_back, no_answer or closed.") % {"step": step},
        )
    message = Message.objects.select_for_update().get(pk=message.pk)
    allowed, status = TRANSITIONS[EventKind(step)]
    if message.status not in allowed:
        if step == EventKind.READ:
            return message  # opening a message again is harmless
        raise AlreadyHandled(
            _("Message %(reference)s is already handled.") % {"reference": message.reference},
        )
    if step == EventKind.CLOSED and not note.strip():
        raise NoteRequired(_("Say in a note why the message is closed."))
    message.status = status
    message.read_at = message.read_at or at
    if status == MessageStatus.HANDLED:
        message.handled_at = at
    message.save()
    _event(message, EventKind(step), actor, note=note, at=at, actor_name=actor_name)
    return message


@transaction.atomic
def message_link_revoke(*, message: Message, actor=None, actor_name: str | None = None) -> Message:
    """Every link e-mailed for the message stops working (a forwarded or leaked e-mail);
    the recipient opens it from "My messages" instead, where a new link is made."""
    Message.objects.filter(pk=message.pk).update(link_version=F("link_version") + 1)
    message.refresh_from_db()
    _event(message, EventKind.LINK_REVOKED, actor, actor_name=actor_name)
    return message


@transaction.atomic
def follow_up_run(*, at: datetime | None = None) -> dict[str, int]:
    """E4 and E5, run every few minutes: remind the recipient of an overdue callback,
    then tell the manager; flag a message unread for a working day, then tell the manager."""
    at = at or now()
    schedule = working_hours_get()
    counts = {"reminded": 0, "escalated": 0, "unread_flagged": 0, "unread_escalated": 0}
    open_messages = Message.objects.exclude(status=MessageStatus.HANDLED).select_related("person", "unit")
    for message in open_messages.filter(kind=MessageKind.CALLBACK, due_at__lte=at, reminded_at__isnull=True):
        _follow_up(
            message, message_recipients(message), _("Callback overdue"), EventKind.REMINDED, "reminded_at", at
        )
        counts["reminded"] += 1
    for message in open_messages.filter(reminded_at__isnull=False, escalated_at__isnull=True):
        overdue_by = working_time_between(schedule, message.due_at or message.taken_at, at)
        if overdue_by >= WORKING_DAY / 2:
            _follow_up(
                message,
                _managers_of(message),
                _("Callback still not done"),
                EventKind.ESCALATED,
                "escalated_at",
                at,
            )
            counts["escalated"] += 1
    for message in open_messages.filter(status=MessageStatus.NEW):
        unread_for = working_time_between(schedule, message.taken_at, at)
        if unread_for > WORKING_DAY and message.unread_flagged_at is None:
            _follow_up(
                message,
                message_recipients(message),
                _("Message unread for a working day"),
                EventKind.UNREAD_FLAGGED,
                "unread_flagged_at",
                at,
            )
            counts["unread_flagged"] += 1
        elif unread_for > 2 * WORKING_DAY and message.unread_escalated_at is None:
            _follow_up(
                message,
                _managers_of(message),
                _("Message still unread"),
                EventKind.UNREAD_ESCALATED,
                "unread_escalated_at",
                at,
            )
            counts["unread_escalated"] += 1
    return counts


def _follow_up(
    message: Message, recipients: list[str], headline: str, kind: EventKind, field: str, at
) -> None:
    setattr(message, field, at)
    message.save(update_fields=[field])
    _event(message, kind, note=", ".join(recipients) or str(_("nobody to tell")), at=at)
    if recipients:
        subject, text, html = follow_up_email(message, headline=headline)
        outbox_add(recipients=recipients, subject=subject, text=text, html=html, message=message)


def digest_send(*, at: datetime | None = None) -> int | None:
    """The daily digest (working days, at VAXEL_DIGEST_AT Stockholm time or later):
    each employee's open messages and callbacks in one e-mail. None when not due."""
    from django.db import IntegrityError

    at = at or now()
    today = local(at).date()
    if not hours_on(working_hours_get(), today) or local(at).strftime("%H:%M") < settings.VAXEL_DIGEST_AT:
        return None
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(date=today)
    except IntegrityError:
        return None  # already sent today
    open_messages = Message.objects.exclude(status=MessageStatus.HANDLED).select_related("person", "unit")
    by_person: dict[int, list[Message]] = {}
    for message in open_messages:
        if message.person_id:
            by_person.setdefault(message.person_id, []).append(message)
        elif not message.unit.shared_mailbox:  # type: ignore[union-attr]
            for member_id in message.unit.members.filter(active=True).values_list("id", flat=True):  # type: ignore[union-attr]
                by_person.setdefault(member_id, []).append(message)
    with transaction.atomic():
        for person in Person.objects.filter(pk__in=by_person, active=True):
            subject, text, html = digest_email(person.name, by_person[person.pk])
            outbox_add(recipients=[person.email], subject=subject, text=text, html=html)
        run.sent = len(by_person)
        run.save(update_fields=["sent"])
    return run.sent


def nudge_send(absence: Absence, *, at: datetime, subject: str, template: str, **context) -> None:
    """E-mail the absent person a question about their diversion, once (`nudged_at`)."""
    context.update(person=absence.person, link=f"{settings.VAXEL_BASE_URL}/min-sida/")
    outbox_add(recipients=[absence.person.email], subject=subject, text=render_to_string(template, context))
    Absence.objects.filter(pk=absence.pk).update(nudged_at=at)


@transaction.atomic
def open_absences_nudge(*, at: datetime | None = None) -> int:
    """A forgotten diversion: an absence "until further notice" that has run longer than
    VAXEL_OPEN_ABSENCE_NUDGE_HOURS. Its owner is asked, once, whether it still holds."""
    at = at or now()
    since = at - timedelta(hours=settings.VAXEL_OPEN_ABSENCE_NUDGE_HOURS)
    stale = list(
        Absence.objects.filter(
            ends_at__isnull=True, starts_at__lte=since, nudged_at__isnull=True, person__active=True
        )
        .select_related("person")
        .order_by("pk")
    )
    for absence in stale:
        nudge_send(
            absence,
            at=at,
            subject=_("Are you still away? Your diversion runs until further notice"),
            template="messaging/email_open_absence.txt",
            since=local(absence.starts_at),
            reason=absence.get_reason_display(),
        )
    return len(stale)


def leaver_reported(*, person: Person, direct_number: str | None) -> None:
    """E1: the unit's managers are asked to give a leaver's direct number to someone."""
    managers = list(person.unit.managers.filter(active=True).values_list("email", flat=True))
    if direct_number is None or not managers:
        return
    subject = _("Reassign the number %(number)s: %(name)s has left") % {
        "number": phone.display(direct_number),
        "name": person.name,
    }
    text = _(
        "%(name)s in %(unit)s has left. Calls to %(number)s now go to the switchboard. "
        "Give the number to someone else with 'vaxel number reassign %(e164)s --to EMAIL' (E1)."
    ) % {
        "name": person.name,
        "unit": person.unit.name,
        "number": phone.display(direct_number),
        "e164": direct_number,
    }
    outbox_add(recipients=managers, subject=subject, text=text)
