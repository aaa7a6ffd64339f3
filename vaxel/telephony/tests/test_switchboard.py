"""End to end with Kamailio as the switchboard's own telephone (deploy/kamailio/
switchboard.cfg): phones register with credentials Växel mints, and every new call is
relayed where Växel says — to the phones registered for a number, to the queue at the
media endpoint, or to an address an operator put the call through to. Real Kamailio,
real Växel over HTTP, the media endpoint and SIP agents, all on 127.0.0.1."""

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from vaxel.availability.services import absence_add, schedule_exception_add
from vaxel.core.testing import SWITCHBOARD, logins, small_municipality
from vaxel.core.time import local_date, now
from vaxel.directory.models import NumberKind
from vaxel.telephony.models import Call, CallEvent, CallState
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.telephony.sip_udp import SipClient, invite
from vaxel.telephony.switchboard import sip_credentials, transfer_uri
from vaxel.telephony.tests.conftest import (
    DOMAIN,
    KAMAILIO,
    SWITCHBOARD_CONFIG,
    Caller,
    kamailio_stop,
    local_config,
    switchboard_start,
)
from vaxel.telephony.tests.phones import CallerAgent, Phone, until

BJORN = "+46370331002"
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
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")
    return municipality


@pytest.fixture
def switchboard(vaxel, media, rtpengine, settings, tmp_path):
    settings.VAXEL_MEDIA_HOST = f"127.0.0.1:{media['port']}"
    pid_file, sip_port, _ws_port = switchboard_start(tmp_path, vaxel_port=vaxel.port, rtpengine=rtpengine)
    client = SipClient("127.0.0.1", sip_port, timeout=3)
    phones: list[Phone] = []

    def phone(user: str) -> Phone:
        made = Phone(proxy_port=sip_port, user=user, domain=DOMAIN)
        phones.append(made)
        return made

    client.phone = phone
    yield client
    for made in phones:
        made.close()
    client.close()
    kamailio_stop(pid_file)


def registered(switchboard, user: str) -> Phone:
    phone = switchboard.phone(user)
    credentials = sip_credentials(user)
    assert phone.register(str(credentials["authorization_user"]), str(credentials["password"])) == 200
    return phone


def call(switchboard, to: str) -> None:
    """A caller on the trunk dials `to`; the answer is not awaited."""
    switchboard.sock.sendto(
        invite(to, "+46361234567", host="127.0.0.1", port=switchboard.port),
        ("127.0.0.1", switchboard.port),
    )


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
    assert switchboard.phone(BJORN).register(username, password[:-2] + "xx") == 401
    assert switchboard.phone("+46370331001").register(username, password) == 403  # Björn's, not Anna's
    # Kamailio reads the machine's clock, which the test's may be years from.
    expired = sip_credentials(BJORN, seconds=-20 * 365 * 86400)
    assert (
        switchboard.phone(BJORN).register(str(expired["authorization_user"]), str(expired["password"])) != 200
    )
    assert switchboard.phone(BJORN).register(username, password) == 200


def test_a_call_to_a_present_person_rings_the_phone_registered_for_their_number(switchboard):
    phone = registered(switchboard, BJORN)
    call(switchboard, BJORN)
    assert phone.ringing().startswith(f"INVITE sip:{BJORN}@127.0.0.1:{phone.port} SIP/2.0")


def test_e3_a_call_to_an_absent_person_follows_the_diversion_to_the_queue(switchboard, town):
    phone = registered(switchboard, BJORN)
    absence_add(
        person=town.bjorn,
        reason="lunch",
        starts_at=now() - timedelta(minutes=1),
        ends_at=now() + timedelta(hours=1),
    )
    caller = Caller(switchboard.port)
    status, _port = caller.invite(BJORN)
    assert status == 200  # the media endpoint holds the caller
    assert Call.objects.get(external_id=caller.call_id).state == CallState.QUEUED
    assert phone.ringing(seconds=0.5) == ""


def test_s1_a_call_put_through_rings_the_phone_of_the_number_chosen(switchboard, town):
    phone = registered(switchboard, BJORN)
    queued = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="c-1", driver="kamailio")
    operator = get_user_model().objects.get(username="operator")
    call_answer(call_id=queued.pk, actor=operator)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    put = call_put_through(call_id=queued.pk, number_id=direct.pk, actor=operator)
    user = transfer_uri(put).removeprefix("sip:").split("@", 1)[0]
    call(switchboard, user)  # what the caller's phone does when the console refers it
    assert phone.ringing().startswith(f"INVITE sip:{BJORN}@127.0.0.1:{phone.port} SIP/2.0")


def test_a_number_with_no_phone_and_an_unknown_address_get_clear_sip_answers(switchboard):
    no_phone = switchboard.call(BJORN)
    assert no_phone is not None and no_phone.status == 480
    unknown = switchboard.call("xfer-00000000")
    assert unknown is not None and unknown.status == 404


def test_when_vaxel_does_not_answer_a_caller_gets_503_and_then_gets_through(switchboard, vaxel):
    phone = registered(switchboard, BJORN)
    vaxel.stop()
    down = switchboard.call(BJORN)
    assert down is not None and down.status == 503
    vaxel.start()
    call(switchboard, BJORN)
    assert phone.ringing().startswith("INVITE ")


def test_s1_a_caller_who_hangs_up_while_queued_is_counted_abandoned(switchboard):
    caller = CallerAgent(switchboard.port)
    try:
        waiting = caller.call(f"sip:+46370331000@127.0.0.1:{switchboard.port}")
        until(waiting.answered.is_set)  # held in the queue at the media endpoint
        assert Call.objects.get(external_id=waiting.call_id).state == CallState.QUEUED
        caller.hang_up()
        until(lambda: Call.objects.get(external_id=waiting.call_id).state == CallState.ABANDONED)
        assert CallEvent.objects.filter(call_id=waiting.call_id, kind="abandoned").count() == 1
    finally:
        caller.close()


def test_s4_after_hours_a_caller_to_the_switchboard_hears_when_it_opens(switchboard):
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, closed=True)
    caller = Caller(switchboard.port)
    status, _port = caller.invite(SWITCHBOARD)
    assert status == 200  # the announcement, with the prompt Växel gave Kamailio
    assert caller.hear(8000) >= 8000  # a second of the announcement: it plays
    assert not Call.objects.exists()  # nobody is queued while the switchboard is closed
