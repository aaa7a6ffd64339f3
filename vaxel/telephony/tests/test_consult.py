"""Asking first (a consultation): the operator's console calls an opaque `con-…`
address that Kamailio routes as the number would be, with no recall (the operator is
on the line); putting the call through to that number afterwards names the
consultation in the `xfer-…` answer (`join`), so Kamailio sends the caller to the very
phone that answered it."""

import re
from datetime import timedelta

import pytest

from vaxel.availability.services import absence_add
from vaxel.core.time import now
from vaxel.directory.models import NumberKind
from vaxel.telephony.errors import CallNotAnswered, ConsultNotPossible
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.moves import call_consult
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.telephony.switchboard import transfer_uri
from vaxel.testing import SWITCHBOARD, small_municipality

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


@pytest.fixture
def town(db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    return small_municipality()


def answered(logins) -> Call:
    call = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="a84b4c7", driver="kamailio")
    return call_answer(call_id=call.pk, actor=logins["operator"])


def user_part(uri: str, prefix: str) -> str:
    found = re.fullmatch(rf"sip:({prefix}-[0-9a-f]{{24}})@vaxel\.test", uri)
    assert found, uri
    return found.group(1)


def test_s1_asking_first_rings_the_number_as_dialled_and_putting_through_after_names_that_phone(
    town, logins, ask
):
    call = answered(logins)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    address, name = call_consult(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])
    assert name == "Björn Åberg"
    consulted = user_part(address, "con")
    asked = ask(consulted).json()
    assert asked["targets"] == "sip:+46370331002@vaxel.test"
    assert "recall" not in asked  # the operator is on the line: nothing comes back
    assert Call.objects.get(pk=call.pk).state == CallState.ANSWERED  # the caller is still here

    call_put_through(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])
    put = ask(user_part(transfer_uri(call), "xfer")).json()
    assert put["join"] == consulted  # Kamailio rings the phone that answered
    assert put["targets"] == asked["targets"] and put["ring"] == "20"  # else as dialled, with recall


def test_s1_a_call_put_through_without_asking_first_names_no_phone(town, logins, ask):
    call = answered(logins)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    call_consult(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])  # never rung
    other = town.anna.numbers.get(kind=NumberKind.DIRECT)
    call_put_through(call_id=call.pk, number_id=other.pk, actor=logins["operator"])
    assert "join" not in ask(user_part(transfer_uri(call), "xfer")).json()


def test_s3_asking_first_at_a_private_mobile_never_gives_the_console_its_digits(town, logins, ask):
    call = answered(logins)
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)  # no consent
    address, name = call_consult(call_id=call.pk, number_id=mobile.pk, actor=logins["operator"])
    assert "1234567" not in address + name
    assert ask(user_part(address, "con")).json()["targets"] == "sip:+46701234567@vaxel.test"


def test_e3_someone_whose_calls_come_to_the_switchboard_cannot_be_asked_first(town, logins):
    absence_add(
        person=town.bjorn,
        reason="meeting",
        starts_at=now() - timedelta(minutes=5),
        ends_at=now() + timedelta(hours=1),
        divert_to="switchboard",
    )
    call = answered(logins)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    with pytest.raises(ConsultNotPossible, match="Björn Åberg är frånvarande"):
        call_consult(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])


def test_s1_only_a_call_being_talked_to_can_be_asked_about(town, logins):
    call = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="b1", driver="kamailio")
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    with pytest.raises(CallNotAnswered):
        call_consult(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])
