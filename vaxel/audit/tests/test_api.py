"""C1: every change reaches the switchboard's feed at once, newest first, with who did it."""

from rest_framework.test import APIClient

from vaxel.availability.services import absence_add, telephone_hours_set
from vaxel.core.time import parse_instant
from vaxel.testing import PASSWORD


def client_as(username: str) -> APIClient:
    client = APIClient()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_c1_changes_appear_newest_first_with_their_author(logins, town):
    telephone_hours_set(unit=town.unit, weekly="mon-fri 09:00-10:00", actor=logins["manager"])
    absence_add(person=town.cecilia, reason="sick", starts_at=parse_instant("2026-12-01T08:00"), ends_at=None)
    feed = client_as("operator").get("/api/v1/changes/").json()["results"]
    assert feed[0]["summary"].startswith("Cecilia Öst: sjuk 2026-12-01 08:00")
    assert feed[1]["summary"] == "Telefontiden för Bygglov ändrades"
    assert feed[1]["actor"] == "anna" and feed[1]["after"]["weekly"] == "mon-fri 09:00-10:00"
    assert feed[1]["unit"] == {"id": town.unit.pk, "name": "Bygglov"}
    assert [c["id"] for c in feed] == sorted((c["id"] for c in feed), reverse=True)


def test_c1_a_manager_sees_the_changes_of_their_own_units(logins, town):
    absence_add(person=town.cecilia, reason="sick", starts_at=parse_instant("2026-12-01T08:00"), ends_at=None)
    absence_add(
        person=town.bjorn,
        reason="lunch",
        starts_at=parse_instant("2026-12-01T12:00"),
        ends_at=parse_instant("2026-12-01T13:00"),
    )
    feed = client_as("anna").get("/api/v1/changes/").json()["results"]
    assert feed and all(c["unit"]["name"] == "Bygglov" for c in feed)
    assert not any("Cecilia" in c["summary"] for c in feed)


def test_s3_the_change_log_never_keeps_an_unconsented_mobile(logins, town):
    feed = client_as("administrator").get("/api/v1/changes/?page_size=1000").content.decode()
    assert "701234567" not in feed and "733456789" not in feed
    assert "702345678" in feed  # Björn consented
