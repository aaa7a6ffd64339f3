"""Calls at the switchboard: the queue, answering (S1), putting through, messages (S2),
after hours (S4), internal callers (E8) and private mobiles (S3)."""

from datetime import datetime

import pytest

from vaxel.core import live
from vaxel.core.errors import Conflict, InvalidInput, NotFound
from vaxel.core.time import STOCKHOLM
from vaxel.directory.models import NumberKind
from vaxel.directory.services import person_deactivate
from vaxel.messaging.models import Message
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.selectors import call_card, queue_cards
from vaxel.telephony.services import call_answer, call_arrive, call_end, call_put_through, call_take_message
from vaxel.testing import ANNA_DIRECT, ANNA_SECRET_MOBILE, SWITCHBOARD

TUESDAY_10 = datetime(2026, 12, 1, 10, tzinfo=STOCKHOLM)
SUNDAY_10 = datetime(2026, 11, 29, 10, tzinfo=STOCKHOLM)
CALLER = "+46361234567"


def arrive(**overrides):
    return call_arrive(**{"caller": CALLER, "called": SWITCHBOARD, "at": TUESDAY_10, **overrides})


def test_a_call_to_the_open_switchboard_queues_and_every_console_hears_of_it(
    town, django_capture_on_commit_callbacks
):
    with live.captured() as events, django_capture_on_commit_callbacks(execute=True):
        call = arrive()
    assert call.state == CallState.QUEUED
    assert [(e["kind"], e["call"], e["state"]) for e in events] == [("queue", call.pk, "queued")]
    assert [c["caller"] for c in queue_cards()["waiting"]] == ["036-123 45 67"]


def test_s4_after_hours_the_call_does_not_queue(town):
    call = arrive(at=SUNDAY_10)
    assert call.state == CallState.CLOSED and call.ended_at == SUNDAY_10
    assert queue_cards()["waiting"] == []


def test_e8_an_internal_caller_is_marked_with_the_direct_number_to_dial(town):
    call = arrive(caller=ANNA_DIRECT, asks_for="björn åberg")
    card = call_card(call)
    assert card["internal"] and card["caller_name"] == "Anna Sjöberg" and card["caller_unit"] == "Bygglov"
    assert card["direct_number"] == "0370-33 10 02"  # Björn's, which Anna should have dialled


def test_s3_a_caller_on_a_private_mobile_is_named_but_the_digits_never_shown(town):
    card = call_card(arrive(caller=ANNA_SECRET_MOBILE))
    assert card["caller"] is None and card["caller_name"] == "Anna Sjöberg"
    assert "1234567" not in repr(card)


def test_reporting_the_same_call_twice_records_it_once(town):
    first = arrive(external_id="sip-abc")
    assert arrive(external_id="sip-abc") == first
    assert Call.objects.count() == 1


def test_a_call_to_another_number_is_refused_and_nothing_is_written(town):
    with pytest.raises(InvalidInput) as refused:
        arrive(called=ANNA_DIRECT)
    assert refused.value.error_id == "not_switchboard"
    with pytest.raises(InvalidInput):
        arrive(called="not a number")
    assert not Call.objects.exists()


def test_s1_one_operator_answers_and_another_cannot_take_the_same_call(town, logins):
    call = arrive()
    answered = call_answer(call_id=call.pk, actor=logins["operator"], at=TUESDAY_10)
    assert answered.state == CallState.ANSWERED and answered.answered_by == logins["operator"]
    assert queue_cards(viewer=logins["operator"])["current"]["id"] == call.pk
    with pytest.raises(Conflict) as taken:
        call_answer(call_id=call.pk, actor=logins["administrator"])
    assert taken.value.error_id == "call_taken"


def test_an_operator_finishes_one_call_before_answering_the_next(town, logins):
    first, second = arrive(external_id="a"), arrive(external_id="b")
    call_answer(call_id=first.pk, actor=logins["operator"])
    with pytest.raises(Conflict):
        call_answer(call_id=second.pk, actor=logins["operator"])
    assert Call.objects.get(pk=second.pk).state == CallState.QUEUED


def test_s3_a_call_is_put_through_to_a_private_mobile_by_its_id(
    town, logins, django_capture_on_commit_callbacks
):
    call = arrive()
    call_answer(call_id=call.pk, actor=logins["operator"])
    mobile = town.anna.numbers.get(kind=NumberKind.MOBILE)
    with live.captured() as events, django_capture_on_commit_callbacks(execute=True):
        done = call_put_through(call_id=call.pk, number_id=mobile.pk, actor=logins["operator"])
    assert done.state == CallState.PUT_THROUGH and done.put_through_to == mobile
    assert done.put_through_name == "Anna Sjöberg (mobil)"
    assert events[-1]["state"] == "put_through" and ANNA_SECRET_MOBILE not in repr(events)
    assert queue_cards(viewer=logins["operator"])["current"] is None


def test_e1_a_call_is_not_put_through_to_someone_who_has_left(town, logins):
    call = arrive()
    person_deactivate(email=town.bjorn.email)
    mobile = town.bjorn.numbers.get(kind=NumberKind.MOBILE)
    with pytest.raises(Conflict) as refused:
        call_put_through(call_id=call.pk, number_id=mobile.pk, actor=logins["operator"])
    assert refused.value.error_id == "person_inactive"
    assert Call.objects.get(pk=call.pk).state == CallState.QUEUED
    with pytest.raises(NotFound):
        call_put_through(call_id=call.pk, number_id=999999, actor=logins["operator"])


def test_s2_a_message_from_the_call_uses_its_number_and_ends_the_call(town, logins):
    call = arrive()
    call_answer(call_id=call.pk, actor=logins["operator"], at=TUESDAY_10)
    done = call_take_message(
        call_id=call.pk,
        actor=logins["operator"],
        at=TUESDAY_10,
        subject="Om bygglovet",
        caller_name="Greta Ek",
        for_unit="Bygglov",
    )
    message = Message.objects.get()
    assert done.state == CallState.MESSAGE and done.message == message
    assert message.caller_number == CALLER and message.unit == town.unit


def test_s2_a_bad_message_leaves_the_call_on_the_line(town, logins):
    call = arrive()
    call_answer(call_id=call.pk, actor=logins["operator"])
    with pytest.raises(InvalidInput):
        call_take_message(call_id=call.pk, actor=logins["operator"], subject="", for_unit="Bygglov")
    assert Call.objects.get(pk=call.pk).state == CallState.ANSWERED and not Message.objects.exists()


def test_a_caller_who_hangs_up_while_waiting_has_abandoned_and_repeating_it_is_harmless(town):
    call = arrive()
    assert call_end(external_id=call.external_id).state == CallState.ABANDONED
    assert call_end(call_id=call.pk).state == CallState.ABANDONED
    with pytest.raises(Conflict):
        call_answer(call_id=call.pk, actor=None)
