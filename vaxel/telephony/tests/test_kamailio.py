"""End to end with real parts on 127.0.0.1: Kamailio (Debian's, with deploy/kamailio/
kamailio.cfg) asks a running Växel where each INVITE goes; a raw-UDP SIP client sends
the INVITEs and reads the answers. Kamailio is started and stopped by its pid file."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from vaxel.access.services import token_create
from vaxel.availability.services import absence_add, schedule_exception_add
from vaxel.core.testing import ANNA_DIRECT, GROUP_NUMBER, SWITCHBOARD, logins, small_municipality
from vaxel.core.time import STOCKHOLM, local_date, now
from vaxel.telephony.g711 import FRAME, wav_audio
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.sip_udp import SipClient, invite, request
from vaxel.telephony.tests.conftest import (
    KAMAILIO,
    Caller,
    free_port,
    kamailio_start,
    kamailio_stop,
)

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "kamailio" / "kamailio.cfg"
GATEWAY = "10.0.0.5"
pytestmark = pytest.mark.processes  # Kamailio

if not Path(KAMAILIO).exists():
    if os.environ.get("CI"):
        pytest.fail("Kamailio is missing; scripts/ensure-telephony installs it", pytrace=False)
    pytest.skip("Kamailio is not installed (scripts/ensure-telephony)", allow_module_level=True)


@pytest.fixture
def town(transactional_db):
    municipality = small_municipality()
    logins(municipality)
    return municipality


def open_today(hours="00:00-24:00", closed=False):
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours=None if closed else hours, closed=closed)


@pytest.fixture
def trusted() -> str:
    """Addresses exempt from flood protection (the trunk, the PBX): none, unless a test says."""
    return ""


@pytest.fixture
def kamailio(vaxel, tmp_path, trusted):
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    _token, events = token_create(owner="operator", scopes="events", name="Kamailio calls")
    sip_port = free_port(socket.SOCK_DGRAM)
    (tmp_path / "kamailio.cfg").write_text(CONFIG.read_text())
    (tmp_path / "vaxel-local.cfg").write_text(
        f"#!define LISTEN udp:127.0.0.1:{sip_port}\n"
        f'#!define VAXEL_HTTPCON "vaxel=>http://pbx:{secret}@127.0.0.1:{vaxel.port}/pbx/route"\n'
        f'#!define GATEWAY "{GATEWAY}"\n'
        f'#!define VAXEL_CALLS_HTTPCON "vaxelcalls=>http://pbx:{events}@127.0.0.1:{vaxel.port}/api/v1"\n'
        "#!define PIKE_DENSITY 40\n" + (f'#!define TRUSTED "{trusted}"\n' if trusted else "")
    )
    pid_file = kamailio_start(tmp_path, "kamailio.cfg")
    client = SipClient("127.0.0.1", sip_port, timeout=3)
    deadline = time.monotonic() + 10
    while client.send(request("OPTIONS", "ping", "test", host="127.0.0.1", port=sip_port)) is None:
        assert time.monotonic() < deadline, "Kamailio did not answer"
    yield client
    client.close()
    kamailio_stop(pid_file)


def test_the_shipped_configuration_is_valid(tmp_path):
    (tmp_path / "kamailio.cfg").write_text(CONFIG.read_text())
    (tmp_path / "vaxel-local.cfg").write_text(
        '#!define LISTEN udp:127.0.0.1:5060\n#!define VAXEL_HTTPCON "vaxel=>http://pbx:t@127.0.0.1:8000/pbx/route"\n'
        '#!define GATEWAY "pbx.example"\n#!define FALLBACK_CONTACT "<sip:+46370331000@pbx.example>"\n'
    )
    checked = subprocess.run(
        [KAMAILIO, "-c", "-f", "kamailio.cfg"], cwd=tmp_path, capture_output=True, timeout=20
    )
    assert checked.returncode == 0, checked.stderr.decode()[-2000:]


def test_an_invite_to_a_present_person_is_redirected_to_them(kamailio):
    answer = kamailio.call(ANNA_DIRECT)
    assert answer.status == 302 and answer.header("contact") == f"<sip:{ANNA_DIRECT}@{GATEWAY}>;q=1.0"
    assert answer.header("diversion") == ""


def test_e3_an_absent_person_goes_to_the_switchboard_with_diversion_reason_and_back_time(kamailio, town):
    open_today()
    back = (now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    absence_add(person=town.anna, reason="lunch", starts_at=now() - timedelta(minutes=1), ends_at=back)
    answer = kamailio.call(ANNA_DIRECT)
    assert answer.status == 302 and answer.header("contact") == f"<sip:{SWITCHBOARD}@{GATEWAY}>;q=1.0"
    diversion = answer.header("diversion")
    assert diversion.startswith(f"<sip:{ANNA_DIRECT}@{GATEWAY}>;reason=away;counter=1;x-back=")
    assert f"T{back.astimezone(STOCKHOLM):%H:%M}" in diversion
    assert answer.header("x-vaxel-prompt").startswith("http://")


def test_s1_a_call_to_the_open_switchboard_is_queued_and_reaches_the_consoles(kamailio):
    open_today()
    answer = kamailio.call(SWITCHBOARD, caller="+46361234567", call_id="real-call-1@pbx")
    assert answer.status == 302 and answer.header("contact") == f"<sip:{SWITCHBOARD}@{GATEWAY}>;q=1.0"
    call = Call.objects.get(external_id="real-call-1@pbx")
    assert call.state == CallState.QUEUED and call.caller == "+46361234567"


def test_a_shared_number_rings_its_available_members(kamailio, town):
    absence_add(person=town.bjorn, reason="meeting", starts_at=now() - timedelta(minutes=1), ends_at=None)
    answer = kamailio.call(GROUP_NUMBER)
    assert answer.status == 302 and answer.header("contact") == f"<sip:{ANNA_DIRECT}@{GATEWAY}>;q=1.0"


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="scripts/ensure-telephony installs espeak-ng")
def test_s4_after_hours_the_caller_is_sent_to_the_announcement_and_hears_all_of_it(
    kamailio, vaxel, media, settings
):
    settings.VAXEL_MEDIA_HOST = f"127.0.0.1:{media['port']}"
    open_today(closed=True)
    answer = kamailio.call(SWITCHBOARD)
    assert answer.status == 302
    assert answer.header("contact").startswith(f"<sip:announcement@127.0.0.1:{media['port']}>")
    prompt = answer.header("x-vaxel-prompt")
    address = f"http://127.0.0.1:{vaxel.port}/pbx/{prompt.split('/pbx/', 1)[1]}"
    with urllib.request.urlopen(address, timeout=30) as got:
        _tag, wav = wav_audio(got.read())
    phone = Caller(media["port"])  # the PBX follows the redirect, with the prompt header
    status, _port = phone.invite("announcement", prompt=prompt)
    heard = phone.listen(until_bye=True)
    assert status == 200 and len(heard) == -(-len(wav) // FRAME) * FRAME and heard[: len(wav)] == wav


def test_when_vaxel_does_not_answer_the_caller_gets_503_with_a_reason_and_then_recovers(kamailio, vaxel):
    vaxel.stop()
    down = kamailio.call(ANNA_DIRECT)
    assert down.status == 503 and 'text="Vaxel unavailable"' in down.header("reason")
    vaxel.start()
    assert kamailio.call(ANNA_DIRECT).status == 302


def test_bad_sip_input_gets_an_error_or_is_dropped_and_the_service_stays_up(kamailio):
    assert kamailio.call("not-a-number").status == 404
    no_call_id = b"\r\n".join(
        line
        for line in invite(ANNA_DIRECT, "x", host="127.0.0.1", port=kamailio.port).split(b"\r\n")
        if not line.startswith(b"Call-ID")
    )
    answer = kamailio.send(no_call_id)
    assert answer is None or 400 <= answer.status < 500
    huge = kamailio.send(
        invite(ANNA_DIRECT, "x", host="127.0.0.1", port=kamailio.port, extra="X-Big: " + "a" * 20000 + "\r\n")
    )
    assert huge is None or huge.status in (302, 400, 413, 513)
    kamailio.send(b"\x00\xffgarbage that is not SIP at all\r\n\r\n")
    assert kamailio.call(ANNA_DIRECT).status == 302


def test_a_flood_of_invites_from_one_address_is_dropped_by_pike_and_later_served(kamailio):
    kamailio.sock.settimeout(0.2)
    for _ in range(300):
        kamailio.sock.sendto(
            invite(ANNA_DIRECT, "x", host="127.0.0.1", port=kamailio.port), ("127.0.0.1", kamailio.port)
        )
    answered = 0
    while True:
        try:
            kamailio.sock.recvfrom(65535)
            answered += 1
        except TimeoutError:
            break
    assert answered < 300  # the flood was cut off
    kamailio.sock.settimeout(3)
    deadline = time.monotonic() + 15
    while (answer := kamailio.call(ANNA_DIRECT)) is None or answer.status != 302:
        assert time.monotonic() < deadline, "the source stayed blocked"
        time.sleep(1)


def flood(kamailio, invites: int = 300) -> int:
    """INVITEs from one address as fast as they go; how many were answered."""
    kamailio.sock.settimeout(0.5)
    for _ in range(invites):
        kamailio.sock.sendto(
            invite(ANNA_DIRECT, "x", host="127.0.0.1", port=kamailio.port), ("127.0.0.1", kamailio.port)
        )
    answered = 0
    while True:
        try:
            answer = kamailio.sock.recvfrom(65535)[0]
            answered += answer.startswith((b"SIP/2.0 302", b"SIP/2.0 503"))  # 503: come back soon
        except TimeoutError:
            break
    kamailio.sock.settimeout(3)
    return answered


@pytest.mark.parametrize("trusted", ["10.9.9.9/32,127.0.0.1/32"])
def test_flood_protection_never_blocks_the_trunk_or_the_pbx(kamailio):
    assert flood(kamailio) > 250  # every INVITE answered; pike lets about 40 a second through from others
    assert kamailio.call(ANNA_DIRECT).status == 302


class SlowRouting:
    """A routing answer that takes `seconds` (Växel overloaded), counting the questions."""

    def __init__(self, seconds: float):
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self
        self.asked = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.asked += 1
                time.sleep(seconds)
                body = json.dumps({"contact": f"<sip:{ANNA_DIRECT}@{GATEWAY}>;q=1.0"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def overloaded(tmp_path):
    routing = SlowRouting(0.2)  # well above SLOW_MS below
    sip_port = free_port(socket.SOCK_DGRAM)
    (tmp_path / "kamailio.cfg").write_text(CONFIG.read_text())
    (tmp_path / "vaxel-local.cfg").write_text(
        f"#!define LISTEN udp:127.0.0.1:{sip_port}\n"
        f'#!define VAXEL_HTTPCON "vaxel=>http://pbx:t@127.0.0.1:{routing.port}/pbx/route"\n'
        f'#!define GATEWAY "{GATEWAY}"\n#!define WITHOUT_PIKE 1\n'
        "#!define SHED 1\n#!define SLOW_MS 50\n#!define SHED_MS 1000\n"
        f'#!define FALLBACK_CONTACT "<sip:{SWITCHBOARD}@{GATEWAY}>"\n'
    )
    pid_file = kamailio_start(tmp_path, "kamailio.cfg")
    client = SipClient("127.0.0.1", sip_port, timeout=3)
    deadline = time.monotonic() + 10
    while client.send(request("OPTIONS", "ping", "test", host="127.0.0.1", port=sip_port)) is None:
        assert time.monotonic() < deadline, "Kamailio did not answer"
    yield client, routing
    client.close()
    kamailio_stop(pid_file)
    routing.server.shutdown()


def test_s1_while_vaxel_is_slow_new_calls_go_to_the_switchboard_at_once_without_asking_it(overloaded):
    client, routing = overloaded
    first = client.call(GROUP_NUMBER)
    assert first.status == 302 and ANNA_DIRECT in first.header("contact")  # slow, but answered
    started = time.monotonic()
    shed = client.call(GROUP_NUMBER)
    took = time.monotonic() - started
    assert shed.status == 302 and shed.header("contact") == f"<sip:{SWITCHBOARD}@{GATEWAY}>"
    assert "overloaded" in shed.header("reason") and routing.asked == 1
    assert took < 0.04  # not queued behind the slow answer
    time.sleep(1.1)  # the window has passed: Växel is asked again
    assert ANNA_DIRECT in client.call(GROUP_NUMBER).header("contact") and routing.asked == 2


def test_a_callers_retransmitted_invite_is_answered_again_without_asking_vaxel_again(overloaded):
    client, routing = overloaded
    message = invite(GROUP_NUMBER, "+46361234567", host=client.host, port=client.port)
    first = client.send(message)
    again = client.send(message)  # the same INVITE, as a caller resends it after 500 ms
    assert first.status == again.status == 302 and again.header("contact") == first.header("contact")
    assert routing.asked == 1


def test_w1_a_work_mobile_reported_lost_is_no_longer_rung_through_kamailio(kamailio, town, settings):
    """W1 end to end through the real Kamailio: a person whose only number is a work
    mobile is rung on it, in the shared number too; reported lost, neither rings it."""
    from vaxel.directory.services import person_add
    from vaxel.mobiles.models import LossChannel
    from vaxel.mobiles.services import mobile_hand_out, mobile_report_lost, subscription_add

    settings.VAXEL_MOBILE_BLOCK_EMAILS = ["it-servicedesk@example.se"]
    open_today()
    dana = person_add(name="Dana Ek", email="dana.ek@example.se", unit="Bygglov")
    town.group.members.add(dana)
    mobile = subscription_add(number="070-5550001", operator="Telia", iccid="89460100000000000017")
    mobile_hand_out(subscription=mobile, person=dana)
    ringing = f"<sip:+46705550001@{GATEWAY}>"
    assert ringing in kamailio.call("+46705550001").header("contact")
    assert ringing in kamailio.call(GROUP_NUMBER).header("contact")

    mobile_report_lost(subscription=mobile, kind="stolen", channel=LossChannel.ADMINISTRATION)
    for called in ("+46705550001", GROUP_NUMBER):
        answer = kamailio.call(called)
        assert answer.status == 302 and ringing not in answer.header("contact"), called
    assert "<sip:+46370331001@" in kamailio.call(GROUP_NUMBER).header("contact")  # the others still ring
