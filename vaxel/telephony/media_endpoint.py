"""The media endpoint as `vaxel media` runs it (media.py speaks SIP and RTP; this wires
it to Växel): prompts and greetings, voicemail recordings handed over as messages (E5)
or, left at the switchboard's voicemail (the overflow), as voice messages in the queue (S2),
and the queue it holds. A call arriving in the queue is recorded in the consoles' queue;
the caller hears the greeting (S1), their place and the expected wait, in the
organisation's language, and when the wait is long, that they may press 1 to be called
back keeping their place (E4); an answered call's caller is referred to the operator's
console; a caller who hangs up first has abandoned."""

import asyncio
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from vaxel.availability.announcements import greeting
from vaxel.core import live
from vaxel.core.connections import released
from vaxel.core.time import now
from vaxel.directory.selectors import organisation_get
from vaxel.telephony.g711 import wav_audio
from vaxel.telephony.media import Announcement, MediaServer, Peers, QueueHooks, SipRequest, peers_parse, serve
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.moves import (
    call_park_arrive,
    call_recall_arrive,
    overflow_held,
    overflow_reason_of,
    overflow_voicemail_take,
    overflows_due,
    parked_too_long,
    referral_not_reached,
)
from vaxel.telephony.prompts import music_file, prompt_file
from vaxel.telephony.queueing import callback_offered
from vaxel.telephony.recording import voicemail_recording_on
from vaxel.telephony.selectors import call_place, media_audio, operators_present, wait_basis_get
from vaxel.telephony.services import (
    call_arrive,
    call_callback_request,
    call_end,
    media_recorded,
)
from vaxel.telephony.switchboard import (
    PARK_PREFIX,
    overflow_voicemail_token,
    referral_sent,
    referrals_due,
    sip_uri,
)
from vaxel.telephony.waiting import callback_confirmation, expected_wait, place_words


def _caller(request: SipRequest) -> str:
    return unquote(request.header("from").split("sip:", 1)[-1].split("@", 1)[0].split(";", 1)[0])


def _spoken(text: str) -> bytes:
    return wav_audio(prompt_file(text).read_bytes())[1]


def _place(call_id: str) -> tuple[str, bool]:
    """What the caller hears of their place, and whether they were offered a callback."""
    call = Call.objects.filter(external_id=call_id, state=CallState.QUEUED).first()
    place = call_place(call) if call is not None else None
    if call is None or place is None:
        return "", False
    at = now()
    wait = expected_wait(wait_basis_get(ahead=place - 1, at=at))
    offer = callback_offered(
        number_known=bool(call.caller),
        expected_seconds=wait.total_seconds() if wait is not None else None,
        waited_seconds=(at - call.arrived_at).total_seconds(),
        after=settings.VAXEL_QUEUE_CALLBACK_SECONDS,
    )
    if not offer and call.caller and overflow_held():  # the voicemail cannot record: a callback instead
        offer = overflow_reason_of(call, place=place, present=operators_present(at), at=at) is not None
    return place_words(place, wait, offer=offer), offer


def arrived(request: SipRequest) -> Announcement:
    organisation = organisation_get()
    user = unquote(request.uri.removeprefix("sip:").split("@", 1)[0])
    if user.startswith(PARK_PREFIX):  # an operator parked this caller
        call_park_arrive(line=request.header("call-id"), parked=user)
        with translation.override(settings.LANGUAGE_CODE):
            return Announcement(_spoken(_("Please hold; the switchboard will be with you shortly.")))
    recalled = request.header("x-vaxel-recall")  # Kamailio: a call put through came back
    if recalled:
        call_recall_arrive(external_id=request.header("call-id"), recalled=recalled)
        with translation.override(settings.LANGUAGE_CODE):
            back = _("Nobody answered there. You are back with the switchboard; please hold.")
            return Announcement(_spoken(back))
    call_arrive(
        caller=_caller(request),
        called=organisation.switchboard_number,
        external_id=request.header("call-id"),
        driver="kamailio",
    )
    with translation.override(settings.LANGUAGE_CODE):
        # The greeting, spoken once and cached; the place follows (position, while the
        # greeting plays), so the caller is answered at once.
        return Announcement(_spoken(greeting(organisation.name)))


def position(request: SipRequest) -> Announcement:
    with translation.override(settings.LANGUAGE_CODE):
        place, offer = _place(request.header("call-id"))
    return Announcement(_spoken(place) if place else b"", offer)


def callback(request: SipRequest) -> bytes:
    """The caller pressed 1: their callback keeps their place (E4). The confirmation to
    play, or nothing when it cannot be (a withheld number, an operator answered first)."""
    if call_callback_request(external_id=request.header("call-id")) is None:
        return b""
    with translation.override(settings.LANGUAGE_CODE):
        return _spoken(callback_confirmation())


def music() -> bytes:
    return wav_audio(music_file().read_bytes())[1]


def referrals() -> list[tuple[str, str, int]]:
    parked_too_long()  # a call parked past its time rings its operator again
    overflows_due()  # callers nobody will answer go on to the overflow
    return [(t.call.line_id or t.call.external_id, sip_uri(t), t.pk) for t in referrals_due()]


def unreferred(line: str) -> None:
    referral_not_reached(line=line)  # not at the overflow or the console: back at its place


def left(request: SipRequest) -> None:
    call_end(external_id=request.header("call-id"))


def watch(wake: Callable[[], None]) -> Callable[[], None]:
    """An operator's answer reaches the media endpoint as the queue's live event, from
    any process; after events may have been missed (None), it looks all the same."""

    def heard(event: dict | None) -> None:
        if event is None or event.get("kind") == "queue":
            wake()

    live.on_event(heard)
    return lambda: live.off_event(heard)


def queue_hooks() -> QueueHooks:
    return QueueHooks(  # each runs in one of asyncio's threads and gives its connection back
        arrived=released(arrived),
        position=released(position),
        music=released(music),
        referrals=released(referrals),
        referred=released(referral_sent),
        left=released(left),
        callback=released(callback),
        unreferred=released(unreferred),
        announce_every=settings.VAXEL_QUEUE_ANNOUNCE_SECONDS,
        watch=watch,
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
        return await asyncio.to_thread(released(media_audio), request.uri, request.header("x-vaxel-prompt"))

    @released
    def recorded(request: SipRequest, alaw: bytes) -> None:
        token = overflow_voicemail_token(request.uri)
        kept = (  # the switchboard's voicemail (S2): a call in the queue; a person's: a message
            overflow_voicemail_take(token=token, alaw=alaw)
            if token is not None
            else media_recorded(uri=request.uri, caller=request.header("from"), alaw=alaw)
        )
        if on_recorded is not None:
            on_recorded(kept, len(alaw))

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


def media_endpoint_forever(listen: str) -> None:
    """`vaxel media`, or `vaxel serve --media` in a thread of the server: the media
    endpoint on `listen` (host:port) until the process ends."""
    host, _sep, port = listen.rpartition(":")

    async def run() -> None:
        await media_endpoint(host or "127.0.0.1", int(port))
        print(f"Media endpoint on udp:{listen}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())
