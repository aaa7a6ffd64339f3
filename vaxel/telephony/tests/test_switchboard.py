"""End to end with Kamailio as the switchboard's own telephone (deploy/kamailio/
switchboard.cfg): phones register with credentials Växel mints, and every new call is
relayed where Växel says — to the phones registered for a number, to the queue at the
media endpoint, or to an address an operator put the call through to. Real Kamailio,
real Växel over HTTP, the media endpoint and baresip as the telephones, all on 127.0.0.1."""

import os
import subprocess
import time
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from vaxel.availability.services import absence_add, schedule_exception_add
from vaxel.core.time import local_date, now
from vaxel.directory.models import NumberKind
from vaxel.telephony.errors import DeskPhoneNotEnded, DeskPhoneNotInCall
from vaxel.telephony.models import Call, CallEvent, CallState
from vaxel.telephony.moves import call_park, desk_phone_control
from vaxel.telephony.selectors import queue_cards
from vaxel.telephony.services import (
    call_answer,
    call_arrive,
    call_callback_request,
    call_callback_start,
    call_end,
    call_put_through,
)
from vaxel.telephony.switchboard import operator_user, sip_credentials, sip_uri, transfer_uri
from vaxel.telephony.tests.baresip import SipAgent, until
from vaxel.telephony.tests.conftest import (
    DOMAIN,
    KAMAILIO,
    SWITCHBOARD_CONFIG,
    kamailio_stop,
    local_config,
    switchboard_start,
)
from vaxel.testing import GROUP_NUMBER, SWITCHBOARD, logins, small_municipality

BJORN = "+46370331002"
CALLER = "+46361234567"
pytestmark = pytest.mark.processes  # Kamailio

if not Path(KAMAILIO).exists():
    if os.environ.get("CI"):
        pytest.fail("Kamailio is missing; scripts/ensure-telephony installs it", pytrace=False)
    pytest.skip("Kamailio is not installed (scripts/ensure-telephony)", allow_module_level=True)


@pytest.fixture
def town(transactional_db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = DOMAIN
    # Kamailio checks a credential's expiry against the machine's clock, which a test's
    # clock may be years from: long enough for any instant the suite runs at.
    settings.VAXEL_SIP_CREDENTIALS_SECONDS = 20 * 365 * 86400
    municipality = small_municipality()
    logins(municipality)
    today = local_date(now())
    # Yesterday too: a test may lay calls a while back (the suite may run across midnight).
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")
    return municipality


class Switchboard:
    """Kamailio as the switchboard, with the SIP agents a test starts beside it (each
    stopped when the test ends)."""

    def __init__(self, port: int):
        self.port = port
        self.agents: list[SipAgent] = []

    def phone(self, user: str, auth_user: str, password: str) -> SipAgent:
        """A telephone that registers as `user` with these credentials."""
        agent = SipAgent(
            user=user, domain=DOMAIN, proxy_port=self.port, auth_user=auth_user, password=password
        )
        self.agents.append(agent)
        return agent.start()

    def caller(self) -> SipAgent:
        """A caller's telephone beyond the trunk."""
        agent = SipAgent(user=CALLER, domain="127.0.0.1", proxy_port=self.port)
        self.agents.append(agent)
        return agent.start()

    def call(self, to: str) -> SipAgent:
        """A caller on the trunk dials `to`; the answer is not awaited."""
        caller = self.caller()
        caller.dial(f"sip:{to}@127.0.0.1:{self.port}")
        return caller

    def close(self) -> None:
        for agent in self.agents:
            agent.close()


@pytest.fixture
def switchboard(vaxel, media, rtpengine, settings, tmp_path):
    settings.VAXEL_MEDIA_HOST = f"127.0.0.1:{media['port']}"
    pid_file, sip_port, _ws_port = switchboard_start(tmp_path, vaxel_port=vaxel.port, rtpengine=rtpengine)
    board = Switchboard(sip_port)
    yield board
    board.close()
    kamailio_stop(pid_file)


def registered(switchboard, user: str) -> SipAgent:
    credentials = sip_credentials(user)
    phone = switchboard.phone(user, str(credentials["authorization_user"]), str(credentials["password"]))
    assert phone.registration() == 200
    assert phone.contact.startswith(f"sip:{user}") and phone.contact.endswith(f"@127.0.0.1:{phone.port}")
    return phone


def status(caller: SipAgent) -> int:
    """The final status the caller's call was refused with."""
    closed = caller.closed()
    assert closed is not None, "the call did not end"
    return int(closed.param.split(" ", 1)[0]) if closed.param[:3].isdigit() else 0


def test_the_shipped_switchboard_configuration_is_valid(tmp_path):
    (tmp_path / "switchboard.cfg").write_text(SWITCHBOARD_CONFIG.read_text())
    (tmp_path / "switchboard-local.cfg").write_text(
        local_config(
            sip_port=5060,
            ws_port=8088,
            route="http://pbx:t@127.0.0.1:8000/pbx/route",
            secret="s",
            rtpengine="udp:127.0.0.1:22222",
        )
    )
    checked = subprocess.run(
        [KAMAILIO, "-c", "-f", "switchboard.cfg"], cwd=tmp_path, capture_output=True, timeout=20
    )
    assert checked.returncode == 0, checked.stderr.decode()[-2000:]


def test_s1_a_phone_registers_with_the_credentials_vaxel_minted_for_it_alone(switchboard):
    minted = sip_credentials(BJORN)
    username, password = str(minted["authorization_user"]), str(minted["password"])
    assert switchboard.phone(BJORN, username, password[:-2] + "xx").registration() == 401
    assert switchboard.phone("+46370331001", username, password).registration() == 403  # Björn's, not Anna's
    # Kamailio reads the machine's clock, which the test's may be years from.
    expired = sip_credentials(BJORN, seconds=-20 * 365 * 86400)
    late = switchboard.phone(BJORN, str(expired["authorization_user"]), str(expired["password"]))
    assert late.registration() not in (0, 200)
    assert switchboard.phone(BJORN, username, password).registration() == 200


def rung_at(phone: SipAgent) -> str:
    ringing = phone.ringing(seconds=15)  # a loaded run; a referral that failed is tried again
    assert ringing is not None, "the phone did not ring"
    assert ringing.peer.startswith(f"sip:{CALLER}@")  # the caller's number, as the trunk gave it
    return ringing.request_uri


def test_a_call_to_a_present_person_rings_the_phone_registered_for_their_number(switchboard):
    phone = registered(switchboard, BJORN)
    switchboard.call(BJORN)
    assert rung_at(phone) == phone.contact  # sip:+46370331002-0x…@127.0.0.1:<its port>


def test_e3_a_call_to_an_absent_person_follows_the_diversion_to_the_queue(switchboard, town):
    phone = registered(switchboard, BJORN)
    absence_add(
        person=town.bjorn,
        reason="lunch",
        starts_at=now() - timedelta(minutes=1),
        ends_at=now() + timedelta(hours=1),
    )
    caller = switchboard.call(BJORN)
    held = caller.established()
    assert held is not None  # the media endpoint holds the caller
    assert Call.objects.get(external_id=held.call_id).state == CallState.QUEUED
    assert phone.ringing(seconds=0.5) is None


def test_s1_a_call_put_through_rings_the_phone_of_the_number_chosen(switchboard, town):
    phone = registered(switchboard, BJORN)
    queued = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="c-1", driver="kamailio")
    operator = get_user_model().objects.get(username="operator")
    call_answer(call_id=queued.pk, actor=operator)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    put = call_put_through(call_id=queued.pk, number_id=direct.pk, actor=operator)
    user = transfer_uri(put).removeprefix("sip:").split("@", 1)[0]
    switchboard.call(user)  # what the caller's phone does when the console refers it
    assert rung_at(phone) == phone.contact  # sip:+46370331002-0x…@127.0.0.1:<its port>


def test_s1_the_end_of_a_call_put_through_is_recorded_when_the_caller_or_the_person_hangs_up(
    switchboard, town
):
    phone = registered(switchboard, BJORN)
    queued = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="c-1", driver="kamailio")
    operator = get_user_model().objects.get(username="operator")
    call_answer(call_id=queued.pk, actor=operator)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    put = call_put_through(call_id=queued.pk, number_id=direct.pk, actor=operator)
    caller = switchboard.call(transfer_uri(put).removeprefix("sip:").split("@", 1)[0])
    assert phone.ringing() is not None
    phone.answer()
    assert caller.established() is not None
    assert not CallEvent.objects.filter(call_id="c-1", kind="ended").exists()  # they talk
    caller.hang_up()
    ended = until(lambda: CallEvent.objects.filter(call_id="c-1", kind="ended").first())
    assert ended.transferred_to == BJORN
    steps = CallEvent.objects.filter(call_id="c-1").order_by("at").values_list("kind", flat=True)
    assert list(steps)[-2:] == ["transferred", "ended"]


def answered_on_a_desk_phone(switchboard, operator) -> tuple[Call, SipAgent, SipAgent, str]:
    """A caller in the queue, answered by `operator`, whose telephone is a desk phone
    registered as that operator: it rings, and the operator picks it up. The call, the
    caller, the desk phone and the Call-ID of the caller's call with it."""
    desk = registered(switchboard, operator_user(operator))
    caller = switchboard.call(SWITCHBOARD)
    held = caller.established()
    assert held is not None  # the media endpoint holds the caller
    queued = until(lambda: Call.objects.filter(external_id=held.call_id).first())
    call_answer(call_id=queued.pk, actor=operator)  # Svara at the console
    assert desk.ringing(seconds=10) is not None  # the caller is referred to the desk phone
    desk.answer()
    talking = caller.established(other_than=held.call_id)
    assert talking is not None
    return queued, caller, desk, talking.call_id


def put_through_to_bjorn_from_the_desk(town, call: Call, operator) -> None:
    """Koppla at the console of an operator on a desk phone: Kamailio moves the caller."""
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    call_put_through(call_id=call.pk, number_id=direct.pk, actor=operator)
    desk_phone_control(call_id=call.pk, actor=operator, action="put-through")


@pytest.fixture
def operator(switchboard, settings):
    """The operator, whose console asks Kamailio to move calls on a desk phone."""
    settings.VAXEL_SIP_PROXY = f"127.0.0.1:{switchboard.port}"
    return get_user_model().objects.get(username="operator")


def test_s1_s3_an_operator_on_a_desk_phone_puts_the_call_through_from_the_console(
    switchboard, town, settings, operator
):
    bjorn = registered(switchboard, BJORN)
    queued, caller, desk, _talking = answered_on_a_desk_phone(switchboard, operator)
    put_through_to_bjorn_from_the_desk(town, queued, operator)
    assert rung_at(bjorn) == bjorn.contact  # the caller is put through to Björn's phone
    assert desk.closed() is not None  # the desk phone is free for the next call
    bjorn.answer()
    until(lambda: caller.audio().received > 20 and bjorn.audio().received > 20)  # they hear each other
    with pytest.raises(DeskPhoneNotInCall):  # once only: the call has left the desk phone
        desk_phone_control(call_id=queued.pk, actor=operator, action="put-through")


def test_s1_an_operator_on_a_desk_phone_ends_the_call_from_the_console_or_the_caller_hangs_up(
    switchboard, town, settings, operator
):
    queued, caller, desk, talking = answered_on_a_desk_phone(switchboard, operator)
    call_end(call_id=queued.pk, actor=operator)  # Avsluta at the console
    try:
        desk_phone_control(call_id=queued.pk, actor=operator, action="end")
    except DeskPhoneNotEnded:  # Kamailio 5.6 lost the desk phone's BYE (route CONTROL): she is told,
        desk.hang_up()  # and hangs up herself
    assert caller.closed(call_id=talking) is not None  # the caller heard the call end
    assert desk.closed(seconds=20) is not None, desk.sip_trace()  # and so did the desk phone
    assert CallEvent.objects.filter(call_id=queued.external_id, kind="ended").count() == 1
    second, caller, _desk, _talking = answered_on_a_desk_phone(switchboard, operator)
    caller.hang_up()  # Kamailio's dialog ends: Växel hears it though no console told it
    until(lambda: Call.objects.get(pk=second.pk).state == CallState.ENDED)


def test_s1_a_call_put_through_that_nobody_answers_rings_there_n_seconds_and_comes_back_to_the_operator(
    switchboard, town, operator
):
    town.bjorn.unit.transfer_ring_seconds = 3  # N
    town.bjorn.unit.save()
    operator = get_user_model().objects.get(username="operator")
    bjorn = registered(switchboard, BJORN)
    queued, caller, desk, talking = answered_on_a_desk_phone(switchboard, operator)
    again = desk.mark()
    put_through_to_bjorn_from_the_desk(town, queued, operator)
    rang = bjorn.wait("CALL_INCOMING", seconds=10)  # and nobody picks up
    assert rang is not None
    back = desk.wait("CALL_INCOMING", seconds=20, since=again)  # back at the operator's phone
    assert back is not None
    assert back.at - rang.at >= 3 - 0.5  # after Björn's phone rang its N seconds, not sooner
    desk.answer()
    leg = until(lambda: Call.objects.filter(recall_of=queued, state=CallState.ANSWERED).first())
    assert leg.answered_by == operator and leg.recall_reason == "no_answer"
    assert leg.arrived_at == queued.arrived_at  # its first place, were it to wait
    assert caller.established(other_than=talking) is not None
    recalled = CallEvent.objects.get(call_id=queued.external_id, kind="recalled")
    assert recalled.transferred_to == BJORN


def test_s1_a_call_put_through_that_is_declined_comes_back_to_the_head_of_the_queue_when_the_operator_is_busy(
    switchboard, town, settings, operator
):
    bjorn = registered(switchboard, BJORN)
    queued, caller, _desk, talking = answered_on_a_desk_phone(switchboard, operator)
    put_through_to_bjorn_from_the_desk(town, queued, operator)
    later = call_arrive(caller="036-999999", called=SWITCHBOARD, external_id="later", driver="kamailio")
    call_answer(call_id=later.pk, actor=operator)  # the operator has the next call meanwhile
    assert bjorn.ringing(seconds=10) is not None
    bjorn.hang_up()  # Björn declines (busy)
    leg = until(lambda: Call.objects.filter(recall_of=queued).first())
    assert leg.state == CallState.QUEUED and leg.recall_reason == "busy"
    waiting = Call.objects.filter(state=CallState.QUEUED).order_by("arrived_at", "id").first()
    assert waiting == leg  # at the head: it came first
    assert caller.established(other_than=talking) is not None  # held in the queue, not dropped


def test_s1_a_parked_call_hears_music_and_is_picked_up_by_a_second_operator(switchboard, town, operator):
    first, second = operator, get_user_model().objects.get(username="administrator")
    queued, caller, desk, talking = answered_on_a_desk_phone(switchboard, first)
    other = registered(switchboard, operator_user(second))
    call_park(call_id=queued.pk, actor=first)  # Parkera
    desk_phone_control(call_id=queued.pk, actor=first, action="park")
    parked = caller.established(other_than=talking)  # the caller is at the parking place
    assert parked is not None and desk.closed() is not None  # the first operator is free
    until(lambda: caller.audio().received > 25)  # the waiting music plays
    assert Call.objects.get(pk=queued.pk).state == CallState.PARKED
    call_answer(call_id=queued.pk, actor=second)  # Ta upp, at another console
    assert other.ringing(seconds=10) is not None
    other.answer()
    assert caller.established(other_than=parked.call_id) is not None
    picked = until(lambda: Call.objects.filter(pk=queued.pk, state=CallState.ANSWERED).first())
    assert picked.answered_by == second
    assert CallEvent.objects.filter(call_id=queued.external_id, kind="parked").count() == 1


def test_s1_a_call_parked_too_long_rings_the_operator_who_parked_it_again(
    switchboard, town, settings, operator
):
    settings.VAXEL_PARK_SECONDS = 2
    queued, caller, desk, talking = answered_on_a_desk_phone(switchboard, operator)
    call_park(call_id=queued.pk, actor=operator)
    again = desk.mark()
    desk_phone_control(call_id=queued.pk, actor=operator, action="park")
    assert caller.established(other_than=talking) is not None
    assert desk.ringing(seconds=2 + 5, since=again) is not None  # its time is up: back to the operator
    assert Call.objects.get(pk=queued.pk).answered_by == operator


def test_s1_with_no_operator_there_a_caller_goes_on_to_the_overflow_and_is_not_dropped(
    switchboard, town, settings
):
    settings.VAXEL_OVERFLOW_TO = GROUP_NUMBER  # a colleague group: Anna and Björn
    bjorn = registered(switchboard, BJORN)
    caller = switchboard.call(SWITCHBOARD)  # no console is open
    held = caller.established()
    assert held is not None  # the queue answers first
    assert rung_at(bjorn) == bjorn.contact  # then the overflow rings
    bjorn.answer()
    assert caller.established(other_than=held.call_id) is not None
    call = Call.objects.get(external_id=held.call_id)
    assert call.state == CallState.PUT_THROUGH
    assert CallEvent.objects.filter(call_id=call.external_id, kind="overflowed").exists()


def test_s2_a_caller_sent_on_to_the_switchboards_voicemail_leaves_a_voice_message_that_waits_in_their_place(
    switchboard, town, settings, media, tmp_path
):
    settings.VAXEL_OVERFLOW_TO = "voicemail"
    # Sent on after a second's wait, whoever is there: the test does not hang on whether
    # a console is open (test_overflow.py has that rule).
    settings.VAXEL_OVERFLOW_AFTER_SECONDS = 1
    settings.VAXEL_VOICEMAIL_RECORDING = True
    settings.DATA_DIR = tmp_path
    caller = switchboard.call(SWITCHBOARD)
    held = caller.established()
    assert held is not None  # the queue answers first
    # then, after the greeting, the switchboard's voicemail
    assert caller.established(seconds=30, other_than=held.call_id) is not None
    sessions = media["server"].sessions.values
    until(lambda: any(s.recording for s in sessions()), seconds=30)  # its greeting and notice were said
    time.sleep(2)  # the caller speaks (baresip's tone) for two seconds
    caller.hang_up()
    until(lambda: "recorded" in media)
    call = Call.objects.get(external_id=held.call_id)
    assert call.state == CallState.CALLBACK and call.place_at == call.arrived_at  # its place kept
    with wave.open(str(tmp_path / call.recording)) as wav:
        assert wav.getframerate() == 8000 and 1.5 <= wav.getnframes() / 8000 <= 3
    assert [c["id"] for c in queue_cards()["waiting"]] == [call.pk]
    kinds = set(CallEvent.objects.filter(call_id=call.external_id).values_list("kind", flat=True))
    assert {"arrived", "overflowed", "voice_message"} <= kinds and "abandoned" not in kinds


def test_e4_s3_the_callback_is_placed_through_kamailio_and_rings_the_caller_who_answers(
    switchboard, town, operator
):
    """After the caller pressed 1 (the test above): the operator's telephone calls the
    opaque cb-… address, Kamailio asks Växel, and the caller's own phone rings."""
    phone = registered(switchboard, CALLER)  # the caller's phone, reachable here
    waiting = call_arrive(caller=CALLER, called=SWITCHBOARD, external_id="waiting", driver="kamailio")
    assert call_callback_request(external_id="waiting") is not None
    _call, target = call_callback_start(call_id=waiting.pk, actor=operator)  # Ring upp
    minted = sip_credentials(operator_user(operator))
    console = switchboard.phone(
        operator_user(operator), str(minted["authorization_user"]), str(minted["password"])
    )
    assert console.registration() == 200
    console.dial(sip_uri(target).replace(DOMAIN, f"127.0.0.1:{switchboard.port}"))
    assert phone.ringing(seconds=10) is not None
    phone.answer()
    assert console.established() is not None
    until(lambda: console.audio().received > 20 and phone.audio().received > 20)
    assert CALLER.removeprefix("+46") not in console.log_text()  # the console never saw the number
    console.hang_up()
    assert phone.closed() is not None  # the call ends at the caller's phone too


def test_a_number_with_no_phone_and_an_unknown_address_get_clear_sip_answers(switchboard):
    assert status(switchboard.call(BJORN)) == 480
    assert status(switchboard.call("xfer-00000000")) == 404


def test_when_vaxel_does_not_answer_a_caller_gets_503_and_then_gets_through(switchboard, vaxel):
    phone = registered(switchboard, BJORN)
    vaxel.stop()
    assert status(switchboard.call(BJORN)) == 503
    vaxel.start()
    switchboard.call(BJORN)
    assert phone.ringing() is not None


def test_s1_a_caller_who_hangs_up_while_queued_is_counted_abandoned(switchboard):
    caller = switchboard.call("+46370331000")
    waiting = caller.established()
    assert waiting is not None  # held in the queue at the media endpoint
    assert Call.objects.get(external_id=waiting.call_id).state == CallState.QUEUED
    caller.hang_up()
    until(lambda: Call.objects.get(external_id=waiting.call_id).state == CallState.ABANDONED)
    assert CallEvent.objects.filter(call_id=waiting.call_id, kind="abandoned").count() == 1


def test_s4_after_hours_a_caller_to_the_switchboard_hears_when_it_opens(switchboard):
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, closed=True)
    caller = switchboard.call(SWITCHBOARD)
    assert caller.established() is not None  # the announcement, with the prompt Växel gave Kamailio
    until(lambda: caller.audio().received >= 50)  # a second of the announcement: it plays
    assert not Call.objects.exists()  # nobody is queued while the switchboard is closed


def test_e4_a_caller_who_presses_1_leaves_the_line_and_waits_in_their_place_as_a_callback(
    switchboard, town, settings
):
    # A basis for the estimate: an operator busy, two minutes a call lately, so the
    # wait is long from the first second and the greeting offers the callback.
    settings.VAXEL_QUEUE_CALLBACK_SECONDS = 60
    operator = get_user_model().objects.get(username="operator")
    start = now() - timedelta(minutes=20)
    for index in range(3):
        at = start + timedelta(minutes=3 * index)
        earlier = call_arrive(caller=CALLER, called=SWITCHBOARD, external_id=f"before-{index}", at=at)
        call_answer(call_id=earlier.pk, actor=operator, at=at)
        call_end(call_id=earlier.pk, actor=operator, at=at + timedelta(minutes=2))
    busy = call_arrive(caller="+46361234599", called=SWITCHBOARD, external_id="busy")
    call_answer(call_id=busy.pk, actor=operator)

    caller = switchboard.call("+46370331000")
    waiting = caller.established()
    assert waiting is not None  # held in the queue at the media endpoint
    time.sleep(1.0)  # the greeting is playing
    caller.command("sndcode", "1")  # RFC 4733, as negotiated through rtpengine
    until(lambda: Call.objects.get(external_id=waiting.call_id).state == CallState.CALLBACK, seconds=15)
    assert caller.closed(seconds=30) is not None  # the confirmation, then the queue hangs up
    call = Call.objects.get(external_id=waiting.call_id)
    assert call.state == CallState.CALLBACK  # not abandoned: the place is kept
    assert CallEvent.objects.filter(call_id=call.external_id, kind="callback").count() == 1
    assert [c["id"] for c in queue_cards()["waiting"]] == [call.pk]
