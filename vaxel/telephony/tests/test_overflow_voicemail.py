"""The switchboard's voicemail as the overflow (S2): with VAXEL_OVERFLOW_TO=voicemail, a
caller nobody can answer is relayed to the media endpoint, hears that no operator can
answer and that they may leave a message, and what they say waits in the queue at their
place as a voice message: a callback (E4) when their number is known, one to listen to
and close when it is withheld. Only operators hear it (S3 holds for the number)."""

import io
import json
import wave
from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from vaxel.access.services import token_create
from vaxel.core.time import now
from vaxel.records.exports import records_export
from vaxel.servicelevels.records import call_facts
from vaxel.telephony.errors import NoCallbackNumber, NotVoiceMessage
from vaxel.telephony.media import SipRequest
from vaxel.telephony.media_endpoint import position
from vaxel.telephony.models import Call, CallEvent, CallState, SipTarget, SipTargetKind
from vaxel.telephony.moves import (
    call_overflow,
    call_voice_message_close,
    overflow_voicemail_take,
    overflows_due,
)
from vaxel.telephony.selectors import media_prompt_text, queue_cards
from vaxel.telephony.services import (
    call_arrive,
    call_callback_result,
    call_callback_start,
    callback_due,
)
from vaxel.telephony.switchboard import target_resolve
from vaxel.testing import ANNA_SECRET_MOBILE, ORGANISATION, PASSWORD, SWITCHBOARD

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open

MEDIA = "127.0.0.1:5070"
SPOKEN = bytes([0x34, 0xB4]) * 8000  # two seconds of A-law


@pytest.fixture
def voicemail(settings, town, logins, tmp_path):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    settings.VAXEL_MEDIA_HOST = MEDIA
    settings.VAXEL_OVERFLOW_TO = "voicemail"
    settings.VAXEL_VOICEMAIL_RECORDING = True
    settings.DATA_DIR = tmp_path
    return logins


def arrive(name: str, caller: str = "036-123456") -> Call:
    return call_arrive(caller=caller, called=SWITCHBOARD, external_id=name, driver="kamailio")


def sent_on(call: Call) -> str:
    """The caller goes on to the overflow; Kamailio asks for the over-… address: its token."""
    assert call_overflow(call_id=call.pk, reason="nobody") is not None
    target = SipTarget.objects.get(call=call, kind=SipTargetKind.OVERFLOW)
    assert target_resolve(f"over-{target.token}") is not None  # Kamailio rang it
    return target.token


def left_message(call: Call, alaw: bytes = SPOKEN) -> Call | None:
    return overflow_voicemail_take(token=sent_on(call), alaw=alaw)


def test_s2_a_caller_sent_on_to_the_voicemail_is_relayed_to_the_switchboards_voicemail(voicemail, client):
    call = arrive("a")
    [moved] = overflows_due()  # no operator's console is open
    assert moved.pk == call.pk and moved.state == CallState.PUT_THROUGH
    assert moved.put_through_name == "växelns röstbrevlåda (ingen telefonist på plats)"
    assert CallEvent.objects.get(call_id="a", kind="overflowed").transferred_to == "voicemail"
    token = SipTarget.objects.get(call=call, kind=SipTargetKind.OVERFLOW).token
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    answer = client.get(
        "/pbx/route/", {"to": f"over-{token}", "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert answer.json()["targets"] == f"sip:voicemail-over-{token}@{MEDIA}"
    said = media_prompt_text(f"sip:voicemail-over-{token}@{MEDIA}", "")
    assert said.startswith(f"Du har kommit till växeln på {ORGANISATION}.")
    assert "Ingen telefonist kan svara just nu." in said
    assert "tonen. Ditt meddelande spelas in efter tonen" in said  # then the recording notice
    with pytest.raises(LookupError):  # an address never given out says nothing
        media_prompt_text(f"sip:voicemail-over-00ff@{MEDIA}", "")


def test_s2_a_voice_message_becomes_a_callback_at_its_callers_place(voicemail, clock):
    before = arrive("before", caller="036-100001")
    clock.shift(10)
    caller = arrive("caller", caller="036-100002")
    clock.shift(10)
    call = left_message(caller)
    assert call is not None and call.state == CallState.CALLBACK
    assert call.place_at == caller.place_at and call.ended_at is None
    assert call.callback_due_at == callback_due(call.callback_requested_at)  # as a press-1 callback
    later = arrive("later", caller="036-100003")
    waiting = queue_cards()["waiting"]
    assert [c["id"] for c in waiting] == [before.pk, call.pk, later.pk]  # nobody is overtaken
    assert [c["voice_message"] for c in waiting] == [False, True, False]
    with wave.open(io.BytesIO(voicemail_path(call).read_bytes())) as wav:
        assert wav.getframerate() == 8000 and abs(wav.getnframes() / 8000 - 2) < 0.1
    assert overflow_voicemail_take(token=SipTarget.objects.get(call=call).token, alaw=SPOKEN) == call  # once
    assert CallEvent.objects.filter(call_id="caller", kind="voice_message").count() == 1


def voicemail_path(call: Call):
    return django_settings.DATA_DIR / call.recording


def test_s2_a_voice_message_called_back_counts_once_as_an_answered_call(voicemail, clock):
    call = left_message(arrive("a"))
    assert call is not None
    clock.shift(600)
    call_callback_start(call_id=call.pk, actor=voicemail["operator"])
    call_callback_result(call_id=call.pk, actor=voicemail["operator"], answered=True)
    events = CallEvent.objects.filter(call_id="a")
    assert events.filter(kind="arrived").count() == 1
    facts = call_facts(events)
    assert facts.answered_at is not None and not facts.abandoned
    assert facts.wait_seconds is not None and facts.wait_seconds >= 600


def test_s2_a_recording_too_short_is_no_message_and_the_call_ends_as_overflowed(voicemail):
    call = arrive("a")
    assert left_message(call, alaw=SPOKEN[:1000]) is None  # the caller hung up at once
    call.refresh_from_db()
    assert call.state == CallState.PUT_THROUGH and call.recording == "" and call.ended_at is not None
    facts = call_facts(CallEvent.objects.filter(call_id="a"))
    assert facts.ended_at == call.ended_at and not facts.abandoned  # counted, as overflowed
    assert queue_cards()["waiting"] == []


def signed_in(client, login):
    client.login(username=login.username, password=PASSWORD)
    return client


def test_s2_a_withheld_callers_message_is_listened_to_and_closed(voicemail, client):
    call = left_message(arrive("a", caller=""))
    assert call is not None and call.state == CallState.CALLBACK and call.callback_due_at is None
    with pytest.raises(NoCallbackNumber):
        call_callback_start(call_id=call.pk, actor=voicemail["operator"])
    signed_in(client, voicemail["operator"])
    queue = client.get("/konsol/ko/").content.decode()
    assert "Dolt nummer" in queue and "data-close-voice-message" in queue
    assert "data-call-back" not in queue and f'src="/konsol/samtal/{call.pk}/rostmeddelande/"' in queue
    refused = client.post(f"/konsol/samtal/{call.pk}/call-back/")
    assert refused.status_code == 200 and "Numret är dolt" in refused.content.decode()
    closed = client.post(f"/konsol/samtal/{call.pk}/close-voice-message/")
    assert "Röstmeddelandet är avslutat." in closed.content.decode()
    call.refresh_from_db()
    assert call.state == CallState.ENDED and call.answered_by == voicemail["operator"]
    assert CallEvent.objects.get(call_id="a", kind="ended").answered_by == "operator"
    again = client.post(f"/konsol/samtal/{call.pk}/close-voice-message/")
    assert again.status_code == 200 and "inte ett röstmeddelande" in again.content.decode()
    with pytest.raises(NotVoiceMessage):
        call_voice_message_close(call_id=call.pk, actor=voicemail["operator"])


@pytest.mark.parametrize(
    ("role", "heard"),
    [("operator", True), ("administrator", True), ("manager", False), ("employee", False), (None, False)],
)
def test_s2_only_operators_hear_a_voice_message(voicemail, client, role, heard):
    call = left_message(arrive("a"))
    assert call is not None
    if role is not None:
        signed_in(client, voicemail[role])
    response = client.get(f"/konsol/samtal/{call.pk}/rostmeddelande/")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if heard:
        assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
        assert body == voicemail_path(call).read_bytes() and body.startswith(b"RIFF")
    else:
        assert response.status_code == 403 and b"RIFF" not in body
        assert json.loads(body)["error"]["id"] == "forbidden"


def test_s2_a_call_without_a_voice_message_has_none_to_hear(voicemail, client):
    signed_in(client, voicemail["operator"])
    plain = arrive("a")
    for pk in (plain.pk, 999999):
        response = client.get(f"/konsol/samtal/{pk}/rostmeddelande/")
        assert response.status_code == 404 and "röstmeddelande" in response.json()["error"]["message"]


def test_s2_s3_a_private_mobiles_voice_message_shows_no_number(voicemail, client):
    call = left_message(arrive("a", caller=ANNA_SECRET_MOBILE))  # Anna's mobile, without consent
    assert call is not None
    signed_in(client, voicemail["operator"])
    queue = client.get("/konsol/ko/").content.decode()
    assert "rostmeddelande" in queue and "data-call-back" in queue  # it can still be called back
    national = "0" + ANNA_SECRET_MOBILE[3:]
    assert ANNA_SECRET_MOBILE not in queue and national[1:] not in queue.replace("-", "").replace(" ", "")


def test_s2_the_callers_records_export_holds_their_voice_message(voicemail):
    call = left_message(arrive("a", caller="036-123456"))
    assert call is not None
    document = records_export(caller="036-123456")
    assert document["calls"][0]["recording"] == call.recording
    [kept] = document["voicemail_recordings"]
    assert kept["call"] == "a" and kept["file"] == call.recording and kept["wav_base64"]


def queue_request(call_id: str) -> SipRequest:
    return SipRequest("INVITE", f"sip:queue@{MEDIA}", {"call-id": [call_id]}, "")


def test_s2_with_recording_off_callers_keep_waiting_and_are_offered_the_callback(voicemail, settings):
    settings.VAXEL_VOICEMAIL_RECORDING = False
    settings.VAXEL_QUEUE_CALLBACK_SECONDS = 3600  # the wait alone would not offer it yet
    known, withheld = arrive("known"), arrive("withheld", caller="")
    assert overflows_due() == []  # a voicemail that cannot record is no place to send anyone
    assert set(Call.objects.values_list("state", flat=True)) == {CallState.QUEUED}
    assert position(queue_request("known")).offers_callback  # press 1, keeping the place
    assert not position(queue_request("withheld")).offers_callback  # nobody to call back: waits
    settings.VAXEL_VOICEMAIL_RECORDING = True
    assert {c.pk for c in overflows_due(at=now() + timedelta(seconds=1))} == {known.pk, withheld.pk}
