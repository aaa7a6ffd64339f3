from rest_framework.test import APIClient

from vaxel.access.services import token_create


def test_route_endpoint_returns_the_decision(logins, town):
    _token, secret = token_create(owner="operator", scopes="route")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    decision = client.get("/api/v1/route/?to=0370-331000&from=0370-331002&at=2026-12-01T09:00").json()
    assert decision["action"] == "queue"
    assert decision["greeting"] == "Välkommen till Testby kommun."
    assert decision["internal"] is True and "internal_call_to_switchboard" in decision["flags"]
    closed = client.get("/api/v1/route/?to=0370-331000&at=2026-12-24T09:00").json()
    assert closed["action"] == "announce" and closed["next_opening"] == "2026-12-28T08:00:00+01:00"
    missing = client.get("/api/v1/route/")
    assert missing.status_code == 400 and missing.json()["error"]["id"] == "missing_parameter"
    garbage = client.get("/api/v1/route/?at=2026-12-01T09:00&to=%00%FF&from=" + "9" * 500)
    assert garbage.status_code == 200 and garbage.json()["flags"] == ["unknown_number"]
