"""What the switchboard sees of its calls."""

from typing import Any

from django.db.models import QuerySet

from vaxel.audit.services import actor_label
from vaxel.core.phone import display
from vaxel.directory.models import Keyword, NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.privacy import number_shown
from vaxel.directory.selectors import search_directory
from vaxel.mobiles.selectors import greeting_for
from vaxel.telephony.g711 import wav_audio
from vaxel.telephony.models import LIVE_STATES, Call, CallState
from vaxel.telephony.prompts import prompt_file, prompt_text
from vaxel.telephony.recording import voicemail_notice
from vaxel.telephony.services import voicemail_person
from vaxel.telephony.simulation import Directory


def live_calls() -> QuerySet[Call]:
    """Calls on the line at the switchboard, in the order they arrived."""
    return (
        Call.objects.filter(state__in=LIVE_STATES)
        .select_related("caller_person__unit", "answered_by")
        .order_by("arrived_at", "id")
    )


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


def call_card(call: Call, *, viewer=None) -> dict[str, Any]:
    """One call as the console shows it. A caller's private mobile shows no digits (S3)."""
    person = call.caller_person
    return {
        "id": call.pk,
        "external_id": call.external_id,
        "state": call.state,
        "state_label": call.get_state_display(),
        "arrived_at": call.arrived_at,
        "answered_at": call.answered_at,
        "caller": display(number_shown(call.caller, was_public=call.caller_public)),
        "caller_withheld": not call.caller,
        "caller_name": person.name if person else "",
        "caller_unit": person.unit.name if person else "",
        "internal": call.internal,
        "asks_for": call.asks_for,
        "direct_number": _direct_number_for(call.asks_for) if call.internal else None,
        "answered_by": actor_label(call.answered_by) if call.answered_by_id else "",
        "mine": viewer is not None and call.answered_by_id == viewer.pk,
    }


def queue_cards(*, viewer=None) -> dict[str, Any]:
    """The queue as the console shows it: waiting calls, and the viewer's own call."""
    cards = [call_card(call, viewer=viewer) for call in live_calls()]
    return {
        "waiting": [c for c in cards if c["state"] == CallState.QUEUED],
        "current": next((c for c in cards if c["mine"]), None),
        "answered_elsewhere": [c for c in cards if c["state"] == CallState.ANSWERED and not c["mine"]],
    }


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
    the person recorded, W4, else the suggested script) followed by whether and for how
    long the caller is recorded, or the announcement whose signed
    address came with the call."""
    from urllib.parse import unquote

    user = unquote(uri.removeprefix("sip:").split("@", 1)[0])
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
