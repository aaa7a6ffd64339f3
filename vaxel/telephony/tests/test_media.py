"""The media endpoint end to end over UDP on 127.0.0.1: it answers an INVITE, plays the
prompt as RTP whose length matches the WAV, hangs up; for voicemail it plays the
greeting, records the caller and hands the recording over as an e-mailed message."""

import shutil
import struct
import time

import pytest

from vaxel.core.testing import ANNA_DIRECT, small_municipality
from vaxel.messaging.models import Message, OutboxEmail
from vaxel.telephony.g711 import FRAME, wav_audio
from vaxel.telephony.prompts import prompt_file, prompt_path_for
from vaxel.telephony.sipclient import request
from vaxel.telephony.tests.conftest import Caller

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


def test_e5_a_voicemail_is_recorded_and_e_mailed_to_the_person(town, media):
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
