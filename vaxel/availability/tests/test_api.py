import pytest
from rest_framework.test import APIClient

from vaxel.availability.models import Absence
from vaxel.testing import PASSWORD


@pytest.fixture
def as_bjorn(logins):
    client = APIClient()
    client.login(username="bjorn", password=PASSWORD)
    client.get("/api/v1/me/")
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def test_e3_absences_created_through_the_api_merge(as_bjorn, town):
    url = f"/api/v1/people/{town.bjorn.pk}/absences/"
    as_bjorn.post(
        url,
        {"reason": "meeting", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T12:00", "note": "APT"},
        format="json",
    )
    answer = as_bjorn.post(
        url,
        {
            "reason": "lunch",
            "starts_at": "2026-12-01T12:00",
            "ends_at": "2026-12-01T13:00",
            "divert_to": "colleague",
            "colleague": town.anna.email,
        },
        format="json",
    )
    assert answer.status_code == 201
    listing = as_bjorn.get(url + "?at=2026-12-01T09:00").json()
    [merged] = listing["absences"]
    assert (merged["starts_at"], merged["ends_at"]) == (
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T13:00:00+01:00",
    )
    assert merged["reasons"] == ["meeting", "lunch"] and merged["current"] is False
    assert [p["divert_to"] for p in merged["parts"]] == ["switchboard", "colleague"]
    assert merged["announcement"] == "Björn Åberg är på möte och är tillbaka klockan 13.00."


@pytest.mark.parametrize(
    ("body", "field_or_id"),
    [
        (
            {"reason": "meeting", "starts_at": "2026-12-01T12:00", "ends_at": "2026-12-01T10:00"},
            "absence_ends_before_start",
        ),
        (
            {"reason": "meeting", "starts_at": "2026-12-01T12:00", "ends_at": "2026-12-01T12:00"},
            "absence_ends_before_start",
        ),
        ({"reason": "fika", "starts_at": "2026-12-01T12:00"}, "reason"),
        ({"reason": "meeting", "starts_at": "i morgon"}, "starts_at"),
        ({"reason": "meeting", "starts_at": "2026-12-01T12:00", "divert_to": "colleague"}, "colleague"),
        (
            {
                "reason": "meeting",
                "starts_at": "2026-12-01T12:00",
                "divert_to": "colleague",
                "colleague": "x@example.se",
            },
            "person_not_found",
        ),
    ],
)
def test_e3_bad_absences_are_refused_with_a_clear_error_and_nothing_written(
    as_bjorn, town, body, field_or_id
):
    response = as_bjorn.post(f"/api/v1/people/{town.bjorn.pk}/absences/", body, format="json")
    assert response.status_code in (400, 404)
    error = response.json()["error"]
    assert field_or_id in (error["id"], *error["details"].get("fields", {}).keys())
    assert Absence.objects.count() == 0


def test_e3_clear_ends_the_running_absence(as_bjorn, town):
    url = f"/api/v1/people/{town.bjorn.pk}/absences/"
    as_bjorn.post(url, {"reason": "sick", "starts_at": "2020-01-01T08:00"}, format="json")
    assert as_bjorn.post(url + "clear/", {}, format="json").json() == {"changed": 1}
    assert as_bjorn.get(url).json()["absences"] == []


def test_s4_opening_hours_with_state(as_bjorn, town):
    hours = as_bjorn.get("/api/v1/opening-hours/?at=2026-12-24T10:00").json()
    assert hours["weekly"] == "mon-thu 08:00-16:30, fri 08:00-15:00"
    assert hours["eve_hours"] == "08:00-12:00"
    assert hours["state"]["open_now"] is False
    assert hours["state"]["next_opening"] == "2026-12-28T08:00:00+01:00"
    assert "måndag den 28 december klockan 08.00" in hours["state"]["announcement"]
