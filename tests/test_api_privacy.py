"""S3: a mobile number without its owner's consent never leaves the server. Every GET
endpoint in the live OpenAPI schema, with every id, for every role and for a token
with every scope, is searched for those numbers in every written form."""

import re

import pytest
from rest_framework.test import APIClient

from vaxel.access.constants import Scope
from vaxel.access.services import token_create
from vaxel.availability.services import absence_add
from vaxel.core.time import parse_instant
from vaxel.directory.models import NumberGroup, Person, PhoneNumber, Unit
from vaxel.directory.services import person_add
from vaxel.messaging.models import Message
from vaxel.messaging.services import message_take
from vaxel.telephony.models import Call
from vaxel.telephony.services import call_arrive, call_put_through
from vaxel.testing import (
    ANNA_SECRET_MOBILE,
    BJORN_PUBLIC_MOBILE,
    CECILIA_SECRET_MOBILE,
    PASSWORD,
    SWITCHBOARD,
)


def forms(e164: str) -> list[str]:
    national = "0" + e164[3:]
    return [
        e164,
        e164[1:],
        national,
        national[1:],
        f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}",
    ]


def every_get_url(client: APIClient) -> list[str]:
    schema = client.get("/api/v1/schema/?format=json").json()
    ids = {
        "units": list(Unit.objects.values_list("pk", flat=True)),
        "people": list(Person.objects.values_list("pk", flat=True)),
        "numbers": list(PhoneNumber.objects.values_list("pk", flat=True)),
        "messages": list(Message.objects.values_list("pk", flat=True)),
        "calls": list(Call.objects.values_list("pk", flat=True)),
    }
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or path.endswith(("/schema/", "/docs/", "/redoc/")):
            continue
        if "{id}" not in path:
            urls.append(path)
            continue
        collection = path.split("/")[3]
        urls.extend(path.replace("{id}", str(pk)) for pk in ids[collection])
    return urls


@pytest.fixture
def secrets_town(town):
    # A newcomer created through the API must not leak either; and Anna absent, so
    # absence answers, announcements and the change feed all have content.
    person_add(
        name="Dag Ödman",
        email="dag@example.se",
        unit="Skolskjuts",
        mobile="076-5556677",
        mobile_consent=False,
    )
    absence_add(
        person=town.anna,
        reason="meeting",
        starts_at=parse_instant("2020-01-01T08:00"),
        ends_at=None,
        divert_to="colleague",
        colleague=town.bjorn,
    )
    NumberGroup.objects.get(pk=town.group.pk).members.add(town.cecilia)
    # Anna calls from her private mobile and leaves a message for Björn.
    message_take(
        subject="Nyckel till arkivet",
        caller_name="Anna Sjöberg",
        caller_number="070-123 45 67",
        for_person=town.bjorn.email,
    )
    # ... and calls the switchboard from it, twice: one call waits, one was put through
    # to Cecilia's private mobile.
    open_day = parse_instant("2026-12-01T10:00")
    call_arrive(caller=ANNA_SECRET_MOBILE, called=SWITCHBOARD, external_id="waiting", at=open_day)
    put = call_arrive(caller=ANNA_SECRET_MOBILE, called=SWITCHBOARD, external_id="put", at=open_day)
    call_put_through(call_id=put.pk, number_id=town.cecilia.numbers.get(kind="mobile").pk, actor=None)
    return town


def test_s3_no_response_anywhere_contains_an_unconsented_mobile(secrets_town, logins):
    hidden = [f for e164 in (ANNA_SECRET_MOBILE, CECILIA_SECRET_MOBILE, "+46765556677") for f in forms(e164)]
    clients = {}
    for role in ("nobody", "employee", "manager", "operator", "administrator"):
        client = APIClient()
        client.login(username=logins[role].username, password=PASSWORD)
        clients[role] = client
    _token, secret = token_create(owner="administrator", scopes=Scope.values)
    clients["token"] = APIClient()
    clients["token"].credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    urls = every_get_url(clients["administrator"])
    urls += [f"{u}?at=2026-12-01T10:00" for u in urls] + ["/api/v1/route/?to=0701234567&from=0733456789"]
    checked = 0
    for role, client in clients.items():
        for url in urls:
            response = client.get(url)
            body = response.content.decode()
            for needle in hidden:
                assert needle not in body, (role, url, needle)
            checked += 1
    assert checked > 100
    # and the consented mobile does get through, so the check is not vacuous
    assert "070-234 56 78" in clients["operator"].get("/api/v1/people/").content.decode()
    assert re.search(r"Anna Sjöberg", clients["operator"].get("/api/v1/people/").content.decode())


def test_s3_a_withdrawn_consent_hides_the_digits_stored_while_it_was_given(town, logins, client):
    """Björn consents; a change, a message from his mobile and a call from it are stored.
    He withdraws: from then on no API answer, the managers' log or the admin shows them."""
    from vaxel.audit.models import Change
    from vaxel.directory.services import mobile_consent_set

    message_take(
        subject="Nycklar",
        caller_name="Björn Åberg",
        caller_number=BJORN_PUBLIC_MOBILE,
        for_person=town.anna.email,
    )
    call_arrive(
        caller=BJORN_PUBLIC_MOBILE, called=SWITCHBOARD, external_id="b", at=parse_instant("2026-12-01T10:00")
    )
    operator = APIClient()
    operator.login(username=logins["administrator"].username, password=PASSWORD)
    for url in ("/api/v1/changes/", "/api/v1/messages/"):  # shown while he consents
        body = operator.get(url).content.decode()
        assert any(needle in body for needle in forms(BJORN_PUBLIC_MOBILE)), url

    mobile_consent_set(person=Person.objects.get(pk=town.bjorn.pk), consent=False)

    pages = [*every_get_url(operator), f"/min-sida/enheter/{town.unit.pk}/"]
    pages += [f"/admin/audit/change/{pk}/change/" for pk in Change.objects.values_list("pk", flat=True)]
    manager = APIClient()
    manager.login(username=logins["manager"].username, password=PASSWORD)
    for url in pages:
        for viewer in (operator, manager):
            body = viewer.get(url).content.decode()
            for needle in forms(BJORN_PUBLIC_MOBILE):
                assert needle not in body, (url, needle)
    stored = repr(list(Change.objects.values_list("before", "after", "summary")))
    assert not any(needle in stored for needle in forms(BJORN_PUBLIC_MOBILE))  # never stored at all
