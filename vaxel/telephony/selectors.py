"""What the switchboard sees of its calls."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from vaxel.audit.services import actor_label
from vaxel.core.phone import display
from vaxel.directory.models import Keyword, NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.privacy import number_shown, numbers_hidden
from vaxel.directory.selectors import organisation_get, search_directory
from vaxel.mobiles.selectors import greeting_for
from vaxel.telephony.g711 import wav_audio
from vaxel.telephony.models import (
    LIVE_STATES,
    WAITING_STATES,
    Call,
    CallState,
    OperatorPresence,
    RecallReason,
)
from vaxel.telephony.prompts import prompt_file, prompt_text
from vaxel.telephony.queueing import Entry, place_of, queue_order
from vaxel.telephony.recording import recording_path, switchboard_voicemail_greeting, voicemail_notice
from vaxel.telephony.services import voicemail_person
from vaxel.telephony.simulation import Directory
from vaxel.telephony.switchboard import OVERFLOW_PREFIX, moved_target_find, overflow_voicemail_token
from vaxel.telephony.waiting import WaitBasis


def live_calls() -> QuerySet[Call]:
    """Calls on the line at the switchboard, and callbacks waiting, as they arrived."""
    return (
        Call.objects.filter(state__in=(*LIVE_STATES, CallState.CALLBACK))
        .select_related("caller_person__unit", "answered_by")
        .order_by("arrived_at", "id")
    )


def _entry(call: Call) -> Entry:
    return Entry(key=call.pk, place_at=call.place_at, callback=call.state == CallState.CALLBACK)


def waiting_in_order(calls: list[Call]) -> list[Call]:
    """The waiting ones of `calls` (on the line or to be called back), in the queue's
    order: by place, whoever came first at the same priority first (queueing.py)."""
    by_key = {call.pk: call for call in calls if call.state in WAITING_STATES}
    return [by_key[entry.key] for entry in queue_order(_entry(call) for call in by_key.values())]


def queue_place(external_id: str) -> int | None:
    """A waiting caller's number in the queue (1 is next), None when not waiting."""
    call = Call.objects.filter(external_id=external_id, state__in=WAITING_STATES).first()
    return call_place(call) if call is not None else None


def call_place(call: Call) -> int | None:
    """This call's number in the queue, by the queue's one order (queueing.py); None
    when it no longer waits."""
    waiting = Call.objects.filter(state__in=WAITING_STATES).only("pk", "place_at", "state")
    return place_of((_entry(other) for other in waiting), call.pk)


RECENT_CALLS = timedelta(hours=2)  # the calls whose handling times say how fast the queue moves
LATEST_CALLS = 50  # of them, the newest this many: the estimate's cost does not grow with the day
AT_WORK = timedelta(minutes=30)  # an operator who answered within this is at work


def wait_basis_get(*, ahead: int, at: datetime) -> WaitBasis:
    """What the expected wait is computed from (waiting.py): how long operators spent on
    each of the LATEST_CALLS calls handled last within RECENT_CALLS, and the operators
    at work. Växel does not see a console's registration (Kamailio keeps it), so an
    operator counts as at work who is in a call now or answered one within AT_WORK."""
    handled = (
        Call.objects.filter(
            answered_at__gte=at - RECENT_CALLS,
            answered_at__lte=at,
            ended_at__isnull=False,
            state__in=(CallState.PUT_THROUGH, CallState.MESSAGE, CallState.ENDED),
        )
        .order_by("-answered_at")
        .values_list("answered_at", "ended_at")[:LATEST_CALLS]
    )
    seconds = [
        max(0.0, (ended - answered).total_seconds()) for answered, ended in handled if answered and ended
    ]
    at_work = set(
        Call.objects.filter(answered_by__isnull=False)
        .filter(Q(state=CallState.ANSWERED) | Q(answered_at__gte=at - AT_WORK))
        .order_by()
        .values_list("answered_by_id", "state")
        .distinct()
    )
    busy = {operator for operator, state in at_work if state == CallState.ANSWERED}
    operators = {operator for operator, _state in at_work}
    return WaitBasis(ahead=ahead, handling_seconds=seconds, operators=len(operators), busy=len(busy))


def call_get(call_id: int) -> Call | None:
    return Call.objects.select_related("caller_person__unit", "answered_by").filter(pk=call_id).first()


def _direct_number_for(asks_for: str) -> str | None:
    """E8: the direct number an internal caller should have dialled, when what they
    ask for is a person in the directory."""
    hits = search_directory(asks_for, limit=1) if asks_for else []
    if not hits or hits[0][0] != "person":
        return None
    number = PhoneNumber.objects.filter(person_id=hits[0][1], kind=NumberKind.DIRECT).first()
    return display(number.e164) if number else None


def call_card(call: Call, *, viewer=None, hidden: set[str] | None = None) -> dict[str, Any]:
    """One call as the console shows it. A caller's private mobile shows no digits (S3);
    `hidden`: the private numbers among many calls' callers, read once for them all."""
    person = call.caller_person
    parked = call.state == CallState.PARKED
    return {
        "id": call.pk,
        "external_id": call.external_id,
        "state": call.state,
        "state_label": call.get_state_display(),
        "arrived_at": call.arrived_at,
        "answered_at": call.answered_at,
        "caller": display(number_shown(call.caller, was_public=call.caller_public, hidden=hidden)),
        "caller_withheld": not call.caller,
        "caller_name": person.name if person else "",
        "caller_unit": person.unit.name if person else "",
        "internal": call.internal,
        "asks_for": call.asks_for,
        "direct_number": _direct_number_for(call.asks_for) if call.internal else None,
        "answered_by": actor_label(call.answered_by) if call.answered_by_id else "",
        "mine": viewer is not None and call.answered_by_id == viewer.pk,
        # A call put through that came back: where it tried, and why.
        "recall": (
            {"tried": call.put_through_name, "reason": RecallReason(call.recall_reason).label}
            if call.recall_of_id and call.recall_reason
            else None
        ),
        "parked_by": actor_label(call.parked_by) if parked and call.parked_by_id else "",
        "parked_until": call.parked_until if parked else None,
        "callback": call.state == CallState.CALLBACK,
        "calling_back": call.state == CallState.ANSWERED and bool(call.callback_requested_at),
        "callback_requested_at": call.callback_requested_at,
        "callback_due_at": call.callback_due_at,
        "callback_attempts": call.callback_attempts,
        "place_at": call.place_at,
        # S2: a voice message the caller left at the overflow, to listen to in the console.
        "voice_message": bool(call.recording),
    }


def queue_cards(*, viewer=None) -> dict[str, Any]:
    """The queue as the console shows it: waiting calls and callbacks in the queue's
    order (a callback keeps its caller's place), and the viewer's own call."""
    calls = list(live_calls())
    hidden = numbers_hidden([call.caller for call in calls if call.caller])
    cards = {call.pk: call_card(call, viewer=viewer, hidden=hidden) for call in calls}
    return {
        "waiting": [cards[call.pk] for call in waiting_in_order(calls)],
        "current": next((c for c in cards.values() if c["mine"]), None),
        "answered_elsewhere": [
            c for c in cards.values() if c["state"] == CallState.ANSWERED and not c["mine"]
        ],
        "parked": [c for c in cards.values() if c["state"] == CallState.PARKED],
    }


def voice_message_file(call_id: int):
    """The WAV of the voice message a caller left at the switchboard's voicemail (S2), or
    None (no such call, no message, or thinned away). Operators only: the view checks."""
    call = Call.objects.filter(pk=call_id).exclude(recording="").only("recording").first()
    return recording_path(call.recording) if call is not None else None


PRESENT_SECONDS = 60  # a console not heard from for this long is closed


def operators_present(at) -> int:
    """How many operators have a console open now (OperatorPresence)."""
    return OperatorPresence.objects.filter(seen_at__gte=at - timedelta(seconds=PRESENT_SECONDS)).count()


def simulator_directory():
    """What simulated callers may ask for, from the directory as it is."""

    return Directory(
        people=tuple(Person.objects.filter(active=True).values_list("name", flat=True)),
        units=tuple(Unit.objects.values_list("name", flat=True)),
        keywords=tuple(Keyword.objects.values_list("word", flat=True).distinct()),
        internal_numbers=tuple(
            PhoneNumber.objects.filter(kind=NumberKind.DIRECT).values_list("e164", flat=True)
        ),
    )


def media_prompt_text(uri: str, prompt_address: str) -> str:
    """What the media endpoint says for a call to `uri`: a voicemail's greeting (the one
    the person recorded, W4, else the suggested script; the switchboard's for a caller
    sent on to its voicemail, S2) followed by whether and for how long the caller is
    recorded, or the announcement whose signed
    address came with the call."""
    from urllib.parse import unquote

    user = unquote(uri.removeprefix("sip:").split("@", 1)[0])
    token = overflow_voicemail_token(uri)
    if token is not None:  # a caller sent on to the switchboard's voicemail (S2)
        if moved_target_find(f"{OVERFLOW_PREFIX}{token}") is None:
            raise LookupError("no caller was sent on to this voicemail")
        return f"{switchboard_voicemail_greeting(organisation_get().name)} {voicemail_notice()}"
    if user.startswith("voicemail-"):
        person = voicemail_person(user.removeprefix("voicemail-"))
        if person is None:
            raise LookupError(f"no voicemail for {user}")
        greeting = greeting_for(person)
        return f"{greeting['recorded'] or greeting['script']} {voicemail_notice()}"
    text = prompt_text(prompt_address.rsplit("/", 1)[-1]) if prompt_address else None
    if text is None:
        raise LookupError("no signed prompt came with the call")
    return text


def media_audio(uri: str, prompt_address: str) -> bytes:
    """The A-law audio the media endpoint plays for a call to `uri`."""

    return wav_audio(prompt_file(media_prompt_text(uri, prompt_address)).read_bytes())[1]
