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
from vaxel.core.time import STOCKHOLM, local_date, now
from vaxel.telephony.g711 import FRAME, wav_audio
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.sip_udp import SipClient, SipResponse, ack, invite, parse_response, request
from vaxel.telephony.tests.conftest import (
    KAMAILIO,
    Caller,
    free_port,
    kamailio_start,
    kamailio_stop,
)
from vaxel.testing import ANNA_DIRECT, GROUP_NUMBER, SWITCHBOARD, logins, small_municipality

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


@pytest.fixture
def slow_vaxel(tmp_path):
    """Kamailio asking a routing answer that takes `seconds`, with `defines` added to its
    local file: a function returning the client and the slow routing."""
    started = []

    def start(seconds: float, defines: str) -> tuple[SipClient, SlowRouting]:
        routing = SlowRouting(seconds)
        sip_port = free_port(socket.SOCK_DGRAM)
        (tmp_path / "kamailio.cfg").write_text(CONFIG.read_text())
        (tmp_path / "vaxel-local.cfg").write_text(
            f"#!define LISTEN udp:127.0.0.1:{sip_port}\n"
            f'#!define VAXEL_HTTPCON "vaxel=>http://pbx:t@127.0.0.1:{routing.port}/pbx/route"\n'
            f'#!define GATEWAY "{GATEWAY}"\n#!define WITHOUT_PIKE 1\n' + defines
        )
        pid_file = kamailio_start(tmp_path, "kamailio.cfg")
        client = SipClient("127.0.0.1", sip_port, timeout=5)
        started.append((client, routing, pid_file))
        deadline = time.monotonic() + 10
        while client.send(request("OPTIONS", "ping", "test", host="127.0.0.1", port=sip_port)) is None:
            assert time.monotonic() < deadline, "Kamailio did not answer"
        return client, routing

    yield start
    for client, routing, pid_file in started:
        client.close()
        kamailio_stop(pid_file)
        routing.server.shutdown()


def answers_in_order(
    client: SipClient, sent: dict[str, bytes], until: int = 200, seconds: float = 10
) -> list[tuple[str, SipResponse]]:
    """(Call-ID, answer) of every answer on the client's socket, as they came, until each
    request in `sent` (by Call-ID) has an answer of status `until` or above; final answers
    to INVITEs are acknowledged, as a caller does."""
    got: list[tuple[str, SipResponse]] = []
    waiting = set(sent)
    deadline = time.monotonic() + seconds
    while waiting:
        assert time.monotonic() < deadline, f"no answer for {waiting}"
        response = parse_response(client.sock.recvfrom(65535)[0])
        call_id = response.header("call-id")
        got.append((call_id, response))
        if response.status >= 200 and call_id in sent and sent[call_id].startswith(b"INVITE "):
            client.sock.sendto(ack(sent[call_id], response), (client.host, client.port))
        if response.status >= until:
            waiting.discard(call_id)
    return got


def calls_to(client: SipClient, number: str, names: list[str]) -> dict[str, bytes]:
    """INVITEs to `number`, by Call-ID, sent one after another without waiting."""
    calls = {
        name: invite(number, "+46361234567", host=client.host, port=client.port, call_id=name)
        for name in names
    }
    for message in calls.values():
        client.sock.sendto(message, (client.host, client.port))
    return calls


def test_s1_a_slow_vaxel_does_not_block_the_sip_workers_pings_and_retransmissions_are_answered_first(
    slow_vaxel,
):
    """More calls than SIP workers (4) and async workers (2) wait on a Växel that takes
    0.5 s per answer; a ping sent after them is answered before any of those calls is,
    and a caller's retransmission never asks Växel again: nothing that receives SIP
    waits on Växel."""
    client, routing = slow_vaxel(0.5, "#!define ASYNC_WORKERS 2\n#!define MAX_PENDING 20\n")
    calls = calls_to(client, GROUP_NUMBER, [f"waiting-{n}@pbx" for n in range(6)])
    got = answers_in_order(client, {"waiting-0@pbx": calls["waiting-0@pbx"]}, until=100)
    ping = request("OPTIONS", "ping", "test", host=client.host, port=client.port, call_id="ping@pbx")
    client.sock.sendto(ping, (client.host, client.port))
    client.sock.sendto(calls["waiting-0@pbx"], (client.host, client.port))  # the caller resends it
    got += answers_in_order(client, {**calls, "ping@pbx": ping})
    statuses = [(call_id, answer.status) for call_id, answer in got]
    before_any_redirect = statuses[: statuses.index(next(s for s in statuses if s[1] == 302))]
    assert ("ping@pbx", 200) in before_any_redirect
    # The resent INVITE is absorbed by its transaction: tm answers it again with the 100
    # Trying, or (while the transaction is suspended on Växel) with the final answer.
    redirected = [answer for call_id, answer in got if answer.status == 302]
    assert {answer.header("call-id") for answer in redirected} == set(calls)  # each, once or again
    assert all(ANNA_DIRECT in answer.header("contact") for answer in redirected)
    assert routing.asked == 6  # the resent INVITE did not ask again


@pytest.mark.parametrize("fallback", [True, False], ids=["fallback", "no-fallback"])
def test_s1_beyond_max_pending_new_calls_are_turned_away_at_once_while_earlier_calls_reach_their_targets(
    slow_vaxel, fallback
):
    defines = "#!define ASYNC_WORKERS 2\n#!define MAX_PENDING 3\n"
    if fallback:
        defines += f'#!define FALLBACK_CONTACT "<sip:{SWITCHBOARD}@{GATEWAY}>"\n'
    client, routing = slow_vaxel(0.5, defines)
    earlier: dict[str, bytes] = {}
    for n in range(3):  # each handed on to Växel (its 100 Trying) before the next is sent
        call = calls_to(client, GROUP_NUMBER, [f"earlier-{n}@pbx"])
        answers_in_order(client, call, until=100)
        earlier |= call
    later = calls_to(client, GROUP_NUMBER, ["later-0@pbx", "later-1@pbx"])
    finals = [
        (call_id, answer)
        for call_id, answer in answers_in_order(client, earlier | later)
        if answer.status >= 200
    ]
    assert {call_id for call_id, _answer in finals[:2]} == set(later)  # before any earlier call's answer
    for _call_id, answer in finals[:2]:
        assert "Vaxel overloaded" in answer.header("reason")
        if fallback:
            assert answer.status == 302 and answer.header("contact") == f"<sip:{SWITCHBOARD}@{GATEWAY}>"
        else:
            assert answer.status == 503 and answer.header("retry-after") == "1"
    assert {call_id for call_id, _answer in finals[2:]} == set(earlier)
    assert all(answer.status == 302 and ANNA_DIRECT in answer.header("contact") for _c, answer in finals[2:])
    assert routing.asked == 3
    assert ANNA_DIRECT in client.call(GROUP_NUMBER).header("contact") and routing.asked == 4  # room again
