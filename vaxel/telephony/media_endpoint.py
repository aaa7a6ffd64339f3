"""The media endpoint as `vaxel media` runs it (media.py speaks SIP and RTP; this wires
it to Växel): prompts and greetings, voicemail recordings handed over as messages (E5),
and the queue it holds. A call arriving in the queue is recorded in the consoles' queue;
the caller hears the greeting (S1) and their place, in the organisation's language; an
answered call's caller is referred to the operator's console; a caller who hangs up
first has abandoned."""

import asyncio
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from vaxel.availability.announcements import greeting
from vaxel.directory.selectors import organisation_get
from vaxel.telephony.g711 import wav_audio
from vaxel.telephony.media import MediaServer, Peers, QueueHooks, SipRequest, peers_parse, serve
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.prompts import music_file, prompt_file
from vaxel.telephony.recording import voicemail_recording_on
from vaxel.telephony.selectors import media_audio
from vaxel.telephony.services import call_arrive, call_end, media_recorded
from vaxel.telephony.switchboard import referral_sent, referrals_due, sip_uri


def _caller(request: SipRequest) -> str:
    return unquote(request.header("from").split("sip:", 1)[-1].split("@", 1)[0].split(";", 1)[0])


def _spoken(text: str) -> bytes:
    return wav_audio(prompt_file(text).read_bytes())[1]


def _place(call_id: str) -> str:
    call = Call.objects.filter(external_id=call_id).first()
    if call is None:
        return ""
    ahead = Call.objects.filter(state=CallState.QUEUED, arrived_at__lt=call.arrived_at).count()
    return _("You are number %(place)d in the queue.") % {"place": ahead + 1}


def arrived(request: SipRequest) -> bytes:
    organisation = organisation_get()
    call_arrive(
        caller=_caller(request),
        called=organisation.switchboard_number,
        external_id=request.header("call-id"),
        driver="kamailio",
    )
    with translation.override(settings.LANGUAGE_CODE):
        # Two prompts, each cached by its text: the greeting once, each place once.
        return _spoken(greeting(organisation.name)) + _spoken(_place(request.header("call-id")))


def position(request: SipRequest) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        place = _place(request.header("call-id"))
    return _spoken(place) if place else b""


def music() -> bytes:
    return wav_audio(music_file().read_bytes())[1]


def referrals() -> list[tuple[str, str, int]]:
    return [(t.call.external_id, sip_uri(t), t.pk) for t in referrals_due()]


def left(request: SipRequest) -> None:
    call_end(external_id=request.header("call-id"))


def queue_hooks() -> QueueHooks:
    return QueueHooks(
        arrived=arrived,
        position=position,
        music=music,
        referrals=referrals,
        referred=referral_sent,
        left=left,
    )


async def media_endpoint(
    host: str,
    port: int,
    *,
    peers: Peers | None = None,
    on_recorded: Callable[[object, int], None] | None = None,
) -> tuple[asyncio.DatagramTransport, MediaServer]:
    """The media endpoint as `vaxel media` runs it: prompts and greetings from Växel,
    recordings handed over as messages (E5) when VAXEL_VOICEMAIL_RECORDING is on, peers
    from VAXEL_MEDIA_PEERS."""

    async def prompt_for(request: SipRequest) -> bytes:
        return await asyncio.to_thread(media_audio, request.uri, request.header("x-vaxel-prompt"))

    def recorded(request: SipRequest, alaw: bytes) -> None:
        message = media_recorded(uri=request.uri, caller=request.header("from"), alaw=alaw)
        if on_recorded is not None:
            on_recorded(message, len(alaw))

    chosen = peers if peers is not None else peers_parse(settings.VAXEL_MEDIA_PEERS)
    return await serve(
        host,
        port,
        prompt_for=prompt_for,
        recorded=recorded,
        peers=chosen,
        queue=queue_hooks(),
        records=voicemail_recording_on,
    )
