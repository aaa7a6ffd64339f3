"""Min sida: an absence in one or two taps, merged (E3), with the E7 confirmation."""

from datetime import timedelta

import pytest

from vaxel.availability.models import Absence
from vaxel.core.time import local, now
from vaxel.directory.models import NumberKind
from vaxel.testing import PASSWORD


@pytest.fixture
def bjorn(client, logins):
    client.login(username="bjorn", password=PASSWORD)
    return client


def test_e2_my_page_shows_the_answer_phrase_and_that_i_am_available(bjorn):
    page = bjorn.get("/min-sida/").content.decode()
    assert "Bygglov, Testby kommun, det är Björn Åberg." in page
    assert "Du är tillgänglig." in page


@pytest.mark.clock("2026-12-01T11:30")  # lunch until 12.30 the same day
def test_e3_lunch_in_one_tap_and_what_callers_hear(bjorn):
    assert bjorn.post("/min-sida/", {"action": "absence", "preset": "lunch"}).status_code == 302
    back = local(Absence.objects.get().ends_at).strftime("%H.%M")
    page = bjorn.get("/min-sida/").content.decode()
    assert f"Björn Åberg är på lunch och är tillbaka klockan {back}." in page
    bjorn.post("/min-sida/", {"action": "back"})
    assert "Du är tillgänglig." in bjorn.get("/min-sida/").content.decode()


def test_e3_a_meeting_then_lunch_show_as_one_absence(bjorn):
    start = local(now() + timedelta(days=1)).replace(hour=13, minute=0, second=0, microsecond=0)
    for reason, hours in (("meeting", (0, 2)), ("lunch", (2, 3))):
        bjorn.post(
            "/min-sida/",
            {
                "action": "absence",
                "reason": reason,
                "from": (start + timedelta(hours=hours[0])).strftime("%Y-%m-%dT%H:%M"),
                "until": (start + timedelta(hours=hours[1])).strftime("%Y-%m-%dT%H:%M"),
            },
        )
    page = bjorn.get("/min-sida/").content.decode()
    assert "möte + lunch" in page and "tillbaka" in page and "klockan 16.00" in page


@pytest.mark.parametrize("reason", ["meeting", "möte"])  # the reason as written or as stored
def test_e7_an_absence_in_telephone_hours_needs_a_confirmation(bjorn, reason):
    form = {"action": "absence", "reason": reason, "from": "2026-12-01T09:00", "until": "2026-12-01T11:00"}
    warned = bjorn.post("/min-sida/", form)
    assert warned.status_code == 409
    text = warned.content.decode()
    assert "telefontiden för Bygglov (mon-fri 08:30-10:00)" in text and "Ja, lägg in ändå" in text
    assert Absence.objects.count() == 0
    assert bjorn.post("/min-sida/", {**form, "confirm_e7": "yes"}).status_code == 302
    assert Absence.objects.count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"action": "absence", "reason": "meeting", "from": "2026-12-01T12:00", "until": "2026-12-01T11:00"},
        {"action": "absence", "reason": "fika", "from": "2026-12-01T12:00"},
        {"action": "absence", "preset": "meeting_until"},
        {"action": "absence", "preset": "vacation", "first_day": "2026-12-10", "last_day": "2026-12-01"},
        {"action": "nonsense"},
    ],
)
def test_bad_input_on_my_page_is_explained_and_writes_nothing(bjorn, form):
    answer = bjorn.post("/min-sida/", form)
    assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    assert Absence.objects.count() == 0


def test_s3_i_choose_whether_my_mobile_is_given_out(client, logins, town):
    client.login(username="anna", password=PASSWORD)
    assert "Ditt mobilnummer är privat" in client.get("/min-sida/").content.decode()
    client.post("/min-sida/", {"action": "consent", "consent": "yes"})
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)
    assert mobile.disclosure_consent and mobile.consent_changed_at is not None
    assert "070-123 45 67" in client.get(f"/api/v1/people/{town.anna.pk}/").content.decode()


def test_only_a_person_with_a_login_has_a_page(client, logins):
    assert client.get("/min-sida/").status_code == 302  # to the sign-in page
    client.login(username="nobody", password=PASSWORD)
    assert client.get("/min-sida/").status_code == 403
