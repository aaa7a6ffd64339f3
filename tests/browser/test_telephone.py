"""A real call through the switchboard, end to end on 127.0.0.1 with real parts only:
Kamailio (deploy/kamailio/switchboard.cfg), rtpengine in userspace, Växel over ASGI,
its media endpoint holding the queue, a caller's SIP telephone beyond the trunk, an
employee's desk phone registered as his number, and two operators' consoles in Debian's
Chromium, each registered over WebSocket as its operator's telephone (WebRTC)."""

import contextlib
from datetime import timedelta

import pytest
from playwright.sync_api import Error

from tests.browser.conftest import chromium, sign_in
from vaxel.availability.services import schedule_exception_add
from vaxel.core.testing import PASSWORD, logins, small_municipality
from vaxel.core.time import local_date, now
from vaxel.telephony.models import Call, CallEvent, CallState
from vaxel.telephony.switchboard import sip_credentials
from vaxel.telephony.tests.conftest import (  # noqa: F401 - fixtures
    DOMAIN,
    kamailio_stop,
    media,
    rtpengine,
    switchboard_start,
)
from vaxel.telephony.tests.phones import CallerAgent, Phone, answer, talk, until

SWITCHBOARD_E164 = "+46370331000"
BJORN = "+46370331002"
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


def test_s1_s3_a_caller_waits_is_answered_in_the_browser_talks_and_is_put_through_to_a_desk_phone(
    switchboard, browser, shot
):
    sip_port = switchboard["sip_port"]
    desk = Phone(proxy_port=sip_port, user=BJORN, domain=DOMAIN)
    minted = sip_credentials(BJORN)
    assert desk.register(str(minted["authorization_user"]), str(minted["password"])) == 200
    first = console(browser, switchboard["base"], "operator")
    second = console(browser, switchboard["base"], "administrator")
    frames: list[str] = []
    for page in (first, second):
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))

    caller = CallerAgent(sip_port)
    try:
        waiting = caller.call(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{sip_port}")
        until(waiting.answered.is_set)  # the media endpoint holds the caller in the queue
        for page in (first, second):
            page.wait_for_selector(".calls li.call[data-call]")  # both consoles show the call
        shot(first, "telephone-call-waiting")

        first.click(".calls li.call [data-answer]")
        second.wait_for_selector(".calls li.call[data-call]", state="detached")  # gone from the other
        first.wait_for_selector("#telephone[data-state=talking]")  # the caller is in the browser
        until(waiting.ended.is_set)  # the queue let go of the caller
        caller.received = 0
        until(lambda: caller.received > 25, seconds=10)  # the operator's voice reaches the caller
        audio = until(lambda: first.evaluate("VaxelTelephone.audio()")["received"] > 25 and first, 10)
        assert audio.evaluate("VaxelTelephone.audio()")["sent"] > 25
        shot(first, "telephone-talking")

        first.fill("#search", "Björn Åberg")
        first.click("#hits .hit [data-put-through]")
        ringing = desk.ringing(seconds=10)
        assert ringing.startswith(f"INVITE sip:{BJORN}@127.0.0.1:{desk.port}")
        to = answer(desk, ringing)
        assert to is not None
        heard = talk(desk.rtp, to, seconds=1.5)
        assert heard > 20  # the caller's voice reaches the desk phone
        first.wait_for_selector("#telephone[data-state=on]")  # the console let go
        assert Call.objects.get().state == CallState.PUT_THROUGH
        assert not any(BJORN.removeprefix("+46") in frame for frame in frames)  # addresses, never numbers
    finally:
        caller.close()
        desk.close()


def answered(switchboard, page) -> CallerAgent:
    """A caller who has been answered at `page`'s console and is talking with it."""
    sip_port = switchboard["sip_port"]
    caller = CallerAgent(sip_port)
    waiting = caller.call(f"sip:{SWITCHBOARD_E164}@127.0.0.1:{sip_port}")
    until(waiting.answered.is_set)
    page.click(".calls li.call [data-answer]")
    page.wait_for_selector("#telephone[data-state=talking]")
    until(waiting.ended.is_set)
    return caller


def test_s3_hold_and_a_call_put_through_to_a_private_mobile_whose_digits_never_reach_the_browser(
    switchboard, browser
):
    mobile = "+46701234567"  # Anna's, without her consent to give it out
    phone = Phone(proxy_port=switchboard["sip_port"], user=mobile, domain=DOMAIN)
    minted = sip_credentials(mobile)
    assert phone.register(str(minted["authorization_user"]), str(minted["password"])) == 200
    page = console(browser, switchboard["base"], "operator")
    seen: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: seen.append(str(frame))))
    page.on("response", lambda response: seen.append(response))
    caller = answered(switchboard, page)
    try:
        page.click("[data-hold]")
        page.wait_for_selector("#telephone[data-state=held]")
        until(lambda: CallEvent.objects.filter(kind="held").exists())
        page.click("[data-hold]")
        page.wait_for_selector("#telephone[data-state=talking]")
        until(lambda: CallEvent.objects.filter(kind="resumed").exists())

        page.fill("#search", "Anna Sjöberg")
        page.click("#hits .hit:has-text('Anna Sjöberg') button[data-put-through]:not(.primary)")
        ringing = phone.ringing(seconds=10)
        assert ringing.startswith(f"INVITE sip:{mobile}@127.0.0.1:{phone.port}")
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
    finally:
        caller.close()
        phone.close()


def test_s1_a_caller_who_hangs_up_on_the_operator_ends_the_call(switchboard, browser):
    page = console(browser, switchboard["base"], "operator")
    caller = answered(switchboard, page)
    try:
        caller.hang_up()
        page.wait_for_selector("#telephone[data-state=on]")
        until(lambda: Call.objects.get().state == CallState.ENDED)
        assert CallEvent.objects.filter(kind="ended").count() == 1
    finally:
        caller.close()
