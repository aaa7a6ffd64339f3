"""The media endpoint end to end over UDP on 127.0.0.1: it answers an INVITE, plays the
prompt as RTP whose length matches the WAV, hangs up; for voicemail it plays the
greeting, records the caller and hands the recording over as an e-mailed message."""

import asyncio
import re
import shutil
import socket
import struct
import threading
import time

import pytest

from vaxel.core.testing import ANNA_DIRECT, small_municipality
from vaxel.messaging.models import Message, OutboxEmail
from vaxel.telephony.g711 import FRAME, wav_audio
from vaxel.telephony.media import serve
from vaxel.telephony.prompts import prompt_file, prompt_path_for
from vaxel.telephony.selectors import media_audio
from vaxel.telephony.services import media_recorded
from vaxel.telephony.sipclient import parse_response, request

pytestmark = pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="scripts/ensure-telephony installs espeak-ng"
)


@pytest.fixture
def media(transactional_db):
    small_municipality()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box = {}

    async def prompt_for(req):
        return await asyncio.to_thread(media_audio, req.uri, req.header("x-vaxel-prompt"))

    def recorded(req, alaw):
        box["message"] = media_recorded(uri=req.uri, caller=req.header("from"), alaw=alaw)
        box["recorded"] = len(alaw)

    def run():
        asyncio.set_event_loop(loop)
        transport, _server = loop.run_until_complete(
            serve("127.0.0.1", 0, prompt_for=prompt_for, recorded=recorded)
        )
        box["port"] = transport.get_extra_info("sockname")[1]
        started.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    started.wait(5)
    yield box
    loop.call_soon_threadsafe(loop.stop)


class Caller:
    """A caller's phone: SIP and RTP sockets on 127.0.0.1."""

    def __init__(self, media_port: int):
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.settimeout(10)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(0.3)
        self.media = ("127.0.0.1", media_port)
        self.call_id = f"call-{time.monotonic_ns()}"

    def invite(self, user: str, prompt: str = "") -> tuple[int, int]:
        sdp = (
            "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp.getsockname()[1]} RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n"
        )
        extra = f"X-Vaxel-Prompt: {prompt}\r\n" if prompt else ""
        message = request(
            "INVITE",
            user,
            "+46361234567",
            host="127.0.0.1",
            port=self.media[1],
            extra=extra,
            call_id=self.call_id,
        )
        message = message.replace(b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp\r\n")
        message += f"Content-Length: {len(sdp)}\r\n\r\n{sdp}".encode()
        self.sip.sendto(message, self.media)
        raw = self.sip.recvfrom(65535)[0]
        found = re.search(rb"m=audio (\d+)", raw)
        return parse_response(raw).status, int(found.group(1)) if found else 0

    def listen(self, until_bye: bool) -> bytes:
        audio = bytearray()
        self.sip.setblocking(False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                packet = self.rtp.recv(2048)
                audio += packet[12:]
            except TimeoutError:
                if not until_bye and audio:
                    break
            try:
                data = self.sip.recv(65535)
                if data.startswith(b"BYE"):
                    break
            except BlockingIOError:
                pass
        self.sip.setblocking(True)
        return bytes(audio)


def test_s4_the_announcement_is_played_as_rtp_as_long_as_its_wav_and_then_the_call_ends(media):
    text = "Växeln är stängd. Den öppnar i morgon klockan 08.00."
    caller = Caller(media["port"])
    status, _port = caller.invite("announcement", prompt=f"http://127.0.0.1:8000{prompt_path_for(text)}")
    assert status == 200
    heard = caller.listen(until_bye=True)
    _tag, wav = wav_audio(prompt_file(text).read_bytes())
    assert len(heard) == -(-len(wav) // FRAME) * FRAME  # every 20 ms packet, the last one padded
    assert heard[: len(wav)] == wav


def test_e5_a_voicemail_is_recorded_and_e_mailed_to_the_person(media, django_capture_on_commit_callbacks):
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
