"""The operator console's pages and actions: who may use them, what a hit shows (E2, E3,
E7, S3), a unit at a glance (S2), and what the call buttons do."""

import base64
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from vaxel.availability.models import Absence
from vaxel.availability.services import absence_add
from vaxel.core.time import now, parse_instant
from vaxel.directory.models import NumberKind
from vaxel.messaging.models import Message
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.moves import call_recall_arrive
from vaxel.telephony.services import call_answer, call_arrive
from vaxel.telephony.switchboard import target_resolve, transfer_uri
from vaxel.testing import ANNA_SECRET_MOBILE, CECILIA_SECRET_MOBILE, PASSWORD, SWITCHBOARD

OPEN_DAY = parse_instant("2026-12-01T10:00")


def hidden_forms(e164: str) -> list[str]:
    national = "0" + e164[3:]
    return [e164, national, f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}"]


def signed_in(client, login):
    client.login(username=login.username, password=PASSWORD)
    return client


@pytest.fixture
def operator(client, logins):
    return signed_in(client, logins["operator"])


@pytest.fixture
def call(town):
    return call_arrive(caller="036-123456", called=SWITCHBOARD, at=OPEN_DAY)


PAGES = [
    ("get", "console", {}),
    ("get", "console-queue", {}),
    ("get", "console-state", {}),
    ("get", "console-search", {}),
    ("get", "console-feed", {}),
    ("get", "console-unit", {"pk": 1}),
    ("post", "console-call", {"pk": 1, "action": "answer"}),
    ("post", "console-message", {}),
    ("post", "console-absence", {}),
    ("get", "console-telephone", {}),
]


@pytest.mark.parametrize(("method", "name", "kwargs"), PAGES)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("operator", True), ("administrator", True), ("manager", False), ("employee", False), ("nobody", False)],
)
def test_only_operators_and_administrators_reach_the_console(
    client, logins, method, name, kwargs, role, allowed
):
    signed_in(client, logins[role])
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert (response.status_code != 403) == allowed, response.status_code
    if not allowed:
        assert "Endast växelns telefonister" in response.content.decode()


@pytest.mark.parametrize(("method", "name", "kwargs"), PAGES)
def test_signed_out_the_console_asks_to_sign_in_and_does_nothing(client, town, call, method, name, kwargs):
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Call.objects.get().state == CallState.QUEUED


def test_s1_the_console_shows_the_greeting_the_queue_and_whether_the_switchboard_is_open(operator, call):
    page = operator.get(reverse("console")).content.decode()
    assert 'Säg: ”<span id="greeting" lang="sv">Välkommen till Testby kommun.</span>”' in page
    assert "036-12 34 56" in page and f'data-call="{call.pk}"' in page
    assert ("Växeln är öppen." in page) or ("Växeln är stängd" in page)


def test_search_forgives_typos_and_shows_availability_back_time_and_answer_phrase(operator, town):
    back = now() + timedelta(hours=2)
    absence_add(person=town.anna, reason="meeting", starts_at=now() - timedelta(hours=1), ends_at=back)
    for typed in ("sjöberg", "sjoberg", "sjöbergh", "anna sj"):
        hits = operator.get(reverse("console-search"), {"q": typed}).content.decode()
        assert "Anna Sjöberg" in hits, typed
    assert "Frånvarande: möte" in hits and "åter" in hits
    assert '”<span lang="sv">Bygglov, Testby kommun, det är Anna Sjöberg.</span>”' in hits
    assert "0370-33 10 01" in hits


def test_search_finds_a_unit_by_its_service(operator, town):
    hits = operator.get(reverse("console-search"), {"q": "detaljplan"}).content.decode()
    assert "Bygglov" in hits and "Telefontid:" in hits and "Koppla till Bygglovsgruppen" in hits


def test_s3_no_console_page_shows_a_private_mobile_yet_it_can_be_put_through(operator, town, logins):
    call_arrive(caller=ANNA_SECRET_MOBILE, called=SWITCHBOARD, at=OPEN_DAY)
    pages = [
        operator.get(reverse("console")),
        operator.get(reverse("console-search"), {"q": "anna"}),
        operator.get(reverse("console-search"), {"q": "cecilia"}),
        operator.get(reverse("console-unit", kwargs={"pk": town.unit.pk})),
        operator.get(reverse("console-unit", kwargs={"pk": town.other_unit.pk})),
        operator.get(reverse("console-queue")),
    ]
    for page in pages:
        body = page.content.decode()
        for needle in hidden_forms(ANNA_SECRET_MOBILE) + hidden_forms(CECILIA_SECRET_MOBILE):
            assert needle not in body
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)
    assert f'data-put-through="{mobile.pk}"' in pages[1].content.decode()
    assert "Mobil (numret visas inte)" in pages[0].content.decode()


def test_s2_a_unit_shows_who_is_available_and_when_the_others_are_back(operator, town):
    for person in (town.anna, town.bjorn):
        absence_add(person=person, reason="vacation", starts_at=now() - timedelta(days=1), ends_at=None)
    board = operator.get(reverse("console-unit", kwargs={"pk": town.unit.pk})).content.decode()
    assert "0 tillgängliga" in board and "lämna ett meddelande" in board
    assert "tills vidare" in board
    Absence.objects.filter(person=town.bjorn).delete()
    board = operator.get(reverse("console-unit", kwargs={"pk": town.unit.pk})).content.decode()
    assert "1 tillgänglig" in board
    assert board.index("Björn Åberg") < board.index("Anna Sjöberg")  # the available first


def test_answer_then_put_through_in_one_step_each(operator, call, town):
    assert (
        "Besvarat"
        in operator.post(reverse("console-call", kwargs={"pk": call.pk, "action": "answer"})).content.decode()
    )
    direct = town.anna.numbers.get(kind=NumberKind.DIRECT)
    response = operator.post(
        reverse("console-call", kwargs={"pk": call.pk, "action": "put-through"}), {"number": direct.pk}
    )
    assert "Kopplat till Anna Sjöberg." in response.content.decode()
    assert response["HX-Retarget"] == "#notice"
    assert Call.objects.get().state == CallState.PUT_THROUGH


def test_a_refused_action_says_why_and_changes_nothing(operator, call, logins, client):
    call_answer(call_id=call.pk, actor=logins["administrator"])
    response = operator.post(reverse("console-call", kwargs={"pk": call.pk, "action": "end"}))
    assert "har redan svarat" in response.content.decode()
    for bad in ({"number": "x"}, {"number": ""}, {}):
        response = operator.post(
            reverse("console-call", kwargs={"pk": call.pk, "action": "put-through"}), bad
        )
        assert 'class="notice error"' in response.content.decode()
    assert (
        operator.post(reverse("console-call", kwargs={"pk": call.pk, "action": "dance"})).status_code == 200
    )
    assert Call.objects.get().state == CallState.ANSWERED


def test_s2_callback_from_the_current_call_in_one_step(operator, call, town):
    operator.post(reverse("console-call", kwargs={"pk": call.pk, "action": "answer"}))
    response = operator.post(
        reverse("console-message"), {"call": call.pk, "for_person": town.anna.email, "kind": "callback"}
    )
    message = Message.objects.get()
    assert f"Meddelande {message.reference}" in response.content.decode()
    assert message.subject == "Ring tillbaka" and message.caller_number == "+4636123456"
    assert Call.objects.get().state == CallState.MESSAGE


def test_s2_a_message_without_a_call_needs_what_it_is_about(operator, town):
    response = operator.post(
        reverse("console-message"), {"for_unit": "Bygglov", "kind": "information", "subject": ""}
    )
    assert 'class="notice error"' in response.content.decode() and not Message.objects.exists()


@pytest.mark.parametrize("reason", ["meeting", "möte"])  # the reason as written or as stored
def test_e7_the_operator_is_warned_before_an_absence_in_telephone_hours(operator, town, reason):
    data = {"email": town.anna.email, "reason": reason, "until": ""}
    response = operator.post(reverse("console-absence"), data)
    body = response.content.decode()  # until further notice: it reaches Bygglov's telephone hours
    assert "Varning (E7)" in body and "Bygglov" in body and 'name="confirm_e7" value="yes"' in body
    assert not Absence.objects.exists()
    operator.post(reverse("console-absence"), {**data, "confirm_e7": "yes"})
    assert Absence.objects.filter(person=town.anna).count() == 1
    back = operator.post(reverse("console-absence"), {"email": town.anna.email, "action": "clear"})
    assert "Anna Sjöberg är tillbaka." in back.content.decode()


def test_an_absence_with_a_bad_time_is_refused(operator, town):
    response = operator.post(
        reverse("console-absence"), {"email": town.anna.email, "reason": "sick", "until": "i morgon"}
    )
    assert 'class="notice error"' in response.content.decode() and not Absence.objects.exists()


@pytest.fixture
def telephone(settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    settings.VAXEL_SIP_WS_URL = "wss://sip.testby.se/ws"


def test_s1_the_console_registers_as_its_operators_telephone_with_credentials_minted_for_it(
    operator, logins, telephone, settings
):
    page = operator.get(reverse("console"))
    assert "jssip-3.12.0.min.js" in page.content.decode()
    assert "wss://sip.testby.se/ws" in page["Content-Security-Policy"]  # the browser may reach Kamailio
    answer = operator.get(reverse("console-telephone"))
    assert answer["Cache-Control"] == "no-store"
    credentials = answer.json()
    user = f"operator{logins['operator'].pk}"
    assert credentials["uri"] == f"sip:{user}@vaxel.test" and credentials["ws"] == "wss://sip.testby.se/ws"
    expiry, named = credentials["authorization_user"].split(":")
    assert named == user and int(expiry) > time.time() + settings.VAXEL_SIP_CREDENTIALS_SECONDS - 60
    expected = hmac.new(
        settings.VAXEL_SIP_SECRET.encode(), credentials["authorization_user"].encode(), "sha1"
    )
    assert credentials["password"] == base64.b64encode(expected.digest()).decode()


def test_without_kamailio_the_console_is_no_telephone_and_says_so(operator):
    page = operator.get(reverse("console"))
    assert "jssip" not in page.content.decode()
    answer = operator.get(reverse("console-telephone"))
    assert answer.status_code == 404 and answer.json()["error"]["id"] == "not_telephone"


@pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open
def test_s3_putting_through_hands_the_telephone_an_address_never_a_number(operator, town, telephone):
    call = call_arrive(caller="036-123456", called=SWITCHBOARD, driver="kamailio")
    operator.post(reverse("console-call", kwargs={"pk": call.pk, "action": "answer"}))
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)  # no consent
    response = operator.post(
        reverse("console-call", kwargs={"pk": call.pk, "action": "put-through"}), {"number": mobile.pk}
    )
    told = json.loads(response["HX-Trigger"])["vx-telephone"]["refer"]
    assert told.startswith("sip:xfer-") and told.endswith("@vaxel.test")
    assert not any(
        form in response.content.decode() + response["HX-Trigger"] for form in hidden_forms(mobile.e164)
    )


@pytest.mark.clock("2026-12-01T10:00")  # a Tuesday, in the members' working hours
def test_s1_before_ringing_a_shared_number_says_when_none_of_its_members_would_ring(operator, town, settings):
    # The routing snapshot notices changes by the change log here: this test's writes are
    # never committed, so PostgreSQL would never announce them.
    settings.VAXEL_LIVE_BACKEND = "memory"
    hits = operator.get(reverse("console-search"), {"q": "detaljplan"}).content.decode()
    assert "Koppla till Bygglovsgruppen" in hits and "Ingen medlem tillgänglig nu" not in hits
    for person in (town.anna, town.bjorn):
        absence_add(person=person, reason="meeting", starts_at=now(), ends_at=now() + timedelta(hours=1))
    hits = operator.get(reverse("console-search"), {"q": "detaljplan"}).content.decode()
    assert "Ingen medlem tillgänglig nu" in hits


@pytest.mark.clock("2026-12-01T10:00")
def test_s1_a_call_that_came_back_from_a_transfer_says_where_it_tried_and_why(
    operator, town, logins, settings
):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    first = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="c-1", driver="kamailio")
    call_answer(call_id=first.pk, actor=logins["operator"])
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    put = operator.post(
        reverse("console-call", kwargs={"pk": first.pk, "action": "put-through"}), {"number": direct.pk}
    )
    assert "Svarar ingen inom 20 sekunder kommer samtalet tillbaka till dig." in put.content.decode()
    token = transfer_uri(Call.objects.get(pk=first.pk)).removeprefix("sip:").split("@", 1)[0]
    target_resolve(token)  # Kamailio rang it
    call_answer(
        call_id=call_arrive(caller="036-9", called=SWITCHBOARD, driver="kamailio").pk,
        actor=logins["operator"],
    )
    call_recall_arrive(external_id="leg-1", recalled=f"{token};code=486")
    queue = operator.get(reverse("console-queue")).content.decode()
    assert "Återkoppling: Björn Åberg var upptagen." in queue
