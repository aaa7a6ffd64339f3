"""/api/v1/units, /people, /numbers: shapes, filters, pagination, errors, ETag."""

import pytest
from rest_framework.test import APIClient

from vaxel.availability.services import absence_add
from vaxel.core.time import parse_instant
from vaxel.directory.models import Person, PhoneNumber, Unit
from vaxel.testing import PASSWORD


@pytest.fixture
def api(logins):
    client = APIClient()
    client.login(username="administrator", password=PASSWORD)
    return client


def test_units_are_a_tree_with_keywords_and_telephone_hours(api, town):
    town_child = api.post(
        "/api/v1/units/",
        {"name": "Bygglov Nord", "parent": "Bygglov", "keywords": ["attefall"]},
        format="json",
    )
    assert town_child.status_code == 201
    assert town_child.json()["path"] == ["Bygglov", "Bygglov Nord"]
    unit = api.get(f"/api/v1/units/{town.unit.pk}/").json()
    assert unit["keywords"] == ["bygglov", "detaljplan"]
    assert unit["telephone_hours"]["weekly"] == "mon-fri 08:30-10:00"
    assert unit["telephone_hours"]["days"][0] == {"weekday": 0, "opens": "08:30", "closes": "10:00"}
    assert unit["managers"] == [{"id": town.anna.pk, "name": "Anna Sjöberg"}]
    found = api.get("/api/v1/units/?search=skolskjuts").json()["results"]
    assert [u["name"] for u in found] == ["Skolskjuts"]
    children = api.get(f"/api/v1/units/?parent={town.unit.pk}").json()["results"]
    assert [u["name"] for u in children] == ["Bygglov Nord"]


def test_e3_e7_e2_a_person_shows_availability_back_time_telephone_hours_and_answer_phrase(api, town):
    absence_add(
        person=town.anna,
        reason="meeting",
        starts_at=parse_instant("2026-12-01T10:00"),
        ends_at=parse_instant("2026-12-01T12:00"),
    )
    absence_add(
        person=town.anna,
        reason="lunch",
        starts_at=parse_instant("2026-12-01T12:00"),
        ends_at=parse_instant("2026-12-01T13:00"),
    )
    anna = api.get(f"/api/v1/people/{town.anna.pk}/?at=2026-12-01T10:30").json()
    assert anna["available"] is False
    assert anna["absence"]["back_at"] == "2026-12-01T13:00:00+01:00"
    assert anna["absence"]["reasons"] == ["meeting", "lunch"]
    assert anna["absence"]["announcement"] == "Anna Sjöberg är på möte och är tillbaka klockan 13.00."
    assert anna["direct_number"] == {"e164": "+46370331001", "display": "0370-33 10 01"}
    assert anna["mobile"] is None  # S3
    assert anna["answer_phrase"] == "Bygglov, Testby kommun, det är Anna Sjöberg."
    in_hours = api.get(f"/api/v1/people/{town.bjorn.pk}/?at=2026-12-01T09:00").json()
    assert in_hours["in_telephone_hours"] is True and in_hours["available"] is True
    assert in_hours["mobile"]["display"] == "070-234 56 78"
    absent = api.get("/api/v1/people/?available=false&at=2026-12-01T12:30").json()["results"]
    assert [p["name"] for p in absent] == ["Anna Sjöberg"]
    available = api.get(f"/api/v1/people/?available=true&unit={town.unit.pk}&at=2026-12-01T12:30").json()
    assert [p["name"] for p in available["results"]] == ["Björn Åberg"]


def test_people_search_and_stable_pagination(api, town):
    assert [p["name"] for p in api.get("/api/v1/people/?search=sjöb").json()["results"]] == ["Anna Sjöberg"]
    assert api.get("/api/v1/people/?search=byggnadsinspektör").json()["count"] == 1
    first = api.get("/api/v1/people/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert first["count"] == 3 and second["previous"]
    names = [p["name"] for p in first["results"] + second["results"]]
    assert names == ["Anna Sjöberg", "Björn Åberg", "Cecilia Öst"]
    missing = api.get("/api/v1/people/?page=9")
    assert missing.status_code == 404 and missing.json()["error"]["id"] == "not_found"


def test_numbers_show_owners_and_groups_but_never_an_unconsented_mobile(api, town):
    numbers = api.get("/api/v1/numbers/").json()["results"]
    shown = {n["number"]["e164"]: n for n in numbers}
    assert "+46701234567" not in shown and "+46733456789" not in shown
    assert shown["+46702345678"]["person"]["name"] == "Björn Åberg"
    group = shown["+46370335001"]
    assert group["kind"] == "shared" and group["group"]["name"] == "Bygglovsgruppen"
    assert {m["name"] for m in group["members"]} == {"Anna Sjöberg", "Björn Åberg"}
    assert group["responsible"]["name"] == "Anna Sjöberg"
    assert [n["kind"] for n in api.get("/api/v1/numbers/?kind=shared").json()["results"]] == ["shared"]
    assert api.get("/api/v1/numbers/?kind=fax").status_code == 400


@pytest.mark.parametrize(
    ("body", "status", "error_id"),
    [
        (
            {"name": "X", "email": "x@example.se", "unit": "Bygglov", "direct_number": "12"},
            400,
            "invalid_phone_number",
        ),
        (
            {"name": "X", "email": "x@example.se", "unit": "Bygglov", "direct_number": "0370-331001"},
            409,
            "number_taken",
        ),
        ({"name": "X", "email": "x@example.se", "unit": "Finns inte"}, 404, "unit_not_found"),
        ({"name": "X", "email": "anna.sjoberg@example.se", "unit": "Bygglov"}, 409, "person_exists"),
        ({"email": "x@example.se", "unit": "Bygglov"}, 400, "invalid_input"),
        (
            {"name": "X", "email": "x@example.se", "unit": "Bygglov", "mobile": "0701111111"},
            400,
            "mobile_consent_missing",
        ),
    ],
)
def test_bad_person_input_gets_one_error_shape_and_writes_nothing(api, town, body, status, error_id):
    before = (Person.objects.count(), PhoneNumber.objects.count(), Unit.objects.count())
    response = api.post("/api/v1/people/", body, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["id"] == error_id and error["message"]
    assert (Person.objects.count(), PhoneNumber.objects.count(), Unit.objects.count()) == before


def test_not_found_and_bad_parameters_answer_in_the_error_shape(api, town):
    for url in ("/api/v1/people/999999/", "/api/v1/units/999999/", "/api/v1/numbers/999999/"):
        response = api.get(url)
        assert response.status_code == 404 and response.json()["error"]["id"] == "not_found"
    assert api.get("/api/v1/people/?unit=abc").json()["error"]["id"] == "invalid_parameter"
    assert api.get("/api/v1/people/?at=yesterday").json()["error"]["id"] == "invalid_time"
    broken = api.post("/api/v1/units/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"]["id"] == "parse_error"


def test_directory_answers_carry_an_etag_and_304_when_unchanged(api, town):
    first = api.get("/api/v1/units/")
    etag = first["ETag"]
    assert etag
    assert api.get("/api/v1/units/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    api.post("/api/v1/units/", {"name": "Ny enhet"}, format="json")
    changed = api.get("/api/v1/units/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_times_carry_their_offset_across_dst(api, town):
    winter = api.get("/api/v1/opening-hours/next/?at=2026-10-23T16:00").json()
    assert winter["next_opening"] == "2026-10-26T08:00:00+01:00"
    summer = api.get("/api/v1/opening-hours/next/?at=2026-03-27T18:00").json()
    assert summer["next_opening"] == "2026-03-30T08:00:00+02:00"


def test_search_returns_people_with_availability_and_units(api, town):
    results = api.get("/api/v1/search/?q=anna sj&at=2026-12-01T09:00").json()["results"]
    assert results[0]["kind"] == "person" and results[0]["person"]["name"] == "Anna Sjöberg"
    assert results[0]["person"]["in_telephone_hours"] is True and results[0]["person"]["mobile"] is None
    unit = api.get("/api/v1/search/?q=detaljplan").json()["results"][0]
    assert unit["kind"] == "unit" and unit["unit"]["name"] == "Bygglov"
    assert api.get("/api/v1/search/?q=").json()["results"] == []
