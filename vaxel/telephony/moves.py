"""The switchboard's own telephone moves a call on (VAXEL_TELEPHONY_DRIVER=kamailio): the
end of a call that Kamailio reports, a call put through that comes back (a recall), a
parked call, a caller sent on to the overflow, and a call on an operator's desk phone
that the console drives through Kamailio, and the voice message a caller sent on to the
switchboard's voicemail leaves (S2). Each is one service, called by the pages,
the console and Kamailio's answers."""

import contextlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vaxel.core.errors import InvalidInput, VaxelError
from vaxel.core.text import identifier
from vaxel.core.time import now
from vaxel.telephony.drivers import driver_get
from vaxel.telephony.errors import (
    CallNotAnswered,
    CallNotFound,
    ConsultNotPossible,
    DeskPhoneNotEnded,
    DeskPhoneNotInCall,
    NoSuchTarget,
    NotVoiceMessage,
    TelephoneUnreachable,
)
from vaxel.telephony.g711 import pcm16_wav
from vaxel.telephony.models import Call, CallState, OperatorPresence, RecallReason, SipTarget, SipTargetKind
from vaxel.telephony.queueing import overflow_reason
from vaxel.telephony.recording import recording_save, voicemail_recording_on
from vaxel.telephony.selectors import operators_present
from vaxel.telephony.services import (
    VOICEMAIL_SHORTEST,
    call_announce,
    call_answer,
    call_end,
    callback_due,
    live_call_locked,
    login_of,
    number_owner,
    owned_by,
    reachable_number,
    step_log,
)
from vaxel.telephony.sip_control import control_request
from vaxel.telephony.switchboard import (
    OVERFLOW_PREFIX,
    consult_target_add,
    diverted_to_switchboard,
    moved_target_find,
    overflow_target_add,
    sip_uri,
    transfer_uri,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def dialog_ended(*, target: str, at: datetime | None = None) -> Call:
    """Kamailio's dialog of a call it moved is over, however often it tells: at `xfer-…`
    the conversation put through (someone hung up, or it was never answered: the call's
    last step); at `op-…` the operator's conversation with the caller (the call ends,
    unless it was put through or ended already); at `cb-…` the operator's call back (the
    call ends, or, never answered, the callback goes back to its place)."""
    found = moved_target_find(target)
    if found is None:
        raise NoSuchTarget(_("That address was never rung."))
    if found.kind in (SipTargetKind.OPERATOR, SipTargetKind.CALLBACK):
        newest = SipTarget.objects.filter(call_id=found.call_id, kind=found.kind).order_by("-pk").first()
        if newest != found or found.call.state == CallState.PARKED:  # the caller has moved on
            return found.call
        return call_end(call_id=found.call_id, at=at)
    if found.kind == SipTargetKind.PARK or found.call.recalls.exists():  # its leg goes on
        return found.call
    number = found.number.e164 if found.number is not None else ""
    step_log(found.call, "ended", at or now(), transferred_to=number)
    return found.call


def recall_reason(code: str) -> str:
    """Why a call put through came back, from the SIP status its transfer ended with."""
    if code in ("408", "480", "487"):
        return RecallReason.NO_ANSWER
    if code in ("486", "600"):
        return RecallReason.BUSY
    if code in ("603", "403"):
        return RecallReason.DECLINED
    return RecallReason.NOT_REACHED


@transaction.atomic
def call_recall_arrive(*, external_id: str, recalled: str, at: datetime | None = None) -> Call:
    """A call put through (`recalled`: "xfer-…;code=<SIP status>") that was not answered
    there, by the person, a shared number's members or a mobile, comes back to the queue:
    at its first place, marked with where it tried and why, and answered at once for the
    operator who put it through when that operator is free."""
    token, _sep, params = recalled.partition(";")
    found = moved_target_find(token.strip())
    if found is None or found.kind != SipTargetKind.TRANSFER:
        raise NoSuchTarget(_("That address was never put through to."))
    external_id = identifier(external_id, field="id")
    existing = Call.objects.filter(external_id=external_id).first()
    if existing is not None:  # the media endpoint asks again: the same leg
        return existing
    at = at or now()
    tried = Call.objects.select_for_update().get(pk=found.call_id)
    root = tried.recall_of or tried
    leg = Call.objects.create(
        external_id=external_id,
        driver=tried.driver,
        caller=root.caller,
        caller_public=root.caller_public,
        caller_person=root.caller_person,
        internal=root.internal,
        called=root.called,
        asks_for=root.asks_for,
        state=CallState.QUEUED,
        arrived_at=root.arrived_at,
        place_at=root.place_at,  # its place in the queue is the one it first had
        recall_of=root,
        recall_reason=recall_reason(params.partition("code=")[2].strip()[:3]),
        put_through_name=tried.put_through_name,
    )
    number = found.number.e164 if found.number is not None else ""
    step_log(leg, "recalled", at, again=True, transferred_to=number)
    operator = tried.answered_by
    if (
        operator is not None
        and not Call.objects.filter(state=CallState.ANSWERED, answered_by=operator).exists()
    ):
        return call_answer(call_id=leg.pk, actor=operator, at=at)
    call_announce(leg)
    return leg


@transaction.atomic
def call_consult(*, call_id: int, number_id: int, actor) -> tuple[str, str]:
    """The operator asks the person first: the console puts the caller on hold and calls
    the address this gives (routed as the number dialled: an absence's diversion holds,
    a shared number rings its members), and whose number it is. Putting the call
    through to the same number afterwards connects the caller to the phone that
    answered (Kamailio; see switchboard.consultation_of)."""
    call = live_call_locked(call_id)
    owned_by(call, actor)
    if call.state != CallState.ANSWERED:
        raise CallNotAnswered(_("Answer the call before you ask someone first."))
    number = reachable_number(number_id)
    if diverted_to_switchboard(number, caller=call.caller, at=now()):
        raise ConsultNotPossible(
            _("%(name)s is absent and their calls come to the switchboard; take a message instead.")
            % {"name": number_owner(number)}
        )
    return sip_uri(consult_target_add(call=call, number=number, operator=actor)), number_owner(number)


@transaction.atomic
def call_park(*, call_id: int, actor, at: datetime | None = None) -> Call:
    """The operator parks the caller (they hear the waiting music) to take the next
    call; any operator may pick it up (call_answer), and after VAXEL_PARK_SECONDS it
    rings the one who parked it again."""
    call = live_call_locked(call_id)
    owned_by(call, actor)
    if call.state != CallState.ANSWERED:
        raise CallNotAnswered(_("Answer the call before you park it."))
    at = at or now()
    driver_get().park(call)
    call.state, call.parked_by = CallState.PARKED, actor
    call.parked_until = at + timedelta(seconds=settings.VAXEL_PARK_SECONDS)
    call.save(update_fields=["state", "parked_by", "parked_until"])
    step_log(call, "parked", at, again=True, answered_by=login_of(actor))
    call_announce(call)
    return call


@transaction.atomic
def call_park_arrive(*, line: str, parked: str) -> Call:
    """The parked caller (`parked`: the park-… address) reached the parking place on
    `line`, their new SIP Call-ID there."""
    found = moved_target_find(parked.strip())
    if found is None or found.kind != SipTargetKind.PARK:
        raise NoSuchTarget(_("That call was never parked."))
    Call.objects.filter(pk=found.call_id).update(line_id=identifier(line, field="id"))
    return Call.objects.get(pk=found.call_id)


def parked_too_long(at: datetime | None = None) -> list[Call]:
    """Calls parked past their time ring the operator who parked them again, when that
    operator has no other call; the others stay parked, for anyone to pick up."""
    at = at or now()
    rung = []
    overdue = Call.objects.filter(state=CallState.PARKED, parked_until__lte=at).select_related("parked_by")
    for call in overdue:
        operator = call.parked_by
        if operator is None or Call.objects.filter(state=CallState.ANSWERED, answered_by=operator).exists():
            continue
        with contextlib.suppress(VaxelError):  # picked up meanwhile
            rung.append(call_answer(call_id=call.pk, actor=operator, at=at))
    return rung


def desk_phone_control(*, call_id: int, actor, action: str) -> Call:
    """Put through (after call_put_through), park (after call_park) or end (after
    call_end) the call the operator has on a desk phone, which the console cannot drive:
    Kamailio refers the caller within the call to the address put through to or the
    parking place, or ends the call."""
    call = Call.objects.filter(Q(answered_by=actor) | Q(parked_by=actor), pk=call_id).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s of yours.") % {"id": call_id})
    rang = SipTarget.objects.filter(call=call, kind=SipTargetKind.OPERATOR, operator=actor)
    desk = rang.filter(used_at__isnull=False).order_by("-pk").first()
    if desk is None:
        raise DeskPhoneNotInCall(_("The call never reached your desk phone; it is still waiting for you."))
    if action == "put-through" and call.state == CallState.PUT_THROUGH:
        status, done = control_request("REFER", sip_uri(desk), refer_to=transfer_uri(call)), 202
    elif action == "park" and call.state == CallState.PARKED:
        parking = transfer_uri(call, kind=SipTargetKind.PARK)
        status, done = control_request("REFER", sip_uri(desk), refer_to=parking), 202
    elif action == "end":
        status, done = control_request("BYE", sip_uri(desk)), 200
    else:
        raise InvalidInput(_("Put the call through first, or end it."))
    if status == 0:
        raise TelephoneUnreachable(_("Kamailio did not answer: the call is as it was on your desk phone."))
    if action == "end" and status == 500:  # the caller's part ended, the desk phone's perhaps not
        raise DeskPhoneNotEnded(
            _("The call has ended for the caller, but your desk phone may still show it: hang it up.")
        )
    if status != done:
        raise DeskPhoneNotInCall(_("Your desk phone is no longer in this call: the caller may have hung up."))
    return call


OVERFLOW_REASONS = {
    "nobody": _("no operator there"),
    "queue_full": _("the queue was full"),
    "waited": _("waited too long"),
}


def presence_seen(user, at: datetime | None = None) -> None:
    """The operator's console is open (its live stream, now and every little while)."""
    OperatorPresence.objects.update_or_create(user=user, defaults={"seen_at": at or now()})


VOICEMAIL = "voicemail"  # VAXEL_OVERFLOW_TO's value for the switchboard's own voicemail (S2)


def overflow_to_voicemail() -> bool:
    return settings.VAXEL_OVERFLOW_TO.strip().lower() == VOICEMAIL


def overflow_held() -> bool:
    """The overflow is the switchboard's voicemail but recording is off
    (VAXEL_VOICEMAIL_RECORDING): nobody could leave a message there, so no caller is sent
    on. They keep their place and hear the offer to be called back (E4) once they would
    have gone (media_endpoint), rather than a voicemail that cannot record."""
    return overflow_to_voicemail() and not voicemail_recording_on()


@transaction.atomic
def call_overflow(*, call_id: int, reason: str, at: datetime | None = None) -> Call | None:
    """A caller waiting at the switchboard goes on to the overflow (VAXEL_OVERFLOW_TO):
    the media endpoint refers them to an over-… address, which Kamailio resolves by
    asking Växel, as it does for a call put through. Once per call."""
    call = Call.objects.select_for_update().filter(pk=call_id, state=CallState.QUEUED).first()
    if call is None:
        return None
    at = at or now()
    overflow_target_add(call=call)
    call.state, call.ended_at = CallState.PUT_THROUGH, at
    why = {"reason": OVERFLOW_REASONS.get(reason, reason)}
    if overflow_to_voicemail():
        call.put_through_name = _("the switchboard's voicemail (%(reason)s)") % why
    else:
        call.put_through_name = _("the overflow (%(reason)s)") % why
    call.save(update_fields=["state", "ended_at", "put_through_name"])
    step_log(call, "overflowed", at, transferred_to=settings.VAXEL_OVERFLOW_TO)
    call_announce(call)
    return call


def overflow_reason_of(call: Call, *, place: int, present: int, at: datetime) -> str | None:
    """Why the caller at `place` in the queue would go on to the overflow now, or None."""
    return overflow_reason(
        present=present,
        waiting=place,
        waited_seconds=(at - call.arrived_at).total_seconds(),
        most_waiting=settings.VAXEL_OVERFLOW_QUEUE_LENGTH,
        longest_wait=settings.VAXEL_OVERFLOW_AFTER_SECONDS,
    )


def overflows_due(at: datetime | None = None) -> list[Call]:
    """The callers waiting on the line who go on to the overflow now (nobody when no
    overflow is set, or it is a voicemail that cannot record): all of them when no
    operator's console is open, those beyond the queue's length, and any who waited too
    long."""
    if not settings.VAXEL_OVERFLOW_TO or overflow_held():
        return []
    at = at or now()
    present = operators_present(at)
    sent = []
    waiting = Call.objects.filter(state=CallState.QUEUED).order_by("place_at", "pk")
    lately = at - timedelta(seconds=OVERFLOW_RETRY_SECONDS)  # tried lately: not again yet
    for place, call in enumerate(waiting, start=1):
        reason = overflow_reason_of(call, place=place, present=present, at=at)
        if (
            reason is not None
            and not call.sip_targets.filter(kind=SipTargetKind.OVERFLOW, created_at__gt=lately).exists()
            and (moved := call_overflow(call_id=call.pk, reason=reason, at=at))
        ):
            sent.append(moved)
    return sent


OVERFLOW_RETRY_SECONDS = 10  # a caller who could not get to the overflow tries again after


@transaction.atomic
def referral_not_reached(*, line: str) -> Call | None:
    """A caller referred on could not get there (their telephone said so): to the
    overflow (the destination, Kamailio or Växel did not take the call), or to the
    telephone of the operator who answered (not registered, busy or refusing). They are
    still held in the queue, so the call waits again at its place for any operator, and
    one sent to the overflow goes on at the next try (OVERFLOW_RETRY_SECONDS later):
    never dropped, never stuck with an operator who does not have it, never lost from
    the consoles."""
    found = Call.objects.select_for_update()
    call = found.filter(external_id=line).first() or found.filter(line_id=line).first()
    newest = SipTarget.objects.filter(call=call).order_by("-pk").first() if call is not None else None
    if call is None or newest is None:
        return None
    if newest.kind == SipTargetKind.OVERFLOW and call.state == CallState.PUT_THROUGH:
        call.state, call.ended_at, call.put_through_name = CallState.QUEUED, None, ""
        call.save(update_fields=["state", "ended_at", "put_through_name"])
    elif newest.kind == SipTargetKind.OPERATOR and call.state == CallState.ANSWERED:
        logger.warning("Call %s did not reach the telephone of the operator who answered it", call.pk)
        call.state, call.answered_by, call.answered_at = CallState.QUEUED, None, None
        call.save(update_fields=["state", "answered_by", "answered_at"])
    else:
        return None
    call_announce(call)
    return call


@transaction.atomic
def overflow_voicemail_take(*, token: str, alaw: bytes, at: datetime | None = None) -> Call | None:
    """S2: a caller sent on to the switchboard's voicemail (the over-… address `token`)
    left a message. Their call waits in the queue again at the place it had, so nobody is
    overtaken: a callback (E4) due by the switchboard's service level, as a press-1
    callback is, with the recording to listen to; with a withheld number, a message to
    listen to and close. A recording too short to be a message (the caller hung up at
    once) changes nothing: the call ended as overflowed. Told twice, the second changes
    nothing."""
    found = moved_target_find(f"{OVERFLOW_PREFIX}{token}")
    if found is None or found.kind != SipTargetKind.OVERFLOW:
        return None
    call = Call.objects.select_for_update().get(pk=found.call_id)
    if call.recording:
        return call
    if call.state != CallState.PUT_THROUGH or len(alaw) < VOICEMAIL_SHORTEST:
        return None
    at = at or now()
    call.recording = recording_save(f"vaxelmeddelande-{call.pk}.wav", pcm16_wav(alaw))
    call.state, call.ended_at, call.callback_requested_at = CallState.CALLBACK, None, at
    call.callback_due_at = callback_due(at) if call.caller else None  # a withheld number: no callback
    call.save(update_fields=["recording", "state", "ended_at", "callback_requested_at", "callback_due_at"])
    step_log(call, "voice_message", at)
    call_announce(call)
    return call


@transaction.atomic
def call_voice_message_close(*, call_id: int, actor, at: datetime | None = None) -> Call:
    """The operator has listened to a voice message in the queue (S2) and closes it: the
    caller's number is withheld, so nobody can call back, or the message needs no call
    back. The call ends, closed by that operator (a callback not made stays one missed
    in the statistics, E4)."""
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s.") % {"id": call_id})
    if call.state != CallState.CALLBACK or not call.recording:
        raise NotVoiceMessage(_("That call is not a voice message waiting in the queue."))
    at = at or now()
    call.state, call.ended_at, call.answered_by = CallState.ENDED, at, actor
    call.save(update_fields=["state", "ended_at", "answered_by"])
    step_log(call, "ended", at, answered_by=login_of(actor))
    call_announce(call)
    return call
