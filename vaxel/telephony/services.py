"""Calls at the switchboard: arriving (from the telephone system), answered with the
greeting (S1), put through, turned into a message (S2), ended. Every step is announced
to the open consoles."""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vaxel.access.constants import Role, Scope
from vaxel.access.services import token_create, user_add
from vaxel.audit.services import actor_label
from vaxel.availability.models import Absence
from vaxel.availability.schedule import add_working_time
from vaxel.availability.selectors import working_hours_get
from vaxel.core import events, live, phone
from vaxel.core.errors import InvalidPhoneNumber
from vaxel.core.text import identifier, one_line
from vaxel.core.time import local, now
from vaxel.directory.errors import NumberNotFound
from vaxel.directory.models import NumberKind, PhoneNumber
from vaxel.directory.selectors import organisation_get
from vaxel.messaging.models import Message, MessageKind
from vaxel.messaging.services import message_take, nudge_send
from vaxel.routing.cache import route_cached
from vaxel.routing.out_of_service import numbers_out_of_service
from vaxel.routing.values import Action
from vaxel.telephony.drivers import driver_get
from vaxel.telephony.errors import (
    CallEnded,
    CallInProgress,
    CallNotAnswered,
    CallNotFound,
    CallTaken,
    InvalidRate,
    NoCallbackNumber,
    NoSwitchboard,
    NotCallback,
    NotSwitchboard,
    NumberOutOfService,
    PersonInactive,
)
from vaxel.telephony.g711 import pcm16_wav
from vaxel.telephony.models import (
    LIVE_STATES,
    Call,
    CallEvent,
    CallEventKind,
    CallState,
    SipTarget,
    SipTargetKind,
)
from vaxel.telephony.queueing import callback_step
from vaxel.telephony.switchboard import callback_target_add


def call_announce(call: Call) -> None:
    live.notify("queue", call=call.pk, state=call.state)


def live_call_locked(call_id: int) -> Call:
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s.") % {"id": call_id})
    if call.state not in LIVE_STATES:
        raise CallEnded(
            _("The call has already ended (%(state)s).") % {"state": call.get_state_display()},
        )
    return call


def owned_by(call: Call, actor) -> None:
    """An answered call belongs to the operator who answered it; a waiting one is anyone's."""
    if call.state == CallState.ANSWERED and call.answered_by_id != actor.pk:
        raise CallTaken(
            _("%(name)s has already answered this call.") % {"name": actor_label(call.answered_by)},
        )


@transaction.atomic
def call_arrive(
    *,
    caller: str,
    called: str,
    external_id: str = "",
    asks_for: str = "",
    driver: str = "simulator",
    at: datetime | None = None,
) -> Call:
    """A call reaches the switchboard number: it queues while the switchboard is open,
    otherwise the caller hears when it opens next (S4). Reporting the same call id twice
    returns the call already recorded, so a telephone system may safely retry."""
    at = at or now()
    external_id = identifier(external_id, field="id") or f"{driver}-{secrets.token_hex(8)}"
    existing = Call.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing
    called_key = phone.lookup_key((called or "").strip())
    if called_key is None:
        raise InvalidPhoneNumber(
            _("The number called %(value)r is not a phone number; send it as E.164, e.g. +46370331000.")
            % {"value": called},
            details={"field": "called"},
        )
    caller_key = phone.lookup_key((caller or "").strip()) or ""
    decision = route_cached(called=called_key, calling=caller_key or None, at=at)  # the PBX's snapshot
    if decision.called_kind != "switchboard":
        raise NotSwitchboard(
            _("%(number)s is not the switchboard's number; only calls to the switchboard queue here.")
            % {"number": phone.display(decision.called) or _("The number")},
        )
    owner = (
        PhoneNumber.objects.filter(e164=caller_key).select_related("person").first() if caller_key else None
    )
    queues = decision.action == Action.QUEUE
    # A caller whose callback still waits phones again: this call takes over the
    # callback's place, and the callback is done with (one caller, one place).
    waiting_callback = (
        Call.objects.select_for_update()
        .filter(state=CallState.CALLBACK, caller=caller_key)
        .order_by("pk")
        .first()
        if queues and caller_key
        else None
    )
    call = Call.objects.create(
        external_id=external_id,
        driver=driver,
        caller=caller_key,
        caller_public=owner is None or owner.is_public,
        caller_person=owner.person if owner is not None else None,
        internal=decision.internal,
        called=called_key,
        asks_for=one_line(asks_for, field="asks_for", longest=200),
        state=CallState.QUEUED if queues else CallState.CLOSED,
        arrived_at=at,
        place_at=waiting_callback.place_at if waiting_callback is not None else at,
        ended_at=None if queues else at,
    )
    step_log(call, "arrived", at, calling=caller_key)
    if call.state == CallState.CLOSED:
        step_log(call, "ended", at)
    if waiting_callback is not None:
        waiting_callback.state, waiting_callback.ended_at = CallState.ENDED, at
        waiting_callback.save(update_fields=["state", "ended_at"])
        step_log(waiting_callback, "ended", at)
        call_announce(waiting_callback)
    call_announce(call)
    return call


@transaction.atomic
def call_answer(*, call_id: int, actor, at: datetime | None = None) -> Call:
    """The operator takes a waiting call and greets the caller (S1)."""
    call = live_call_locked(call_id)
    if call.state == CallState.ANSWERED:
        owned_by(call, actor)
        return call
    current = Call.objects.filter(state=CallState.ANSWERED, answered_by=actor).first()
    if current is not None:
        raise CallInProgress(
            _("Finish the call you have first: put it through, take a message or end it."),
        )
    call.state, call.answered_by, call.answered_at = CallState.ANSWERED, actor, at or now()
    call.save(update_fields=["state", "answered_by", "answered_at"])
    driver_get().answer(call, actor)
    step_log(call, "answered", call.answered_at, answered_by=login_of(actor))
    call_announce(call)
    return call


def reachable_number(number_id: int) -> PhoneNumber:
    """The directory number a call may go to: it exists, its person is still here and it
    is no work mobile reported lost (W1)."""
    number = PhoneNumber.objects.select_related("person", "group").filter(pk=number_id).first()
    if number is None:
        raise NumberNotFound(_("There is no number %(id)s in the directory.") % {"id": number_id})
    if number.person is not None and not number.person.active:
        raise PersonInactive(
            _("%(name)s has left; put the call through to someone else in the unit.")
            % {"name": number.person.name},
        )
    if number.e164 in numbers_out_of_service():
        raise NumberOutOfService(
            _(
                "%(name)s's work mobile is reported lost or stolen (W1); put the call through to "
                "their direct number or take a message."
            )
            % {"name": number.person.name if number.person else "-"},
        )
    return number


def number_owner(number: PhoneNumber) -> str:
    """Whose the number is, as the console says it: never its digits (S3)."""
    owner = number.person.name if number.person else (number.group.name if number.group else "")
    if number.kind == NumberKind.MOBILE:
        owner = _("%(name)s (mobile)") % {"name": owner}
    return owner[:200]


@transaction.atomic
def call_put_through(*, call_id: int, number_id: int, actor, at: datetime | None = None) -> Call:
    """Connect the caller to a person's number, a shared number or a mobile. The number
    is chosen by its id: a mobile without consent is connected without anyone seeing it
    (S3)."""
    call = live_call_locked(call_id)
    owned_by(call, actor)
    if call.state == CallState.PARKED:
        raise CallNotAnswered(_("Pick up the parked call first, then put it through."))
    number = reachable_number(number_id)
    driver_get().put_through(call, number)
    at = at or now()
    call.state, call.ended_at = CallState.PUT_THROUGH, at
    call.answered_by, call.answered_at = actor, call.answered_at or at
    call.put_through_to, call.put_through_name = number, number_owner(number)
    call.save()
    step_log(call, "answered", call.answered_at, answered_by=login_of(actor))
    step_log(call, "transferred", at, transferred_to=number.e164)
    call_announce(call)
    return call


@transaction.atomic
def call_hold(*, call_id: int, actor, held: bool, at: datetime | None = None) -> Call:
    """The operator puts the caller on hold (the caller hears silence or music from the
    operator's telephone) or takes them off it; the call stays the operator's."""
    call = live_call_locked(call_id)
    owned_by(call, actor)
    if call.state != CallState.ANSWERED:
        raise CallNotAnswered(_("Answer the call before you put it on hold."))
    step_log(call, "held" if held else "resumed", at or now(), again=True, answered_by=login_of(actor))
    return call


@transaction.atomic
def call_take_message(*, call_id: int, actor, at: datetime | None = None, **message: Any) -> Call:
    """S2: nobody can answer, so the caller leaves a message (or asks to be called back);
    the message goes out like any other, and the call ends."""
    call = live_call_locked(call_id)
    owned_by(call, actor)
    at = at or now()
    message.setdefault("caller_number", call.caller)
    taken = message_take(actor=actor, at=at, **message)
    call.state, call.ended_at, call.message = CallState.MESSAGE, at, taken
    call.answered_by, call.answered_at = actor, call.answered_at or at
    call.save()
    step_log(call, "answered", call.answered_at, answered_by=login_of(actor))
    step_log(call, "ended", at)
    call_announce(call)
    return call


@transaction.atomic
def call_end(
    *, call_id: int | None = None, external_id: str | None = None, actor=None, at: datetime | None = None
) -> Call:
    """The call is over: the caller hung up (while waiting: abandoned) or the operator
    ended it. Ending an ended call changes nothing, so a telephone system may retry."""
    found = Call.objects.select_for_update()
    if call_id is not None:
        call = found.filter(pk=call_id).first()
    else:  # the call's own id, or the line a parked call waits on at the media endpoint
        # (two lookups by index: with OR, SQLite may read every call in arrival order)
        call = found.filter(external_id=external_id).first() or (
            found.filter(line_id=external_id).first() if external_id else None
        )
    if call is None:
        raise CallNotFound(_("There is no such call."))
    if call.state not in LIVE_STATES:
        return call
    if actor is not None:
        owned_by(call, actor)
    if _calling_back(call):  # the call back was never answered: try again later
        return _callback_failed(call, at or now())
    if actor is not None:
        driver_get().hang_up(call)
    call.state = CallState.ABANDONED if call.state == CallState.QUEUED else CallState.ENDED
    call.ended_at = at or now()
    call.save(update_fields=["state", "ended_at"])
    step_log(call, "abandoned" if call.state == CallState.ABANDONED else "ended", call.ended_at)
    call_announce(call)
    return call


def _calling_back(call: Call) -> bool:
    """An operator is calling the caller back and the caller has not answered yet."""
    asked = call.callback_requested_at is not None
    return call.state == CallState.ANSWERED and asked and call.called_back_at is None


def callback_due(at: datetime) -> datetime | None:
    """When a callback asked for at `at` is due: within the switchboard's service level
    (the default callback time: the switchboard has no unit of its own)."""
    within = timedelta(hours=settings.VAXEL_CALLBACK_WORKING_HOURS)
    return add_working_time(working_hours_get(), at, within)


@transaction.atomic
def call_callback_request(*, external_id: str, at: datetime | None = None) -> Call | None:
    """E4: a caller waiting in the queue pressed 1 to be called back. The call leaves the
    line but keeps its place; it is due by the switchboard's service level (the default
    callback time: the switchboard has no unit of its own). Asking again changes nothing;
    a withheld number, or a call an operator has already answered, gets None."""
    call = Call.objects.select_for_update().filter(external_id=external_id).first()
    if call is None or not call.caller:
        return None
    step = callback_step(call.state, "request")
    if step.state is None or not step.new:
        return call if step.state is not None else None
    at = at or now()
    call.state, call.callback_requested_at = CallState.CALLBACK, at
    call.callback_due_at = callback_due(at)
    call.save(update_fields=["state", "callback_requested_at", "callback_due_at"])
    step_log(call, "callback", at)
    call_announce(call)
    return call


@transaction.atomic
def call_callback_start(*, call_id: int, actor, at: datetime | None = None) -> tuple[Call, SipTarget]:
    """The next free operator calls a waiting callback's caller back from the console:
    the call is theirs, and the console calls the opaque `cb-…` address Kamailio
    resolves to the caller's number (never shown, S3). Asking again while that call
    rings (a double click) gives the same address, so the caller is called once."""
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s.") % {"id": call_id})
    if _calling_back(call):
        owned_by(call, actor)
        ringing = SipTarget.objects.filter(call=call, kind=SipTargetKind.CALLBACK, operator=actor)
        target = ringing.order_by("-pk").first()
        if target is not None:
            return call, target
    if callback_step(call.state, "start").state is None:
        raise NotCallback(_("That caller is no longer waiting to be called back."))
    if not call.caller:  # a voice message with a withheld number (S2): nobody to ring
        raise NoCallbackNumber(
            _("The caller's number is withheld: listen to the voice message and close it.")
        )
    if Call.objects.filter(state=CallState.ANSWERED, answered_by=actor).exists():
        raise CallInProgress(
            _("Finish the call you have first: put it through, take a message or end it."),
        )
    call.state, call.answered_by = CallState.ANSWERED, actor
    call.callback_attempts += 1
    call.save(update_fields=["state", "answered_by", "callback_attempts"])
    target = callback_target_add(call=call, operator=actor)
    call_announce(call)
    return call, target


@transaction.atomic
def call_callback_result(*, call_id: int, actor, answered: bool, at: datetime | None = None) -> Call:
    """How the operator's call back went, as the console's telephone saw it: the caller
    answered (the call is an answered one from now, its wait ending here), or did not
    (the callback goes back to its place, or is given up after
    VAXEL_QUEUE_CALLBACK_ATTEMPTS tries). Told twice, the second changes nothing."""
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s.") % {"id": call_id})
    if not _calling_back(call):
        return call  # already told (or the caller is back in the queue)
    owned_by(call, actor)
    at = at or now()
    if not answered:
        return _callback_failed(call, at)
    call.called_back_at, call.answered_at = at, at
    call.save(update_fields=["called_back_at", "answered_at"])
    step_log(call, "called_back", at, answered_by=login_of(actor))
    step_log(call, "answered", at, answered_by=login_of(actor))
    call_announce(call)
    return call


def _callback_failed(call: Call, at: datetime) -> Call:
    most = settings.VAXEL_QUEUE_CALLBACK_ATTEMPTS
    step = callback_step(call.state, "failed", attempts=call.callback_attempts, most_attempts=most)
    assert step.state is not None
    step_log(call, "callback_failed", at, again=True, answered_by=login_of(call.answered_by))
    call.state, call.answered_by = step.state, None
    if call.state == CallState.ENDED:
        call.ended_at = at
        step_log(call, "ended", at)
    call.save(update_fields=["state", "answered_by", "ended_at"])
    call_announce(call)
    return call


SIMULATOR_LOGIN = "simulator"


def simulation_switchboard(*, rate: float, patience: float, count: int | None) -> str:
    """The switchboard number a simulation calls, once its rate, patience and count are
    possible ones; InvalidInput says what to give instead."""
    if rate <= 0 or patience <= 0 or (count is not None and count < 1):
        raise InvalidRate(_("--rate and --patience must be above 0, and --count at least 1."))
    switchboard = organisation_get().switchboard_number
    if not switchboard:
        raise NoSwitchboard(
            _("No switchboard number yet; set it with 'vaxel organisation set --switchboard-number'."),
        )
    return switchboard


@transaction.atomic
def simulator_token_issue():
    """A token for `vaxel simulate`, owned by a login of its own with the operator role
    (created the first time). Revoke it when the simulation ends."""
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username=SIMULATOR_LOGIN).exists():
        user_add(username=SIMULATOR_LOGIN, roles=Role.OPERATOR.value)
    return token_create(owner=SIMULATOR_LOGIN, scopes=[Scope.EVENTS.value], name="simulator")


def call_events_store(reported: Iterable[CallEvent]) -> tuple[int, int]:
    """Store checked events; an event already stored is not stored again. The calls
    they are about are recorded again for the statistics (CALL_EVENTS_STORED). Returns
    (stored, duplicates)."""
    stored, duplicates, calls = 0, 0, set()
    with transaction.atomic():  # all or nothing: a row the database refuses stores none
        for event in reported:
            try:
                with transaction.atomic():
                    event.save()
                stored += 1
                calls.add(event.call_id)
            except IntegrityError:
                duplicates += 1
    events.publish(events.CALL_EVENTS_STORED, call_ids=calls)
    return stored, duplicates


def login_of(actor) -> str:
    return actor.get_username() if actor is not None else ""


def step_log(call: Call, kind: str, at: datetime, *, again: bool = False, **fields: str) -> None:
    """What happened to a switchboard call, as a call event the statistics count (the
    worker's minute job records it: not this request, which is a caller's); the same
    step of the same call is logged once however often it is reported (a step that may
    recur, as hold does, once per moment). A recall's leg is the same call."""
    root = call.recall_of or call
    moment = f":{at.isoformat()}" if again else ""
    event = CallEvent(
        event_id=f"vaxel:{root.external_id}:{kind}{moment}"[:200],
        call_id=root.external_id,
        kind=kind,
        at=at,
        called=call.called,
        **fields,
    )
    CallEvent.objects.bulk_create([event], ignore_conflicts=True)  # one INSERT … ON CONFLICT DO NOTHING


VOICEMAIL_SHORTEST = 4000  # bytes of A-law: half a second; less is a caller who hung up


def voicemail_person(number: str):
    """The person whose voicemail a number is (their direct number), or None."""

    found = PhoneNumber.objects.filter(e164=phone.lookup_key(number) or "", kind=NumberKind.DIRECT)
    owner = found.select_related("person__unit").first()
    person = owner.person if owner is not None else None
    return person if person is not None and person.active else None


def voicemail_take(*, number: str, caller: str, alaw: bytes) -> Message | None:
    """A caller left a voicemail for the person with this number: it becomes a message
    (E5) with the recording attached; a call back when the caller's number is known."""

    person = voicemail_person(number)
    if person is None or len(alaw) < VOICEMAIL_SHORTEST:
        return None
    caller_key = phone.lookup_key(caller) or ""
    return message_take(
        subject=_("Voicemail"),
        caller_number=caller_key,
        for_person=person.email,
        kind=MessageKind.CALLBACK if caller_key else MessageKind.INFORMATION,
        details=_("A voicemail of %(seconds)d seconds is attached.") % {"seconds": len(alaw) // 8000},
        recording=pcm16_wav(alaw),
    )


def media_recorded(*, uri: str, caller: str, alaw: bytes) -> Message | None:
    """The media endpoint's recording of a call to `sip:voicemail-<number>@…`, from the
    caller named in `caller` (a SIP From header)."""
    from urllib.parse import unquote

    number = unquote(uri.removeprefix("sip:").split("@", 1)[0]).removeprefix("voicemail-")
    calling = caller.split("sip:", 1)[-1].split("@", 1)[0]
    return voicemail_take(number=number, caller=calling, alaw=alaw)


@transaction.atomic
def forgotten_diversions_nudge(*, at: datetime | None = None, calls: int = 2) -> int:
    """A forgotten diversion the other way round: the absence has ended, yet calls to the
    person's direct number go unanswered (from the telephone system's call events).
    After `calls` unanswered calls and none answered, the person is asked, once. A few
    queries in all, however many absences ended."""
    at = at or now()
    ended = list(
        Absence.objects.filter(
            ends_at__gt=at - timedelta(hours=4), ends_at__lte=at, nudged_at__isnull=True, person__active=True
        ).select_related("person")
    )
    if not ended:
        return 0
    directs = dict(
        PhoneNumber.objects.filter(
            person_id__in={a.person_id for a in ended}, kind=NumberKind.DIRECT
        ).values_list("person_id", "e164")
    )
    events = CallEvent.objects.filter(
        called__in=set(directs.values()),
        at__gte=min(a.ends_at for a in ended if a.ends_at is not None),
        at__lte=at,
        kind__in=[CallEventKind.ANSWERED, CallEventKind.ENDED, CallEventKind.ABANDONED],
    ).values_list("called", "call_id", "kind", "at")
    by_number: dict[str, list[tuple[str, str, datetime]]] = {}
    for called, call_id, kind, when in events:
        by_number.setdefault(called, []).append((call_id, kind, when))
    count = 0
    for absence in ended:
        number = directs.get(absence.person_id)
        if number is None or absence.ends_at is None:
            continue
        since = [
            (call_id, kind) for call_id, kind, when in by_number.get(number, []) if when >= absence.ends_at
        ]
        if any(kind == CallEventKind.ANSWERED for _call, kind in since):
            continue
        finished = {call_id for call_id, kind in since}
        if len(finished) < calls:
            continue
        nudge_send(
            absence,
            at=at,
            subject=_("Your diversion has ended, but your phone is not answered"),
            template="telephony/email_unanswered.txt",
            back=local(absence.ends_at),
            calls=len(finished),
        )
        count += 1
    return count
