"""A manager keeps their units' facts current (C1, C2, E7); nobody else's."""

from rest_framework.test import APIClient

from vaxel.audit.models import Change
from vaxel.servicelevels.selectors import callback_within, service_level_get
from vaxel.testing import PASSWORD

TARGETS = {
    "action": "service_level",
    "callback_working_hours": "4",
    "answer_within_seconds": "20",
    "answer_share_percent": "80",
}


def test_c1_a_manager_changes_telephone_hours_and_the_switchboard_sees_it(client, logins, town):
    client.login(username="anna", password=PASSWORD)
    assert 'href="/min-sida/enheter/"' in client.get("/min-sida/").content.decode()
    page = client.get("/min-sida/enheter/").content.decode()
    assert "Bygglov" in page and "mon-fri 08:30-10:00" in page and "Björn Åberg" in page
    assert (
        client.post(
            f"/min-sida/enheter/{town.unit.pk}/",
            {"action": "telephone_hours", "weekly": "mon-thu 09:00-10:30"},
        ).status_code
        == 302
    )
    client.post(
        f"/min-sida/enheter/{town.unit.pk}/", {"action": "exception", "date": "2026-12-08", "closed": "yes"}
    )
    client.post(
        f"/min-sida/enheter/{town.unit.pk}/", {"action": "keywords", "keywords": "bygglov, strandskydd"}
    )
    client.post(
        f"/min-sida/enheter/{town.unit.pk}/",
        {
            "action": "service_level",
            "callback_working_hours": "8",
            "answer_within_seconds": "30",
            "answer_share_percent": "90",
        },
    )
    assert callback_within(town.unit.pk).total_seconds() == 8 * 3600
    assert service_level_get(town.unit.pk) == {
        "callback_working_hours": 8,
        "answer_within_seconds": 30,
        "answer_share_percent": 90,
    }
    operator = APIClient()
    operator.login(username="operator", password=PASSWORD)
    unit = operator.get(f"/api/v1/units/{town.unit.pk}/").json()
    assert unit["telephone_hours"]["weekly"] == "mon-thu 09:00-10:30"
    assert unit["telephone_hours"]["exceptions"] == [{"date": "2026-12-08", "closed": True, "hours": None}]
    assert unit["keywords"] == ["bygglov", "strandskydd"]
    feed = [c["summary"] for c in operator.get("/api/v1/changes/").json()["results"][:4]]
    assert feed[-1] == "Telefontiden för Bygglov ändrades" and "strandskydd" in feed[1]
    assert Change.objects.filter(actor=logins["manager"]).count() == 4
    log = client.get(f"/min-sida/enheter/{town.unit.pk}/").content.decode()  # C1: the manager's log
    assert "Ändringslogg" in log and "weekly: mon-fri 08:30-10:00 → mon-thu 09:00-10:30" in log
    assert "<td>anna</td>" in log  # who: Anna's login


def test_a_manager_cannot_change_another_units_facts(client, logins, town):
    client.login(username="anna", password=PASSWORD)
    before = Change.objects.count()
    answer = client.post(f"/min-sida/enheter/{town.other_unit.pk}/", {"action": "keywords", "keywords": "x"})
    assert answer.status_code == 403
    assert Change.objects.count() == before
    client.login(username="bjorn", password=PASSWORD)  # an employee manages nothing
    assert client.get("/min-sida/enheter/").status_code == 403


def test_bad_input_on_the_units_page_is_explained_and_changes_nothing(client, logins, town):
    client.login(username="anna", password=PASSWORD)
    before = Change.objects.count()
    for form in (
        {"action": "telephone_hours", "weekly": "varje dag"},
        {**TARGETS, "callback_working_hours": "0"},
        {**TARGETS, "callback_working_hours": "fyra"},
        {**TARGETS, "answer_within_seconds": "2"},
        {**TARGETS, "answer_share_percent": "101"},
        {**TARGETS, "answer_share_percent": ""},
        {"action": "exception", "date": "imorgon"},
        {"action": "exception", "date": "2026-12-08"},
    ):
        answer = client.post(f"/min-sida/enheter/{town.unit.pk}/", form)
        assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    assert Change.objects.count() == before
