"""A real call through the switchboard, end to end on 127.0.0.1 with real parts only:
Kamailio (deploy/kamailio/switchboard.cfg), rtpengine in userspace, Växel over ASGI,
its media endpoint holding the queue, a caller's telephone beyond the trunk and an
employee's desk phone registered as his number (both Debian's baresip), and two
operators' consoles in Debian's Chromium, each registered over WebSocket as its
operator's telephone (WebRTC)."""

import contextlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error

from tests.browser.conftest import chromium, sign_in
from vaxel.availability.services import schedule_exception_add
from vaxel.core.time import local_date, now
from vaxel.telephony.models import Call, CallEvent, CallState
from vaxel.telephony.services import call_arrive, call_callback_request
from vaxel.telephony.switchboard import operator_user, sip_credentials
from vaxel.telephony.tests.baresip import SipAgent, until
from vaxel.telephony.tests.conftest import (  # noqa: F401 - fixtures
    DOMAIN,
    kamailio_stop,
    media,
    rtpengine,
    switchboard_start,
)
from vaxel.testing import PASSWORD, logins, small_municipality

SWITCHBOARD_E164 = "+46370331000"
BJORN = "+46370331002"
CALLER = "+46361234567"
WIDE = {"width": 1400, "height": 900}
pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


@pytest.fixture(scope="module")
def browser():
    """Chromium with a fake microphone that needs no one to allow it, and WebRTC that
    may use the loopback interface."""
    yield from chromium(
        (
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            "--allow-loopback-in-peer-connection",
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--autoplay-policy=no-user-gesture-required",
        )
    )


@pytest.fixture
def switchboard(transactional_db, asgi_server, media, rtpengine, settings, tmp_path):  # noqa: F811
    town = small_municipality()
    logins(town)
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = DOMAIN
    settings.VAXEL_SIP_CREDENTIALS_SECONDS = 20 * 365 * 86400  # Kamailio reads the machine's clock
    settings.VAXEL_MEDIA_HOST = f"127.0.0.1:{media['port']}"
    port = int(asgi_server.rsplit(":", 1)[1])
    pid_file, sip_port, ws_port = switchboard_start(tmp_path, vaxel_port=port, rtpengine=rtpengine)
    settings.VAXEL_SIP_WS_URL = f"ws://127.0.0.1:{ws_port}"
    yield {"town": town, "sip_port": sip_port, "base": asgi_server}
    kamailio_stop(pid_file)


def console(browser, base: str, username: str):
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport=WIDE)
    context.grant_permissions(["microphone"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, username, PASSWORD)
    page.goto(f"{base}/konsol/")
    page.wait_for_selector("#live.on")
    page.wait_for_selector("#telephone[data-state=on]")  # registered as the operator's telephone
    return page


def desk_console(browser, base: str):
    """The operator's console on a computer where "Bordstelefon" was ticked before: it
    remembers, and is not a telephone itself."""
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport=WIDE)
    context.set_default_timeout(15_000)
    context.add_init_script("localStorage.setItem('vaxel.desk-phone', 'yes')")
    page = context.new_page()
    sign_in(page, base, "operator", PASSWORD)
    page.goto(f"{base}/konsol/")
    page.wait_for_selector("#telephone[data-state=desk]")
    return page


@pytest.fixture
def agents(switchboard):
    """Starts baresip telephones at the switchboard: `phone(number)` registers with the
    credentials Växel mints, `caller()` is beyond the trunk; all stopped at the end."""
    started: list[SipAgent] = []

    def start(agent: SipAgent) -> SipAgent:
        started.append(agent)
        return agent.start()

    def phone(number: str) -> SipAgent:
        minted = sip_credentials(number)
        made = start(
            SipAgent(
                user=number,
                domain=DOMAIN,
                proxy_port=switchboard["sip_port"],
                auth_user=str(minted["authorization_user"]),
                password=str(minted["password"]),
            )
        )
        assert made.registration() == 200
        return made

    def caller() -> SipAgent:
        return start(SipAgent(user=CALLER, domain="127.0.0.1", proxy_port=switchboard["sip_port"]))

    yield SimpleNamespace(phone=phone, caller=caller)
    for agent in started:
        agent.close()


def both_ways(audio: dict) -> bool:
    """Half a second of RTP in each direction."""
    return audio["received"] > 25 and audio["sent"] > 25


def test_s1_s3_a_caller_waits_is_answered_in_the_browser_talks_and_is_put_through_to_a_desk_phone(
    switchboard, agents, browser, shot
):
    sip_port = switchboard["sip_port"]
    desk = agents.phone(BJORN)
    first = console(browser, switchboard["base"], "operator")
    second = console(browser, switchboard["base"], "administrator")
    frames: list[str] = []
    for page in (first, second):
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))

    caller = agents.caller()
    caller.dial(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{sip_port}")
    waiting = caller.established()  # the media endpoint holds the caller in the queue
    assert waiting is not None
    for page in (first, second):
        page.wait_for_selector(".calls li.call[data-call]")  # both consoles show the call
    shot(first, "telephone-call-waiting")

    first.click(".calls li.call [data-answer]")
    second.wait_for_selector(".calls li.call[data-call]", state="detached")  # gone from the other
    first.wait_for_selector("#telephone[data-state=talking]")  # the caller is in the browser
    assert caller.wait("TRANSFER") is not None  # the console referred the caller to itself
    assert caller.closed(waiting.call_id) is not None  # the queue let go of the caller
    to_operator = caller.established(other_than=waiting.call_id)
    assert to_operator is not None
    # two-way audio: the operator's voice reaches the caller and the caller's the operator
    until(lambda: both_ways(vars(caller.audio())))
    until(lambda: both_ways(first.evaluate("VaxelTelephone.audio()")))
    shot(first, "telephone-talking")

    moved = caller.mark()
    first.fill("#search", "Björn Åberg")
    first.click("#hits .hit [data-put-through]")
    ringing = desk.ringing(seconds=10)
    assert ringing is not None
    assert ringing.request_uri == desk.contact  # sip:+46370331002-0x…@127.0.0.1:<the desk phone's port>
    assert ringing.peer.startswith(f"sip:{CALLER}@")
    desk.answer()
    assert caller.established(since=moved, other_than=to_operator.call_id) is not None
    until(lambda: desk.audio().received > 20)  # the caller's voice reaches the desk phone
    until(lambda: caller.audio().received > 20)  # and the desk phone's the caller
    first.wait_for_selector("#telephone[data-state=on]")  # the console let go
    assert Call.objects.get().state == CallState.PUT_THROUGH
    assert not any(BJORN.removeprefix("+46") in frame for frame in frames)  # addresses, never numbers


def answered(switchboard, agents, page) -> SipAgent:
    """A caller who has been answered at `page`'s console and is talking with it."""
    sip_port = switchboard["sip_port"]
    caller = agents.caller()
    caller.dial(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{sip_port}")
    waiting = caller.established()
    assert waiting is not None
    page.click(".calls li.call [data-answer]")
    page.wait_for_selector("#telephone[data-state=talking]")
    assert caller.closed(waiting.call_id) is not None
    assert caller.established(other_than=waiting.call_id) is not None
    return caller


def test_s1_the_operator_asks_the_person_first_goes_back_to_the_caller_then_puts_them_through_to_that_phone(
    switchboard, agents, browser
):
    desk = agents.phone(BJORN)
    page = console(browser, switchboard["base"], "operator")
    caller = answered(switchboard, agents, page)
    page.fill("#search", "Björn Åberg")
    page.wait_for_selector("#hits .hit[aria-current=true] [data-consult]")

    def ask_first():
        asked = desk.mark()
        page.keyboard.press("Alt+K")  # the selected hit: ask first
        page.wait_for_selector("#telephone[data-state=held]")  # the caller waits on hold
        ringing = desk.ringing(seconds=10, since=asked)
        assert ringing is not None and ringing.peer.startswith("sip:operator")  # the operator calls
        desk.answer()
        page.wait_for_selector("#consult:not([hidden]) >> text=Du pratar med Björn Åberg")
        until(lambda: both_ways(page.evaluate("VaxelTelephone.audio('consult')")))  # they talk

    ask_first()
    page.click("[data-consult-back]")  # not now: back to the caller
    page.wait_for_selector("#telephone[data-state=talking]")
    assert page.is_hidden("#consult")
    assert desk.closed() is not None

    ask_first()
    again = desk.mark()
    page.click("[data-join]")
    # baresip cannot take a call over (no Replaces): the consultation ends, and the same
    # phone rings with the caller
    ringing = desk.ringing(seconds=10, since=again)
    assert ringing is not None and ringing.peer.startswith(f"sip:{CALLER}@")
    assert ringing.request_uri == desk.contact
    desk.answer()
    until(lambda: desk.audio().received > 20 and caller.audio().received > 20)  # they hear each other
    page.wait_for_selector("#telephone[data-state=on]")  # the console let go of both
    assert not page.evaluate("VaxelTelephone.consulting()")
    call = Call.objects.get()
    assert call.state == CallState.PUT_THROUGH and call.put_through_name == "Björn Åberg"


SOFT_PHONE = """async (credentials) => {
  // A soft phone that answers every call, and lets a call take over one it is in (Replaces).
  window.calls = [];
  window.replaced = 0;
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(credentials.ws)], uri: credentials.uri,
    authorization_user: credentials.authorization_user, password: credentials.password,
    register: true, session_timers: false,
  });
  ua.on("newRTCSession", (event) => {
    if (event.originator !== "remote") return;
    const session = event.session;
    window.calls.push(session);
    session.on("replaces", (replacing) => { window.replaced += 1; replacing.accept(); });
    session.answer({ mediaConstraints: { audio: true, video: false } });
  });
  const registered = new Promise((resolve) => ua.on("registered", resolve));
  ua.start();
  await registered;
}"""
CALL_AUDIO = """async () => {
  const session = window.calls[window.calls.length - 1];
  const counts = { received: 0, sent: 0, calls: window.calls.length, replaced: window.replaced,
                   live: window.calls.filter((s) => s.isEstablished()).length };
  if (!session || !session.connection) return counts;
  (await session.connection.getStats()).forEach((report) => {
    if (report.type === "inbound-rtp" && report.kind === "audio") counts.received += report.packetsReceived;
    if (report.type === "outbound-rtp" && report.kind === "audio") counts.sent += report.packetsSent;
  });
  return counts;
}"""


def test_s1_a_phone_that_can_take_a_call_over_gets_the_caller_straight_from_the_consultation(
    switchboard, agents, browser
):
    """A soft phone in the browser (JsSIP, which honours Replaces) registered as Björn:
    after the operator has asked him first, Put through now hands the caller to him
    without his phone ringing again."""
    context = browser.new_context(viewport=WIDE, bypass_csp=True)
    context.grant_permissions(["microphone"])
    soft = context.new_page()
    soft.goto(f"{switchboard['base']}/tillganglighet/")
    soft.add_script_tag(url=f"{switchboard['base']}/static/console/jssip-3.12.0.min.js")
    soft.evaluate(SOFT_PHONE, sip_credentials(BJORN))
    page = console(browser, switchboard["base"], "operator")
    caller = answered(switchboard, agents, page)
    page.fill("#search", "Björn Åberg")
    page.click("#hits .hit [data-consult]")
    page.wait_for_selector("#consult:not([hidden]) >> text=Du pratar med Björn Åberg")
    until(lambda: both_ways(soft.evaluate(CALL_AUDIO)))  # the operator and Björn talk

    page.click("[data-join]")
    taken = until(lambda: (seen := soft.evaluate(CALL_AUDIO))["replaced"] == 1 and seen)
    assert taken["calls"] == 2  # the caller's call came in and took the consultation's place
    # one call left, the caller's, and Björn hears them
    until(lambda: (seen := soft.evaluate(CALL_AUDIO))["live"] == 1 and both_ways(seen))
    until(lambda: caller.audio().received > 20)  # and the caller Björn
    page.wait_for_selector("#telephone[data-state=on]")  # the console let go of both
    until(lambda: not page.evaluate("VaxelTelephone.consulting()"))
    assert Call.objects.get().state == CallState.PUT_THROUGH
    context.close()


def test_e4_the_operator_calls_back_a_caller_from_the_console_and_they_talk(switchboard, agents, browser):
    phone = agents.phone(CALLER)  # the caller's own phone, reachable here
    waiting = call_arrive(caller=CALLER, called=SWITCHBOARD_E164, external_id="waiting", driver="kamailio")
    assert call_callback_request(external_id="waiting") is not None  # they pressed 1 and hung up
    page = console(browser, switchboard["base"], "operator")
    page.click(".calls li.call[data-callback] [data-call-back]")  # Ring upp
    page.wait_for_selector("#telephone[data-state=calling]")
    assert phone.ringing(seconds=10) is not None
    phone.answer()
    page.wait_for_selector("#telephone[data-state=talking]")
    until(lambda: both_ways(page.evaluate("VaxelTelephone.audio()")))  # they hear each other
    until(lambda: phone.audio().received > 25)
    until(lambda: Call.objects.get(pk=waiting.pk).called_back_at is not None)
    page.click("[data-end-call]")
    assert phone.closed() is not None, phone.sip_trace()  # the call ends at the caller's phone
    until(lambda: Call.objects.get(pk=waiting.pk).state == CallState.ENDED)


def test_s1_a_call_parked_in_one_console_is_picked_up_in_another_and_they_talk(switchboard, agents, browser):
    first = console(browser, switchboard["base"], "operator")
    second = console(browser, switchboard["base"], "administrator")
    caller = answered(switchboard, agents, first)
    talking = caller.mark()
    first.wait_for_selector(".current [data-park]")  # the current call is shown, with Parkera
    first.keyboard.press("Alt+P")  # Parkera
    first.wait_for_selector("#telephone[data-state=on]")  # free for the next call
    parked = caller.established(since=talking)  # the caller waits at the parking place
    assert parked is not None
    second.click(".calls li.call[data-parked] [data-pick-up]")  # Ta upp, at the other console
    second.wait_for_selector("#telephone[data-state=talking]")
    assert caller.established(since=talking, other_than=parked.call_id) is not None
    until(lambda: both_ways(second.evaluate("VaxelTelephone.audio()")))
    call = Call.objects.get()
    assert call.state == CallState.ANSWERED and call.answered_by.username == "administrator"


def test_s1_a_call_put_through_that_nobody_answers_rings_the_operators_console_again(
    switchboard, agents, browser
):
    town = switchboard["town"]
    town.bjorn.unit.transfer_ring_seconds = 3
    town.bjorn.unit.save()
    desk = agents.phone(BJORN)  # Björn's phone rings, and nobody picks up
    page = console(browser, switchboard["base"], "operator")
    caller = answered(switchboard, agents, page)
    page.fill("#search", "Björn Åberg")
    page.click("#hits .hit [data-put-through]")
    assert desk.ringing(seconds=10) is not None
    page.wait_for_selector("#telephone[data-state=on]")
    page.wait_for_selector("#telephone[data-state=talking]", timeout=10_000)  # back at this console
    page.wait_for_selector("text=Återkoppling")
    until(lambda: both_ways(page.evaluate("VaxelTelephone.audio()")))  # with the caller again
    leg = Call.objects.get(recall_of__isnull=False)
    assert leg.recall_reason == "no_answer" and leg.answered_by.username == "operator"
    assert caller.audio().received > 0


def test_s3_hold_and_a_call_put_through_to_a_private_mobile_whose_digits_never_reach_the_browser(
    switchboard, agents, browser
):
    mobile = "+46701234567"  # Anna's, without her consent to give it out
    phone = agents.phone(mobile)
    page = console(browser, switchboard["base"], "operator")
    seen: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: seen.append(str(frame))))
    page.on("response", lambda response: seen.append(response))
    answered(switchboard, agents, page)
    page.click("[data-hold]")
    page.wait_for_selector("#telephone[data-state=held]")
    until(lambda: CallEvent.objects.filter(kind="held").exists())
    page.click("[data-hold]")
    page.wait_for_selector("#telephone[data-state=talking]")
    until(lambda: CallEvent.objects.filter(kind="resumed").exists())

    page.fill("#search", "Anna Sjöberg")
    page.click("#hits .hit:has-text('Anna Sjöberg') button[data-put-through]:not(.primary)")
    ringing = phone.ringing(seconds=10)
    assert ringing is not None and ringing.request_uri == phone.contact
    page.wait_for_selector("#telephone[data-state=on]")
    texts = []
    for item in seen:
        if isinstance(item, str):
            texts.append(item)
        elif "/handelser/" not in item.url:  # the live stream never ends
            with contextlib.suppress(Error):  # a redirect has no body
                texts.append(item.text())
    digits = ["701234567", "070-123 45 67", "070-1234567", "070 123 45 67"]  # the caller is 036-123 45 67
    assert texts and not any(form in text for text in texts for form in digits)


def test_s1_a_caller_who_hangs_up_on_the_operator_ends_the_call(switchboard, agents, browser):
    page = console(browser, switchboard["base"], "operator")
    caller = answered(switchboard, agents, page)
    caller.hang_up()
    page.wait_for_selector("#telephone[data-state=on]")
    until(lambda: Call.objects.get().state == CallState.ENDED)
    assert CallEvent.objects.filter(kind="ended").count() == 1


def test_s1_an_operator_answers_on_a_desk_phone_and_puts_the_call_through_from_the_console(
    switchboard, agents, browser, settings
):
    settings.VAXEL_SIP_PROXY = f"127.0.0.1:{switchboard['sip_port']}"  # Växel asks Kamailio to refer
    operator = get_user_model().objects.get(username="operator")
    desk = agents.phone(operator_user(operator))
    bjorn = agents.phone(BJORN)
    page = desk_console(browser, switchboard["base"])
    assert page.is_checked("#desk-phone")
    caller = agents.caller()
    caller.dial(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{switchboard['sip_port']}")
    waiting = caller.established()
    assert waiting is not None
    page.click(".calls li.call [data-answer]")
    assert desk.ringing(seconds=10) is not None  # the desk phone rings, not the browser
    desk.answer()
    assert caller.established(other_than=waiting.call_id) is not None
    page.fill("#search", "Björn Åberg")
    page.click("#hits .hit [data-put-through]")
    page.wait_for_selector("#notice:has-text('Din bordstelefon släppte den som ringer')")
    assert bjorn.ringing(seconds=10) is not None
    assert desk.closed() is not None
    assert Call.objects.get().state == CallState.PUT_THROUGH
    page.context.close()


def test_s1_a_call_that_cannot_reach_the_operators_desk_phone_waits_in_the_queue_again(
    switchboard, agents, browser
):
    page = desk_console(browser, switchboard["base"])  # and the desk phone is switched off
    caller = agents.caller()
    caller.dial(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{switchboard['sip_port']}")
    assert caller.established() is not None
    page.click(".calls li.call [data-answer]")
    page.wait_for_selector("#notice:has-text('Samtalet nådde inte din telefon')")
    page.wait_for_selector(".calls li.call [data-answer]")  # back in the queue, for anyone to answer
    call = Call.objects.get()
    assert call.state == CallState.QUEUED and call.answered_by is None
    page.context.close()
