"""A person's right of access (GDPR art. 15): everything Växel holds about an employee
(by e-mail) or a caller (by number), in one JSON document. Third parties' numbers
follow S3: a mobile whose owner has not consented is never in an export about someone
else; the subject's own numbers are theirs to see."""

import base64
from typing import Any

from axes.models import AccessLog
from django.db.models import Q
from django.utils.translation import gettext as _

from vaxel.audit.models import Change
from vaxel.calendars.models import Calendar, CalendarEvent
from vaxel.core import phone
from vaxel.core.time import iso, now
from vaxel.directory.models import Person
from vaxel.directory.privacy import number_shown, numbers_hidden
from vaxel.messaging.models import Message
from vaxel.records.errors import RecordNotFound, RequestSubjectMissing
from vaxel.records.models import Hold
from vaxel.records.selectors import message_classification
from vaxel.telephony.models import Call, CallEvent
from vaxel.telephony.recording import recording_path

FORMAT = "vaxel-records-export/1"


def _third_party(number: str, *, was_public: bool, hidden: set[str], own: set[str]) -> str | None:
    if number in own:
        return number
    return number_shown(number, was_public=was_public, hidden=hidden)


def _message(message: Message, *, hidden: set[str], own: set[str]) -> dict[str, Any]:
    return {
        "reference": message.reference,
        "taken_at": iso(message.taken_at),
        "for": message.recipient_name,
        "kind": message.kind,
        "status": message.status,
        "about": message.subject,
        "details": message.details,
        "caller_name": message.caller_name,
        "caller_number": _third_party(
            message.caller_number, was_public=message.caller_number_public, hidden=hidden, own=own
        ),
        "handled_at": iso(message.handled_at),
        "classification": message_classification(message),
        "recording": message.recording or None,
        "history": [
            {"at": iso(e.at), "step": e.kind, "by": e.actor_name, "note": e.note}
            for e in message.events.all()
        ],
    }


def _calls(calls, events, *, hidden: set[str], own: set[str]) -> dict[str, list]:
    return {
        "calls": [
            {
                "id": c.external_id,
                "arrived_at": iso(c.arrived_at),
                "ended_at": iso(c.ended_at),
                "state": c.state,
                "caller": _third_party(c.caller, was_public=c.caller_public, hidden=hidden, own=own),
                "called": _third_party(c.called, was_public=True, hidden=hidden, own=own),
                "asked_for": c.asks_for,
                "recording": c.recording or None,  # a voice message left at the switchboard (S2)
            }
            for c in calls
        ],
        "call_events": [
            {
                "call_id": e.call_id,
                "event": e.kind,
                "at": iso(e.at),
                "called": _third_party(e.called, was_public=True, hidden=hidden, own=own),
                "calling": _third_party(e.calling, was_public=True, hidden=hidden, own=own),
            }
            for e in events
        ],
    }


def _holds(found) -> list[dict[str, Any]]:
    return [
        {"reason": h.reason, "note": h.note, "placed_at": iso(h.placed_at), "placed_by": h.placed_by_name}
        for h in found
    ]


def _recordings(messages, calls=()) -> list[dict[str, Any]]:
    """The caller's own voice: the WAV itself, base64, where it is still kept; a
    message's (by its reference) and a voice message left at the switchboard's
    voicemail (by its call's id, S2)."""
    kept = [({"reference": m.reference}, m.recording) for m in messages]
    kept += [({"call": c.external_id}, c.recording) for c in calls]
    found = []
    for named, recording in kept:
        path = recording_path(recording)
        if path is not None:
            found.append(
                {**named, "file": recording, "wav_base64": base64.b64encode(path.read_bytes()).decode()}
            )
    return found


def records_export(*, person: str | None = None, caller: str | None = None) -> dict[str, Any]:
    if bool(person) == bool(caller):
        raise RequestSubjectMissing(_("Give --person EMAIL or --caller NUMBER, one of them."))
    document: dict[str, Any] = {"format": FORMAT, "made_at": iso(now())}
    if caller:
        number = phone.normalise(caller, field="--caller")
        own = {number}
        messages = list(
            Message.objects.filter(caller_number=number)
            .select_related("person", "unit")
            .prefetch_related("events")
        )
        calls = Call.objects.filter(caller=number).order_by("arrived_at")
        events = CallEvent.objects.filter(calling=number).order_by("at")
        hidden = numbers_hidden([c.called for c in calls] + [e.called for e in events])
        document["subject"] = {"caller": number}
        document["messages_left"] = [_message(m, hidden=hidden, own=own) for m in messages]
        document.update(_calls(calls, events, hidden=hidden, own=own))
        document["voicemail_recordings"] = _recordings(messages, calls)
        document["holds"] = _holds(Hold.objects.filter(caller_number=number))
        return document
    subject = (
        Person.objects.filter(email__iexact=(person or "").strip()).select_related("unit", "user").first()
    )
    if subject is None:
        raise RecordNotFound(_("There is nobody with the e-mail address %(email)s.") % {"email": person})
    own = set(subject.numbers.values_list("e164", flat=True))
    for_them = list(
        Message.objects.filter(person=subject).select_related("person", "unit").prefetch_related("events")
    )
    left = list(
        Message.objects.filter(caller_number__in=own)
        .select_related("person", "unit")
        .prefetch_related("events")
    )
    calls = Call.objects.filter(Q(caller__in=own) | Q(caller_person=subject)).order_by("arrived_at")
    events = CallEvent.objects.filter(Q(calling__in=own) | Q(called__in=own)).order_by("at")
    hidden = numbers_hidden(
        [m.caller_number for m in for_them + left]
        + [c.called for c in calls]
        + [e.calling for e in events]
        + [e.called for e in events]
    )
    username = subject.user.get_username() if subject.user else None
    document["subject"] = {"person": subject.email}
    document["directory"] = {
        "name": subject.name,
        "email": subject.email,
        "title": subject.title,
        "unit": subject.unit.name,
        "active": subject.active,
        "login": username,
        "numbers": [
            {"number": n.e164, "kind": n.kind, "may_be_given_to_callers": n.disclosure_consent}
            for n in subject.numbers.all()
        ],
    }
    document["absences"] = [
        {
            "reason": a.reason,
            "from": iso(a.starts_at),
            "until": iso(a.ends_at),
            "note": a.note,
            "entered": a.source,
        }
        for a in subject.absences.order_by("starts_at")
    ]
    document["calendars"] = [
        {"kind": c.kind, "address": c.url, "user_name": c.username, "last_read": iso(c.ok_at)}
        for c in Calendar.objects.filter(person=subject)
    ]
    document["calendar_events"] = [
        {"title": e.title, "from": iso(e.starts_at), "until": iso(e.ends_at), "private": e.private}
        for e in CalendarEvent.objects.filter(calendar__person=subject).order_by("starts_at")
    ]
    document["messages_for_them"] = [_message(m, hidden=hidden, own=own) for m in for_them]
    document["messages_left"] = [_message(m, hidden=hidden, own=own) for m in left]
    document.update(_calls(calls, events, hidden=hidden, own=own))
    document["changes_about_them"] = [
        {"at": iso(c.at), "by": c.actor_name, "change": c.action, "summary": c.summary}
        for c in Change.objects.filter(entity="person", entity_id=str(subject.pk)).order_by("at")
    ]
    document["changes_by_them"] = (
        [
            {"at": iso(c.at), "what": c.entity, "change": c.action, "summary": c.summary}
            for c in Change.objects.filter(actor=subject.user).order_by("at")
        ]
        if subject.user
        else []
    )
    document["sign_ins"] = (
        [
            {"at": iso(a.attempt_time), "address": a.ip_address, "logged_out_at": iso(a.logout_time)}
            for a in AccessLog.objects.filter(username=username).order_by("attempt_time")
        ]
        if username
        else []
    )
    document["holds"] = _holds(Hold.objects.filter(person=subject))
    return document
