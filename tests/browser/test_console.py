"""The operator console in Debian's Chromium, served over ASGI with its live stream:
a simulated call arrives, is answered (S1), a person is found by a typo and seen to be
absent with a back time (E3), a message is taken (S2), a call is put through, an
absence set in one console appears in another without reloading, and a caller's
history shows while their call rings and once it is answered."""

from datetime import timedelta

import pytest

from tests.browser.conftest import open_console, sign_in
from vaxel.availability.services import absence_add
from vaxel.core.time import local, now
from vaxel.directory.models import NumberKind
from vaxel.messaging.models import Message
from vaxel.messaging.services import message_take
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.services import call_arrive
from vaxel.testing import BJORN_DIRECT, PASSWORD, SWITCHBOARD

# A Tuesday morning: "back at 12:00" is said as today's time, whatever the real hour.
pytestmark = pytest.mark.clock("2026-12-01T10:00")


def test_s1_s2_e3_e8_operator_answers_finds_by_typo_takes_a_message_and_puts_through(
    switchboard_open_today, asgi_server, browser, shot
):
    town = switchboard_open_today
    back = now() + timedelta(hours=2)
    absence_add(person=town.anna, reason="meeting", starts_at=now() - timedelta(minutes=5), ends_at=back)
    page = open_console(browser, asgi_server, "operator")
    assert "Säg: ”Välkommen till Testby kommun.”" in page.text_content("#state")
    assert page.evaluate("document.activeElement.id") == "search"  # keyboard first

    call_arrive(caller="036-123456", called=SWITCHBOARD, asks_for="Anna Sjöberg")
    page.wait_for_selector(".calls li.call:has-text('036-12 34 56')")  # arrives without a reload
    page.wait_for_function("document.querySelector('.calls time').textContent.startsWith('0:0')")
    shot(page, "console-call-waiting")

    page.keyboard.press("Alt+a")
    page.wait_for_selector(".current.active:has-text('036-12 34 56')")
    page.keyboard.type("sjobreg")  # a slip and no ö
    hit = page.wait_for_selector("#hits .hit[aria-current=true]:has-text('Anna Sjöberg')")
    assert "Frånvarande: möte" in hit.text_content()
    assert f"åter {local(back):%H:%M}" in " ".join(hit.text_content().split())
    shot(page, "console-anna-absent")

    page.keyboard.press("Alt+m")
    page.fill("#message-form input[name=subject]", "Frågor om bygglov för garage")
    page.fill("#message-form input[name=caller_name]", "Greta Ek")
    page.click("#message-form button[type=submit]")
    page.wait_for_selector("#notice:has-text('är taget och skickat')")
    page.wait_for_selector(".calls:has-text('Ingen väntar.')")
    message = Message.objects.get()
    assert message.person == town.anna and message.caller_number == "+4636123456"
    shot(page, "console-message-taken")

    call_arrive(caller=BJORN_DIRECT, called=SWITCHBOARD, asks_for="Anna Sjöberg")  # E8
    internal = page.wait_for_selector(".calls li.call.internal")
    assert "Internt samtal" in internal.text_content() and "0370-33 10 01" in internal.text_content()
    page.keyboard.press("Alt+a")
    page.wait_for_selector(".current.active:has-text('Björn Åberg')")
    page.keyboard.press("Escape")
    page.keyboard.type("detaljplan")  # a service finds its unit
    page.wait_for_selector("#hits .hit[aria-current=true]:has-text('Bygglov')")
    page.keyboard.press("Escape")
    assert page.input_value("#search") == ""
    page.keyboard.type("anna sj")
    page.wait_for_selector("#hits .hit[aria-current=true]:has-text('Anna Sjöberg')")
    page.keyboard.press("Enter")  # put through to her direct number
    page.wait_for_selector("#notice:has-text('Kopplat till Anna Sjöberg.')")
    shot(page, "console-put-through")
    assert Call.objects.filter(state=CallState.PUT_THROUGH).count() == 1
    page.context.close()


def earlier_put_through(caller: str, person, days: int) -> Call:
    """A call `days` ago from `caller`, put through to `person`'s direct number."""
    at = now() - timedelta(days=days)
    number = person.numbers.get(kind=NumberKind.DIRECT)
    return Call.objects.create(
        external_id=f"earlier-{days}",
        driver="simulator",
        caller=caller,
        called=SWITCHBOARD,
        state=CallState.PUT_THROUGH,
        arrived_at=at,
        answered_at=at,
        ended_at=at + timedelta(minutes=1),
        put_through_to=number,
        put_through_name=person.name,
    )


def test_e4_the_callers_history_shows_while_the_call_waits_and_once_it_is_answered(
    switchboard_open_today, asgi_server, browser, shot
):
    town = switchboard_open_today
    earlier_put_through("+4636123456", town.anna, days=6)
    earlier_put_through("+4636123456", town.bjorn, days=1)
    callback = message_take(subject="Garaget", caller_number="036-123456", for_unit="Bygglov")
    page = open_console(browser, asgi_server, "operator")
    call_arrive(caller="036-123456", called=SWITCHBOARD)
    waiting = page.wait_for_selector(".calls li.call .history-line")
    assert "Har ringt 2 gånger de senaste 28 dagarna." in waiting.text_content()
    assert "1 öppet meddelande." in waiting.text_content()
    page.keyboard.press("Alt+a")
    history = page.wait_for_selector(".current.active .history")
    text = " ".join(history.text_content().split())
    assert "Har ringt 2 gånger förut" in text
    assert text.index("kopplad till Björn Åberg") < text.index("kopplad till Anna Sjöberg")
    assert f"Återuppringning {callback.reference} till Bygglov" in text
    shot(page, "console-caller-history")
    page.context.close()


def test_c1_an_absence_set_in_one_console_appears_in_another_without_reloading(
    switchboard_open_today, asgi_server, browser, shot
):
    first = open_console(browser, asgi_server, "operator")
    second = open_console(browser, asgi_server, "administrator")
    for page in (first, second):
        page.keyboard.type("björn åberg")
        page.wait_for_selector("#hits .hit:has-text('Björn Åberg'):has-text('Tillgänglig')")

    first.click("#hits .hit:has-text('Björn Åberg') >> text=Frånvaro…")
    first.select_option("#absence-form select[name=reason]", "sick")
    first.click("#absence-form button[type=submit]")
    first.wait_for_selector("#notice:has-text('Björn Åberg är markerad som frånvarande.')")

    second.wait_for_selector("#hits .hit:has-text('Björn Åberg'):has-text('Frånvarande: sjuk')")
    second.wait_for_selector("#feed li:first-child:has-text('Björn Åberg')")
    shot(second, "console-second-sees-absence")
    for page in (first, second):
        page.context.close()


def test_c1_a_manager_changes_telephone_hours_and_the_console_shows_it_at_once(
    switchboard_open_today, asgi_server, browser, shot
):
    console = open_console(browser, asgi_server, "operator")
    console.keyboard.type("bygglov")
    console.wait_for_selector("#hits .hit.unit:has-text('Telefontid: mon-fri 08:30-10:00')")

    manager = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm").new_page()
    sign_in(manager, asgi_server, "anna", PASSWORD)
    manager.goto(f"{asgi_server}/min-sida/enheter/")
    manager.fill("#weekly", "mon-thu 09:00-11:00")
    manager.click("form:has(#weekly) button")
    manager.wait_for_selector("#weekly[value='mon-thu 09:00-11:00']")
    shot(manager, "manager-telephone-hours")

    console.wait_for_selector("#hits .hit.unit:has-text('Telefontid: mon-thu 09:00-11:00')")
    console.wait_for_selector("#feed li:first-child:has-text('Telefontiden för Bygglov ändrades')")
    shot(console, "console-sees-new-telephone-hours")
    for page in (console, manager):
        page.context.close()


def test_s1_the_telephone_hears_avsluta_though_the_queue_was_redrawn_before_the_answer_came(
    switchboard_open_today, asgi_server, browser
):
    page = open_console(browser, asgi_server, "operator")
    call_arrive(caller="036-123456", called=SWITCHBOARD)
    page.wait_for_selector(".calls li.call")
    page.keyboard.press("Alt+a")
    page.wait_for_selector(".current.active [data-end-call]")
    page.evaluate(
        "window.told = []; document.body.addEventListener('vx-telephone', (e) => told.push(e.detail));"
        "document.querySelector('[data-end-call]').dataset.pressed = 'yes';"
    )
    held = []
    page.route("**/samtal/*/end/", lambda route: held.append(route))  # Avsluta's answer waits…
    page.click("[data-end-call]")
    while not held:  # Playwright hands the request over while it is asked to wait
        page.wait_for_timeout(50)
    page.evaluate("htmx.trigger(document.body, 'vx-resync')")  # …while the live stream redraws the queue
    page.wait_for_selector(".current [data-end-call]:not([data-pressed])")
    held[0].continue_()
    page.wait_for_function("() => told.some((detail) => detail.hang_up === 'yes')")  # the telephone hangs up
    page.wait_for_selector(".calls:has-text('Ingen väntar.')")
    page.context.close()
