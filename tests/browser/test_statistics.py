"""A manager looks at the unit's statistics in a browser: figures, met or missed, and
the four charts drawn (C2)."""

from tests.browser.conftest import sign_in
from vaxel.servicelevels.tests.conftest import report_calls
from vaxel.testing import PASSWORD, small_municipality


def test_c2_a_manager_sees_the_weeks_charts_and_switches_to_months(transactional_db, live_server, page, shot):
    from vaxel.testing import ANNA_DIRECT, logins

    logins(small_municipality())
    report_calls(
        ("b1", ANNA_DIRECT, [("arrived", "2026-11-24T09:00:00"), ("answered", "2026-11-24T09:00:45")]),
        ("b2", ANNA_DIRECT, [("arrived", "2026-11-25T09:00:00"), ("answered", "2026-11-25T09:00:05")]),
    )
    sign_in(page, live_server.url, "anna", PASSWORD)
    page.goto(f"{live_server.url}/min-sida/statistik/?from=2026-11-02&to=2026-11-29")
    assert page.text_content("h1") == "Statistik: Bygglov"
    assert "50,0 %" in page.text_content("#figures") and "missat" in page.text_content("#figures")
    drawn = page.eval_on_selector_all("figure img", "images => images.map(i => i.complete && i.naturalWidth)")
    assert len(drawn) == 4 and all(width > 300 for width in drawn)
    shot(page, "statistik-vecka")
    page.select_option("select[name=by]", "month")
    page.click("text=Visa")
    page.wait_for_url("**by=month**")
    assert "november 2026" in page.text_content("#periods").lower()
