"""Every API endpoint × every role: allowed, forbidden, or asked to sign in.

One table, one test: add a row for each new endpoint."""

import pytest
from rest_framework.test import APIClient

from vaxel.testing import PASSWORD

ROLES = ["anonymous", "nobody", "employee", "manager", "operator", "administrator"]
OK_READ = {
    "anonymous": 401,
    "nobody": 403,
    "employee": 200,
    "manager": 200,
    "operator": 200,
    "administrator": 200,
}
NOT_FOUND = {"employee": 404, "manager": 404, "operator": 404, "administrator": 404}
SWITCHBOARD_ONLY = {**OK_READ, "employee": 403, "manager": 403}


def waiting_call(town):
    from vaxel.telephony.services import call_arrive

    return call_arrive(caller="036-123456", called="0370-331000", external_id="matrix-waiting")


def absence(town):
    return {
        "reason": "meeting",
        "starts_at": "2026-12-01T10:00:00+01:00",
        "ends_at": "2026-12-01T11:00:00+01:00",
    }


# (name, method, path(town), body(town, role) or None, expected status by role)
ENDPOINTS = [
    ("me", "get", lambda t: "/api/v1/me/", None, {**OK_READ, "nobody": 200}),
    ("search", "get", lambda t: "/api/v1/search/?q=sjoberg", None, OK_READ),
    ("units list", "get", lambda t: "/api/v1/units/", None, OK_READ),
    ("unit", "get", lambda t: f"/api/v1/units/{t.unit.pk}/", None, OK_READ),
    ("people list", "get", lambda t: "/api/v1/people/", None, OK_READ),
    ("person", "get", lambda t: f"/api/v1/people/{t.anna.pk}/", None, OK_READ),
    ("numbers", "get", lambda t: "/api/v1/numbers/", None, OK_READ),
    ("number", "get", lambda t: f"/api/v1/numbers/{t.group.number.pk}/", None, OK_READ),
    ("opening hours", "get", lambda t: "/api/v1/opening-hours/", None, OK_READ),
    ("next opening", "get", lambda t: "/api/v1/opening-hours/next/", None, OK_READ),
    ("absences list", "get", lambda t: f"/api/v1/people/{t.cecilia.pk}/absences/", None, OK_READ),
    (
        "route",
        "get",
        lambda t: "/api/v1/route/?to=0370-331001",
        None,
        {**OK_READ, "employee": 403, "manager": 403},
    ),
    (
        "changes",
        "get",
        lambda t: "/api/v1/changes/",
        None,
        {**OK_READ, "employee": 403},
    ),
    (
        "compliance report",
        "get",
        lambda t: "/api/v1/reports/compliance/?from=2026-11-23&to=2026-11-29",
        None,
        {**OK_READ, "employee": 403},
    ),
    (
        "service-level report, own unit",
        "get",
        lambda t: f"/api/v1/reports/service-level/?from=2026-11-23&to=2026-11-29&unit={t.unit.pk}",
        None,
        {**OK_READ, "employee": 403},
    ),
    (
        "service-level report, organisation",
        "get",
        lambda t: "/api/v1/reports/service-level/?from=2026-11-23&to=2026-11-29",
        None,
        SWITCHBOARD_ONLY,
    ),
    (
        "create unit",
        "post",
        lambda t: "/api/v1/units/",
        lambda t, role: {"name": f"Ny enhet {role}"},
        {**OK_READ, "employee": 403, "manager": 403, "operator": 403, "administrator": 201},
    ),
    (
        "create person",
        "post",
        lambda t: "/api/v1/people/",
        lambda t, role: {"name": "Ny Person", "email": f"ny.{role}@example.se", "unit": "Bygglov"},
        {**OK_READ, "employee": 403, "manager": 403, "operator": 403, "administrator": 201},
    ),
    (
        "create shared number",
        "post",
        lambda t: "/api/v1/numbers/shared/",
        lambda t, role: {
            "number": f"0370-33600{ROLES.index(role)}",
            "unit": "Bygglov",
            "members": [t.bjorn.email],
        },
        {**OK_READ, "employee": 403, "manager": 403, "operator": 403, "administrator": 201},
    ),
    (
        "own absence (Björn)",
        "post",
        lambda t: f"/api/v1/people/{t.bjorn.pk}/absences/",
        lambda t, role: absence(t),
        {**OK_READ, "employee": 201, "manager": 201, "operator": 201, "administrator": 201},
    ),
    (
        "absence in another unit (Cecilia)",
        "post",
        lambda t: f"/api/v1/people/{t.cecilia.pk}/absences/",
        lambda t, role: absence(t),
        {**OK_READ, "employee": 403, "manager": 403, "operator": 201, "administrator": 201},
    ),
    (
        "clear an absence in the manager's unit (Björn)",
        "post",
        lambda t: f"/api/v1/people/{t.bjorn.pk}/absences/clear/",
        lambda t, role: {},
        {**OK_READ, "employee": 200, "manager": 200},
    ),
    ("messages", "get", lambda t: "/api/v1/messages/", None, OK_READ),
    (
        "take a message",
        "post",
        lambda t: "/api/v1/messages/",
        lambda t, role: {"subject": "Bygglov", "caller_number": "036-123456", "for_person": t.bjorn.email},
        {**OK_READ, "employee": 403, "manager": 403, "operator": 201, "administrator": 201},
    ),
    (
        "a message for Björn",
        "get",
        lambda t: f"/api/v1/messages/{message_for(t, t.bjorn).pk}/",
        None,
        OK_READ,
    ),
    (
        "a message for Cecilia in another unit",
        "get",
        lambda t: f"/api/v1/messages/{message_for(t, t.cecilia).pk}/",
        None,
        {**OK_READ, "employee": 404, "manager": 404},
    ),
    (
        "mark Björn's message read",
        "post",
        lambda t: f"/api/v1/messages/{message_for(t, t.bjorn).pk}/steps/",
        lambda t, role: {"step": "read"},
        OK_READ,
    ),
    ("unknown unit", "get", lambda t: "/api/v1/units/999999/", None, {**OK_READ, **NOT_FOUND}),
    ("unknown person", "get", lambda t: "/api/v1/people/999999/", None, {**OK_READ, **NOT_FOUND}),
    ("unknown number", "get", lambda t: "/api/v1/numbers/999999/", None, {**OK_READ, **NOT_FOUND}),
    (
        "unknown person's absences",
        "get",
        lambda t: "/api/v1/people/999999/absences/",
        None,
        {**OK_READ, **NOT_FOUND},
    ),
    (
        "absence for an unknown person",
        "post",
        lambda t: "/api/v1/people/999999/absences/",
        lambda t, role: absence(t),
        {
            "anonymous": 401,
            "nobody": 404,
            "employee": 404,
            "manager": 404,
            "operator": 404,
            "administrator": 404,
        },
    ),
    (
        "clear another's absence",
        "post",
        lambda t: f"/api/v1/people/{t.anna.pk}/absences/clear/",
        lambda t, role: {},
        {**OK_READ, "employee": 403, "manager": 200},
    ),
    ("calls", "get", lambda t: "/api/v1/calls/", None, SWITCHBOARD_ONLY),
    (
        "call arrives",
        "post",
        lambda t: "/api/v1/calls/",
        lambda t, role: {"caller": "036-123456", "called": "0370-331000", "id": f"matrix-{role}"},
        {**SWITCHBOARD_ONLY, "operator": 201, "administrator": 201},
    ),
    ("call", "get", lambda t: f"/api/v1/calls/{waiting_call(t).pk}/", None, SWITCHBOARD_ONLY),
    (
        "caller hangs up",
        "post",
        lambda t: f"/api/v1/calls/{waiting_call(t).pk}/hang-up/",
        lambda t, role: {},
        SWITCHBOARD_ONLY,
    ),
    (
        "no such call",
        "get",
        lambda t: "/api/v1/calls/999999/",
        None,
        {**SWITCHBOARD_ONLY, "operator": 404, "administrator": 404},
    ),
]


def message_for(town, person):
    from vaxel.messaging.services import message_take

    return message_take(subject="Ärende", caller_number="036-123456", for_person=person.email)


def client_for(role: str, logins) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    if role != "anonymous":
        assert client.login(username=logins[role].username, password=PASSWORD)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_every_endpoint_for_every_role(town, logins, role, endpoint):
    _name, method, path, body, expected = endpoint
    client = client_for(role, logins)
    if method != "get" and role != "anonymous":
        # A browser session must send the CSRF token; get it the way a page would.
        client.get("/api/v1/me/")
        client.credentials(
            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        )
    kwargs = {"format": "json", "data": body(town, role)} if body else {}
    response = getattr(client, method)(path(town), **kwargs)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["id"] and error["message"]
    if response.status_code == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
