"""Recording is off unless turned on: then voicemail alone is recorded, after the caller
is told so and for how long; otherwise the caller is told no message can be left, and
nothing a caller says is kept."""

import shutil
import struct
import time

import pytest

from vaxel.messaging.models import Message
from vaxel.records.services import rule_set
from vaxel.telephony.recording import recording_notice, voicemail_notice
from vaxel.telephony.selectors import media_prompt_text
from vaxel.telephony.tests.conftest import Caller
from vaxel.testing import ANNA_DIRECT


def test_recording_is_off_by_default_and_the_caller_is_told_no_message_can_be_left(settings):
    from vaxel.config import settings as defaults

    assert (
        defaults.VAXEL_VOICEMAIL_RECORDING is False or "VAXEL_VOICEMAIL_RECORDING" in __import__("os").environ
    )
    settings.VAXEL_VOICEMAIL_RECORDING = False
    assert (
        recording_notice(30) == "Det går inte att lämna meddelande här. Ring igen senare eller ring växeln."
    )


def test_with_recording_on_the_voicemail_greeting_says_it_is_recorded_and_for_how_long(town, settings):
    settings.VAXEL_VOICEMAIL_RECORDING = True
    rule_set(kind="voicemail_recording", days=14)
    assert voicemail_notice().endswith("sparas i högst 14 dagar.")
    assert media_prompt_text(f"sip:voicemail-{ANNA_DIRECT}@media", "").endswith(voicemail_notice())
    rule_set(kind="voicemail_recording", enabled=False)
    assert voicemail_notice() == "Ditt meddelande spelas in efter tonen."


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="scripts/ensure-telephony installs espeak-ng")
def test_with_recording_off_a_voicemail_call_is_not_recorded(transactional_db, media, settings):
    from vaxel.mobiles.models import VoicemailGreeting
    from vaxel.testing import small_municipality

    town = small_municipality()
    VoicemailGreeting.objects.create(person=town.anna, text="Anna här.")  # W4: short, said in real time
    settings.VAXEL_VOICEMAIL_RECORDING = False
    caller = Caller(media["port"])
    status, rtp_port = caller.invite(f"voicemail-{ANNA_DIRECT}")
    assert status == 200
    for n in range(20):
        caller.rtp.sendto(
            struct.pack("!BBHII", 0x80, 8, n, n * 160, 7) + bytes([0x34] * 160), ("127.0.0.1", rtp_port)
        )
    caller.listen(until_bye=True)  # the greeting, then Växel hangs up
    time.sleep(0.2)
    assert not Message.objects.exists() and "message" not in media
    assert all(not s.received for s in media["server"].sessions.values())
