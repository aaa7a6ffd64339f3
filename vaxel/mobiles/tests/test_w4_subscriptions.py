"""W4 on every work-mobile subscription: a greeting that passes the routine's check, a
reminder to whoever's does not; and the compliance report's W1, W2 and W4 rows."""

from datetime import date, timedelta

import pytest

from vaxel.compliance.selectors import compliance_report
from vaxel.core.time import local_date, now
from vaxel.mobiles.models import LossChannel
from vaxel.mobiles.services import (
    greeting_reminders_send,
    mobile_blocked,
    mobile_report_lost,
    mobile_return,
    subscription_add,
)
from vaxel.testing import PASSWORD


def _week():
    today = local_date(now())
    return {"first": today - timedelta(days=6), "last": today}


def test_w4_the_work_mobiles_greeting_is_suggested_and_checked(client, mobiles, dana_login):
    client.login(username="dana", password=PASSWORD)
    page = client.get("/min-sida/mobil/").content.decode()
    assert "du har kommit till Dana Ek på Bygglov, Testby kommun" in page
    client.post("/min-sida/mobil/", {"action": "greeting", "greeting": "Hej, det är Dana."})
    assert "Ditt meddelande saknar" in client.get("/min-sida/mobil/").content.decode()
    rows = [f for f in compliance_report(**_week()) if f.rule == "W4" and f.person == "Dana Ek"]
    assert any("tjänstemobilens hälsning saknar" in f.what for f in rows)
    client.post(
        "/min-sida/mobil/",
        {"action": "greeting", "greeting": "Dana Ek, Bygglov, Testby kommun. Ring Anna Sjöberg."},
    )
    assert "Ditt meddelande följer rutinen." in client.get("/min-sida/mobil/").content.decode()
    rows = [f for f in compliance_report(**_week()) if f.rule == "W4" and f.person == "Dana Ek"]
    assert not [f for f in rows if "tjänstemobil" in f.what]
    assert client.post("/min-sida/mobil/", {"action": "greeting", "greeting": " "}).status_code == 400


def test_w4_holders_without_a_good_greeting_are_reminded_weekly_over_smtp(
    mobiles, smtp, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert greeting_reminders_send() == 2  # Björn and Dana: no greeting on record
    assert sorted(to[0] for to, _m in smtp.inbox.received) == ["bjorn.aberg@example.se", "dana.ek@example.se"]
    _to, message = smtp.inbox.received[0]
    assert message["Subject"] == "Mobilsvaret på din tjänstemobil (W4)"
    assert "/min-sida/mobil/" in message.get_body(("plain",)).get_content()
    assert greeting_reminders_send() == 0  # not again within the week
    clock.shift(timedelta(days=8))
    assert greeting_reminders_send() == 2


@pytest.mark.clock("2026-12-01T10:00")
def test_w1_the_compliance_report_lists_mobiles_with_no_holder_and_late_blocks(mobiles, clock):
    subscription_add(number="073-9990011", operator="Telia", iccid="89460100000000000108")
    mobile_return(subscription=mobiles.bjorn)
    mobile_report_lost(subscription=mobiles.dana, kind="stolen", channel=LossChannel.SELF)
    week = {"first": date(2026, 11, 30), "last": date(2026, 12, 6)}
    w1 = [f for f in compliance_report(**week) if f.rule == "W1"]
    assert any(f.person == "Björn Åberg" and "ingen känd innehavare" in f.what for f in w1)  # returned
    assert any(f.person == "" for f in w1)  # never handed out: in the whole organisation's report
    assert not [f for f in compliance_report(**week, unit="Bygglov") if f.rule == "W1" and not f.person]
    assert not [f for f in w1 if "spärrades inte" in f.what]  # within the 4 hours still
    clock.shift(timedelta(hours=5))
    late = [f for f in compliance_report(**week) if "spärrades inte" in f.what]
    assert [f.person for f in late] == ["Dana Ek"]
    mobile_blocked(subscription=mobiles.dana)  # blocked, but late: still listed
    assert [f for f in compliance_report(**week) if "spärrades inte" in f.what]


def test_w4_my_page_shows_the_routine_for_work_mobiles_to_holders(client, logins, mobiles, settings):
    client.login(username="bjorn", password=PASSWORD)
    page = client.get("/min-sida/").content.decode()
    assert "Rutinen för tjänstemobiler" in page and "handsfree (W3)" in page and "(E9)" in page
    settings.VAXEL_MOBILE_CONDUCT_TEXT = "Mobilen är %(organisation)s egendom.\\nKör aldrig utan handsfree."
    page = client.get("/min-sida/mobil/").content.decode()
    assert "Mobilen är Testby kommun egendom." in page and "Kör aldrig utan handsfree." in page
    assert "(E9)" not in page  # the organisation's own text instead of the routine's words
    client.login(username="anna", password=PASSWORD)  # holds no work mobile
    assert "Rutinen för tjänstemobiler" not in client.get("/min-sida/").content.decode()
