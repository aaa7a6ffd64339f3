"""An employee on a phone-sized screen sets absences on Min sida (E3, E7)."""

from datetime import timedelta

import pytest

from tests.browser.conftest import sign_in
from vaxel.core.time import local, now
from vaxel.testing import PASSWORD, small_municipality


@pytest.mark.clock("2026-11-30T14:00")  # a Monday: the meeting it enters is tomorrow morning
def test_e3_e7_employee_sets_a_lunch_then_confirms_a_meeting_in_telephone_hours(
    transactional_db, live_server, page, shot
):
    from vaxel.testing import logins

    logins(small_municipality())
    sign_in(page, live_server.url, "bjorn", PASSWORD)
    page.wait_for_url("**/min-sida/")
    assert page.text_content("#answer-phrase") == "Bygglov, Testby kommun, det är Björn Åberg."
    assert page.text_content("#state").strip() == "Du är tillgänglig."

    page.click("text=Lunch 1 tim")
    back = local(now() + timedelta(hours=1))
    page.wait_for_selector("text=är på lunch")
    assert f"tillbaka klockan {back:%H.%M}" in page.text_content(
        "#state"
    ) or f"{(back - timedelta(minutes=1)):%H.%M}" in page.text_content("#state")
    shot(page, "min-sida-lunch")

    page.select_option("select[name=reason]", "meeting")
    page.fill("input[name=from]", "2026-12-01T09:00")
    page.fill("input[name=until]", "2026-12-01T11:00")
    page.click("text=Lägg in >> nth=-1")
    warning = page.wait_for_selector("#e7-warning")
    assert "mon-fri 08:30-10:00" in warning.text_content()
    shot(page, "min-sida-e7-warning")
    page.click("text=Ja, lägg in ändå")
    page.wait_for_selector("#absences")
    assert "2026-12-01 09:00 – 2026-12-01 11:00: möte" in page.text_content("#absences")

    page.click("text=Jag är tillbaka")
    page.wait_for_selector("text=Du är tillgänglig.")
    shot(page, "min-sida-back")
