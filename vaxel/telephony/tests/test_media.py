"""The media endpoint end to end over UDP on 127.0.0.1: it answers an INVITE, plays the
prompt as RTP whose length matches the WAV, hangs up; for voicemail it plays the
greeting, records the caller and hands the recording over as an e-mailed message."""

import shutil
import socket
import struct
import time

import pytest

from vaxel.messaging.models import Message, OutboxEmail
from vaxel.mobiles.models import VoicemailGreeting
from vaxel.telephony.g711 import FRAME, wav_audio
from vaxel.telephony.prompts import prompt_file, prompt_path_for
from vaxel.telephony.sip_udp import request
from vaxel.telephony.tests.conftest import Caller
from vaxel.testing import ANNA_DIRECT, small_municipality

pytestmark = pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="scripts/ensure-telephony installs espeak-ng"
)


@pytest.fixture
def town(transactional_db):
    return small_municipality()


def test_s4_the_announcement_is_played_as_rtp_as_long_as_its_wav_and_then_the_call_ends(town, media):
    text = "Växeln är stängd. Den öppnar i morgon klockan 08.00."
    caller = Caller(media["port"])
    status, _port = caller.invite("announcement", prompt=f"http://127.0.0.1:8000{prompt_path_for(text)}")
    assert status == 200
    heard = caller.listen(until_bye=True)
    _tag, wav = wav_audio(prompt_file(text).read_bytes())
    assert len(heard) == -(-len(wav) // FRAME) * FRAME  # every 20 ms packet, the last one padded
    assert heard[: len(wav)] == wav


def test_e5_a_voicemail_is_recorded_and_e_mailed_to_the_person(town, media, settings):
    settings.VAXEL_VOICEMAIL_RECORDING = True
    VoicemailGreeting.objects.create(person=town.anna, text="Anna här.")  # W4: short, said in real time
    caller = Caller(media["port"])
    status, media_rtp_port = caller.invite(f"voicemail-{ANNA_DIRECT}")
    assert status == 200 and media_rtp_port
    greeting = caller.listen(until_bye=False)
    assert len(greeting) > 8000  # the greeting was spoken
    for n in range(50):  # the caller speaks for one second (an A-law tone)
        packet = struct.pack("!BBHII", 0x80, 8, n, n * 160, 7) + bytes([0x34, 0xB4] * 80)
        caller.rtp.sendto(packet, ("127.0.0.1", media_rtp_port))
        time.sleep(0.02)
    bye = request(
        "BYE", "media", "+46361234567", host="127.0.0.1", port=media["port"], call_id=caller.call_id
    )
    caller.sip.sendto(bye, caller.media)
    for _ in range(100):
        if "message" in media:
            break
        time.sleep(0.05)
    message = Message.objects.get()
    assert message.person.email == "anna.sjoberg@example.se" and message.caller_number == "+46361234567"
    assert message.recording.endswith(".wav") and media["recorded"] >= 7000
    assert OutboxEmail.objects.get(message=message).attachment == message.recording


def open_descriptors() -> int:
    import os

    return len(os.listdir("/proc/self/fd"))


def offer(caller: Caller, user: str, sdp: str, *, source: socket.socket | None = None) -> bytes | None:
    message = request(
        "INVITE", user, "+46361234567", host="127.0.0.1", port=caller.media[1], call_id=caller.call_id
    )
    message = message.replace(b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp\r\n")
    message += f"Content-Length: {len(sdp)}\r\n\r\n{sdp}".encode()
    sock = source or caller.sip
    sock.sendto(message, caller.media)
    sock.settimeout(1)
    try:
        while (answer := sock.recvfrom(65535)[0]).startswith(b"SIP/2.0 1"):
            pass  # 100 Trying: the final answer follows
    except TimeoutError:
        return None
    return answer


def sdp(address: str = "127.0.0.1", port: int = 40000, payloads: str = "8 0") -> str:
    return (
        f"v=0\r\no=c 1 1 IN IP4 {address}\r\ns=-\r\nc=IN IP4 {address}\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP {payloads}\r\n"
    )


def test_security_the_media_endpoint_answers_only_its_peers(town, media):
    """A spoofed INVITE from an address that is not Kamailio's (or the PBX's) gets no
    answer and leaves no voicemail in anybody's name."""
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind(("127.0.0.2", 0))  # loopback, but not a configured peer
    try:
        assert offer(Caller(media["port"]), f"voicemail-{ANNA_DIRECT}", sdp(), source=stranger) is None
    finally:
        stranger.close()
    time.sleep(0.3)
    assert not Message.objects.exists() and media["server"].sessions == {}


@pytest.mark.parametrize(
    "body",
    [
        sdp(port=99999),
        sdp(port=0),
        sdp(address="127.0.0.2"),  # RTP to somebody else than a peer
        sdp(address="999.1.1.1"),
        sdp(payloads="0"),  # no PCMA
        "v=0\r\nm=audio x RTP/AVP 8\r\n",
        "",
    ],
)
def test_security_a_bad_offer_gets_488_and_frees_everything(town, media, body):
    before = open_descriptors()
    for _ in range(20):
        caller = Caller(media["port"])
        answer = offer(caller, "announcement", body)
        assert answer is not None and answer.startswith(b"SIP/2.0 488"), answer
        caller.sip.close()
        caller.rtp.close()
    time.sleep(0.2)
    assert media["server"].sessions == {}
    assert open_descriptors() <= before
