"""API tokens: scopes, owner's rights, hashing, revocation, and the CLI that makes them."""

import pytest
from rest_framework.test import APIClient

from vaxel.access.models import ApiToken
from vaxel.access.services import token_create, token_revoke
from vaxel.cli import main


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_stored_only_as_a_hash(logins):
    token, secret = token_create(owner="administrator", scopes="directory:read")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.split("_")[2] not in (stored.secret_hash, stored.prefix, stored.name)
    assert len(stored.secret_hash) == 64


@pytest.mark.clock("2026-12-01T10:00")  # the absence it sets is at Christmas, still ahead
def test_scopes_limit_a_token_and_never_exceed_its_owner(logins, town):
    _token, reader = token_create(owner="administrator", scopes="directory:read")
    assert bearer(reader).get("/api/v1/people/").status_code == 200
    response = bearer(reader).post("/api/v1/units/", {"name": "X"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["id"] == "missing_scope"
    assert bearer(reader).get("/api/v1/route/?to=0370-331000").status_code == 403

    _token, pbx = token_create(owner="operator", scopes="route")
    assert bearer(pbx).get("/api/v1/route/?to=0370-331000").status_code == 200
    assert bearer(pbx).get("/api/v1/people/").status_code == 403

    # directory:write on an employee's token still cannot do what the employee cannot
    _token, employee_writer = token_create(owner="bjorn", scopes="directory:write,directory:read")
    assert bearer(employee_writer).post("/api/v1/units/", {"name": "X"}, format="json").status_code == 403
    # a token (no session, no CSRF) that may set absences
    _token, hr = token_create(owner="administrator", scopes=["absences:write"])
    response = bearer(hr).post(
        f"/api/v1/people/{town.cecilia.pk}/absences/",
        {"reason": "vacation", "starts_at": "2026-12-21T00:00", "ends_at": "2027-01-04T08:00"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["absences"][0]["ends_at"] == "2027-01-04T08:00:00+01:00"


def test_revoked_wrong_or_malformed_tokens_get_401(logins):
    token, secret = token_create(owner="administrator", scopes="directory:read")
    token_revoke(prefix=token.prefix)
    for presented in (secret, secret[:-2] + "xx", "vx_nothing", "garbage", "vx__"):
        response = bearer(presented).get("/api/v1/units/")
        assert response.status_code == 401, presented
        assert response.json()["error"]["id"] == "not_authenticated"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert client.get("/api/v1/units/").status_code == 401


def test_token_cli_creates_lists_and_revokes(logins, capsys):
    assert main(["token", "create", "--owner", "operator", "--scopes", "route", "--name", "Kamailio"]) == 0
    key_id, secret = capsys.readouterr().out.split("\n")[:2]
    key_id = key_id.split()[0]
    assert bearer(secret).get("/api/v1/route/?to=0370-331000").status_code == 200
    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Kamailio" in listing and secret not in listing
    assert main(["token", "revoke", key_id]) == 0
    assert bearer(secret).get("/api/v1/route/?to=0370-331000").status_code == 401


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["token", "create", "--owner", "operator", "--scopes", "allt"], "behörigheter"),
        (["token", "create", "--owner", "saknas", "--scopes", "route"], "vaxel user add"),
        (["token", "revoke", "abc"], "vaxel token list"),
        (["user", "add", "ny", "--roles", "kung"], "operator, administrator"),
        (["user", "add", "operator"], "finns redan"),
    ],
)
def test_bad_token_and_user_input_is_refused_and_writes_nothing(logins, capsys, argv, message):
    before = (ApiToken.objects.count(), len(logins))
    assert main(argv) == 1
    assert message in capsys.readouterr().err
    assert ApiToken.objects.count() == before[0]


def test_user_add_links_a_person_and_gives_roles(town, capsys):
    assert main(["user", "add", "anna", "--person", town.anna.email, "--password", "x-secret-9"]) == 0
    assert main(["user", "add", "vx", "--roles", "operator"]) == 0
    generated = capsys.readouterr().out.strip().split("\n")[-1]
    assert generated.startswith("vx / ")
    client = APIClient()
    assert client.login(username="anna", password="x-secret-9")
    me = client.get("/api/v1/me/").json()
    assert me["roles"] == ["employee", "manager"] and me["person"] == town.anna.pk
