"""The Kamailio driver: putting a call through gives the operator's console an opaque
address to refer the caller to; Kamailio asks Växel where it goes, and the answer is
the dialled number's (an absence's diversion included). The address never holds the
number, so the browser never sees a mobile's digits (S3)."""

import re
from datetime import timedelta

import pytest

from vaxel.availability.services import absence_add
from vaxel.core.time import now
from vaxel.directory.models import NumberKind
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.telephony.switchboard import transfer_uri
from vaxel.testing import SWITCHBOARD, small_municipality

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


@pytest.fixture
def town(db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    return small_municipality()


def put_through(logins, number) -> tuple[Call, str]:
    call = call_arrive(
        caller="036-123456", called=SWITCHBOARD, external_id="a84b4c76e66710", driver="kamailio"
    )
    call_answer(call_id=call.pk, actor=logins["operator"])
    call = call_put_through(call_id=call.pk, number_id=number.pk, actor=logins["operator"])
    uri = transfer_uri(call)
    found = re.fullmatch(r"sip:(xfer-[0-9a-f]{24})@vaxel\.test", uri)
    assert found, uri
    return call, found.group(1)


def test_s1_a_call_put_through_is_routed_to_the_chosen_number(town, logins, ask):
    call, user = put_through(logins, town.bjorn.numbers.get(kind=NumberKind.DIRECT))
    assert call.state == CallState.PUT_THROUGH
    answer = ask(user).json()
    assert answer["targets"] == "sip:+46370331002@vaxel.test" and answer["diversion"] == ""


def test_e3_a_call_put_through_to_an_absent_person_follows_the_absence_as_if_dialled(town, logins, ask):
    absence_add(
        person=town.bjorn,
        reason="meeting",
        starts_at=now() - timedelta(minutes=5),
        ends_at=now() + timedelta(hours=1),
        divert_to="switchboard",
    )
    _call, user = put_through(logins, town.bjorn.numbers.get(kind=NumberKind.DIRECT))
    moved, dialled = ask(user).json(), ask("+46370331002").json()
    assert moved == dialled
    assert moved["diversion"].startswith("<sip:+46370331002@vaxel.test>;reason=")
    assert "sip:+46370331002@vaxel.test" not in moved["targets"]


def test_s3_the_console_never_sees_the_digits_of_a_mobile_it_puts_a_call_through_to(town, logins, ask):
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)  # no consent
    _call, user = put_through(logins, mobile)
    assert "1234567" not in user
    assert ask(user).json()["targets"] == "sip:+46701234567@vaxel.test"  # Kamailio alone is told


def test_s1_an_address_of_one_call_cannot_be_guessed_from_another(town, logins, ask):
    _first, one = put_through(logins, town.bjorn.numbers.get(kind=NumberKind.DIRECT))
    Call.objects.all().delete()
    _second, other = put_through(logins, town.bjorn.numbers.get(kind=NumberKind.DIRECT))
    assert one != other
    assert ask(one).status_code == 404  # its call is gone, and its address with it
