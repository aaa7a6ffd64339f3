"""SCIM 2.0 at /scim/v2/, driven by the requests Entra ID's provisioning sends: look the
user up by userName, create, update with PATCH, deprovision with active false."""

import json

import pytest

from vaxel.access.services import token_create
from vaxel.audit.models import Change
from vaxel.directory.models import Person, PhoneNumber
from vaxel.directory.scim import ENTERPRISE

pytestmark = pytest.mark.django_db
SCIM = "application/scim+json"


@pytest.fixture
def scim(client, logins):
    secret = token_create(owner=logins["administrator"].username, scopes=["scim"])[1]

    def call(method: str, path: str, body=None, token=secret):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(f"/scim/v2/{path}", data=data, content_type=SCIM, **headers)

    return call


def entra_user(**changes):
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": "7d3c-guid-dana",
        "userName": "dana.ek@gnosjo.se",
        "active": True,
        "displayName": "Dana Ek",
        "emails": [{"primary": True, "type": "work", "value": "dana.ek@gnosjo.se"}],
        "name": {"formatted": "Dana Ek", "familyName": "Ek", "givenName": "Dana"},
        "title": "Socialsekreterare",
        "phoneNumbers": [
            {"type": "work", "value": "+46370331050"},
            {"type": "mobile", "value": "+46709998877"},
        ],
        ENTERPRISE: {"department": "Individ- och familjeomsorg"},
    }
    user.update(changes)
    return user


def test_entra_ids_provisioning_sequence(scim, town, django_capture_on_commit_callbacks, mailoutbox):
    # 1. Is the user there? (filter=userName eq "…")
    found = scim("get", 'Users?filter=userName+eq+"dana.ek@gnosjo.se"')
    assert found.status_code == 200 and found.json()["totalResults"] == 0
    # 2. Create.
    created = scim("post", "Users", entra_user())
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    dana = Person.objects.get(pk=user_id)
    assert (dana.name, dana.unit.name, dana.source, dana.source_id) == (
        "Dana Ek",
        "Individ- och familjeomsorg",
        "scim",
        "7d3c-guid-dana",
    )
    assert Change.objects.filter(entity="person", entity_id=user_id).get().actor_name == "SCIM (Entra ID)"
    # 3. Found now, by userName and by externalId.
    assert scim("get", 'Users?filter=userName+eq+"dana.ek@gnosjo.se"').json()["totalResults"] == 1
    assert scim("get", 'Users?filter=externalId+eq+"7d3c-guid-dana"').json()["Resources"][0]["id"] == user_id
    # 4. PATCH Replace/Add: a new title, a department, a manager.
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "title", "value": "Enhetschef"},
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Bygglov"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": {"value": str(town.anna.pk)}},
        ],
    }
    patched = scim("patch", f"Users/{user_id}", patch)
    assert patched.status_code == 200, patched.content
    dana.refresh_from_db()
    assert (dana.title, dana.unit.name) == ("Enhetschef", "Bygglov")
    assert town.unit.managers.filter(pk=town.anna.pk).exists()
    # 5. Deprovision: active "False" (as Entra sends it), then DELETE: never deleted (E1).
    with django_capture_on_commit_callbacks(execute=True):
        off = scim(
            "patch",
            f"Users/{user_id}",
            {"schemas": [], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]},
        )
    assert off.status_code == 200 and off.json()["active"] is False
    dana.refresh_from_db()
    assert not dana.active
    assert dana.numbers.get(kind="direct").e164 == "+46370331050"  # kept; calls go to the switchboard
    assert scim("delete", f"Users/{user_id}").status_code == 204
    assert Person.objects.filter(pk=user_id, active=False).exists()


def test_s3_scim_never_gives_mobile_consent_nor_shows_a_hidden_mobile(scim, town):
    created = scim("post", "Users", entra_user())
    assert PhoneNumber.objects.get(e164="+46709998877").disclosure_consent is False
    assert "+46709998877" not in created.content.decode()
    listed = scim("get", "Users").content.decode()
    assert "9998877" not in listed and "1234567" not in listed  # Anna's hidden mobile too


def test_a_token_without_the_scim_scope_or_none_is_refused(scim, town, logins):
    assert scim("get", "Users", token="").status_code == 401
    other = token_create(owner=logins["administrator"].username, scopes=["directory:read"])[1]
    assert scim("get", "Users", token=other).status_code == 403
    operator = token_create(owner=logins["operator"].username, scopes=["scim"])[1]
    assert scim("get", "Users", token=operator).status_code == 403


def test_bad_requests_get_scim_errors_and_write_nothing(scim, town):
    answer = scim("get", "Users?filter=name+co+x")
    assert answer.status_code == 400 and answer.json()["scimType"] == "invalidFilter"
    answer = scim(
        "post", "Users", entra_user(emails=[{"primary": True, "value": "inte-en-adress"}], userName="")
    )
    assert answer.status_code == 400 and "schemas" in answer.json()
    assert not Person.objects.filter(source="scim").exists()
    assert scim("get", "Users/²").status_code == 404
    assert scim("get", "Users/99999999999999999999").status_code == 404
    answer = scim("patch", "Users/1", {"Operations": [{"op": "Move", "path": "title"}]})
    assert answer.status_code in (400, 404)


def test_groups_are_the_units(scim, town):
    groups = scim("get", "Groups").json()
    names = {g["displayName"] for g in groups["Resources"]}
    assert {"Bygglov", "Skolskjuts"} <= names
    one = scim("get", 'Groups?filter=displayName+eq+"Bygglov"').json()["Resources"][0]
    assert {m["display"] for m in one["members"]} == {"Anna Sjöberg", "Björn Åberg"}
    assert scim("get", f"Groups/{one['id']}").status_code == 200


def test_security_hostile_bodies_get_a_scim_error_never_a_500(scim, town, client, logins):
    for body in ([], "x", {"Operations": "x"}, {"emails": "x", "name": 3, ENTERPRISE: []}, {"a": [[[[[]]]]]}):
        assert scim("post", "Users", body).status_code < 500
        assert scim("patch", f"Users/{town.anna.pk}", body).status_code < 500
        assert scim("put", f"Users/{town.anna.pk}", body).status_code < 500
    secret = token_create(owner=logins["administrator"].username, scopes=["scim"])[1]
    broken = client.post(
        "/scim/v2/Users", data="{not json", content_type=SCIM, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert broken.status_code == 400 and broken.json()["schemas"]
    town.anna.refresh_from_db()
    assert town.anna.active and town.anna.name == "Anna Sjöberg"
