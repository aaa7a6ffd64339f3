"""Callback in the queue (E4) with the database: a caller who pressed 1 keeps their
place among the callers waiting, becomes one callback however often they ask, is
offered to the next free operator, who calls them from the console through an opaque
`cb-…` address (S3); how it went is recorded for the statistics. And the expected wait
the queue announces (S1), from the calls of the last hours."""

import json
from datetime import timedelta

import pytest

from vaxel.access.services import token_create
from vaxel.core.time import now
from vaxel.servicelevels.records import call_facts
from vaxel.telephony.errors import CallTaken, NotCallback
from vaxel.telephony.models import Call, CallEvent, CallState, SipTarget, SipTargetKind
from vaxel.telephony.moves import dialog_ended
from vaxel.telephony.selectors import LATEST_CALLS, queue_cards, queue_place, wait_basis_get
from vaxel.telephony.services import (
    call_answer,
    call_arrive,
    call_callback_request,
    call_callback_result,
    call_callback_start,
    call_end,
    call_put_through,
)
from vaxel.telephony.switchboard import sip_uri
from vaxel.telephony.waiting import expected_wait
from vaxel.testing import SWITCHBOARD, small_municipality

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


@pytest.fixture
def town(db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "simulator"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    return small_municipality()


def arrive(name: str, caller: str, clock) -> Call:
    call = call_arrive(caller=caller, called=SWITCHBOARD, external_id=name, driver="kamailio")
    clock.shift(10)
    return call


def test_e4_a_callback_keeps_its_callers_place_among_those_waiting(town, clock):
    first = arrive("a", "036-100001", clock)
    second = arrive("b", "036-100002", clock)
    third = arrive("c", "036-100003", clock)
    assert call_callback_request(external_id="b") is not None
    waiting = queue_cards()["waiting"]
    assert [c["id"] for c in waiting] == [first.pk, second.pk, third.pk]
    assert [c["callback"] for c in waiting] == [False, True, False]
    assert queue_place("c") == 3 and queue_place("b") == 2


def test_e4_pressing_1_again_or_a_retransmitted_info_gives_one_callback(town, clock):
    arrive("a", "036-100001", clock)
    for _press in range(3):
        call = call_callback_request(external_id="a")
    assert call is not None and call.state == CallState.CALLBACK
    assert call.callback_due_at is not None and call.callback_due_at > call.callback_requested_at
    assert CallEvent.objects.filter(call_id="a", kind="callback").count() == 1


def test_e4_a_withheld_number_or_an_answered_call_gets_no_callback(town, clock, logins):
    arrive("hidden", "", clock)
    assert call_callback_request(external_id="hidden") is None
    answered = arrive("taken", "036-100001", clock)
    call_answer(call_id=answered.pk, actor=logins["operator"])
    assert call_callback_request(external_id="taken") is None
    assert Call.objects.get(pk=answered.pk).state == CallState.ANSWERED


def test_e4_a_double_click_calls_the_caller_back_once(town, clock, logins):
    arrive("a", "036-100001", clock)
    call_callback_request(external_id="a")
    call = Call.objects.get(external_id="a")
    _call, first = call_callback_start(call_id=call.pk, actor=logins["operator"])
    _call, again = call_callback_start(call_id=call.pk, actor=logins["operator"])
    assert first.pk == again.pk and first.kind == SipTargetKind.CALLBACK
    assert SipTarget.objects.filter(call=call).count() == 1
    with pytest.raises(CallTaken):
        call_callback_start(call_id=call.pk, actor=logins["administrator"])


def test_e4_an_unanswered_callback_goes_back_to_its_place_and_is_given_up_after_three_tries(
    town, clock, logins, settings
):
    settings.VAXEL_QUEUE_CALLBACK_ATTEMPTS = 3
    arrive("a", "036-100001", clock)
    call_callback_request(external_id="a")
    later = arrive("b", "036-100002", clock)
    call = Call.objects.get(external_id="a")
    for attempt in (1, 2):
        call_callback_start(call_id=call.pk, actor=logins["operator"])
        call_callback_result(call_id=call.pk, actor=logins["operator"], answered=False)
        call_callback_result(call_id=call.pk, actor=logins["operator"], answered=False)  # told twice
        call.refresh_from_db()
        assert call.state == CallState.CALLBACK and call.callback_attempts == attempt
        assert [c["id"] for c in queue_cards()["waiting"]] == [call.pk, later.pk]  # still first
    call_callback_start(call_id=call.pk, actor=logins["operator"])
    call_end(call_id=call.pk, actor=logins["operator"])  # the operator gave up ringing
    call.refresh_from_db()
    assert call.state == CallState.ENDED and call.called_back_at is None
    assert CallEvent.objects.filter(call_id="a", kind="callback_failed").count() == 3
    with pytest.raises(NotCallback):
        call_callback_start(call_id=call.pk, actor=logins["operator"])


def test_e4_a_callback_done_is_an_answered_call_in_the_statistics(town, clock, logins):
    arrive("a", "036-100001", clock)
    call_callback_request(external_id="a")
    call = Call.objects.get(external_id="a")
    clock.shift(300)
    call_callback_start(call_id=call.pk, actor=logins["operator"])
    call_callback_result(call_id=call.pk, actor=logins["operator"], answered=True)
    call.refresh_from_db()
    assert call.state == CallState.ANSWERED and call.called_back_at is not None
    facts = call_facts(CallEvent.objects.filter(call_id="a"))
    assert facts.answered_at == call.called_back_at and not facts.abandoned
    assert facts.wait_seconds is not None and facts.wait_seconds >= 300
    assert set(CallEvent.objects.filter(call_id="a").values_list("kind", flat=True)) >= {
        "arrived",
        "callback",
        "called_back",
        "answered",
    }


def test_e4_a_caller_who_phones_again_while_their_callback_waits_keeps_its_place(town, clock):
    first = arrive("a", "036-100001", clock)
    call_callback_request(external_id="a")
    between = arrive("b", "036-100002", clock)
    again = arrive("a2", "036-100001", clock)
    assert again.place_at == first.place_at
    assert Call.objects.get(pk=first.pk).state == CallState.ENDED  # one caller, one place
    assert [c["id"] for c in queue_cards()["waiting"]] == [again.pk, between.pk]
    assert call_arrive(caller="036-100001", called=SWITCHBOARD, external_id="a2").pk == again.pk


def test_s3_the_callback_address_rings_the_callers_number_without_the_console_seeing_it(
    town, clock, logins, client, settings
):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    arrive("a", "070-1234567", clock)  # Anna's mobile, without consent
    call_callback_request(external_id="a")
    call = Call.objects.get(external_id="a")
    client.force_login(logins["operator"])
    card = client.get("/konsol/ko/").content.decode()
    assert "1234567" not in card and "data-call-back" in card
    answer = client.post(f"/konsol/samtal/{call.pk}/call-back/")
    trigger = json.loads(answer["HX-Trigger"])
    address = trigger["vx-telephone"]["dial"]
    assert address.startswith("sip:cb-") and "1234567" not in answer.content.decode() + address
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    user = address.split(":", 1)[1].split("@", 1)[0]
    route = client.get("/pbx/route/", {"to": user, "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert route.json()["targets"] == "sip:+46701234567@vaxel.test"
    # Kamailio tells that the call back ended unanswered: the callback keeps its place.
    dialog_ended(target=user)
    assert Call.objects.get(pk=call.pk).state == CallState.CALLBACK
    assert sip_uri(SipTarget.objects.get(call=call)) == address


def test_s1_the_expected_wait_comes_from_recent_calls_and_the_operators_at_work(town, clock, logins):
    operator = logins["operator"]
    assert expected_wait(wait_basis_get(ahead=2, at=now())) is None  # no recent calls: nothing said
    for name in ("h1", "h2", "h3"):
        call = arrive(name, "036-100009", clock)
        call_answer(call_id=call.pk, actor=operator)
        clock.shift(120)  # two minutes a call
        call_put_through(call_id=call.pk, number_id=town.anna.numbers.first().pk, actor=operator)
    busy = arrive("busy", "036-100008", clock)
    call_answer(call_id=busy.pk, actor=operator)
    basis = wait_basis_get(ahead=2, at=now())
    assert basis.operators == 1 and basis.busy == 1 and len(basis.handling_seconds) == 3
    wait = expected_wait(basis)
    assert wait is not None and abs(wait - timedelta(minutes=6)) < timedelta(seconds=1)  # three turns


def test_s1_the_expected_wait_follows_the_latest_calls_not_the_mornings(town, clock, logins):
    at = now()

    def handled(count: int, *, minutes: int, ago: int) -> None:
        Call.objects.bulk_create(
            Call(
                external_id=f"{ago}-{index}",
                driver="test",
                called=SWITCHBOARD,
                state=CallState.PUT_THROUGH,
                answered_by=logins["operator"],
                answered_at=(answered := at - timedelta(minutes=ago, seconds=-index)),
                ended_at=answered + timedelta(minutes=minutes),
            )
            for index in range(count)
        )

    handled(10, minutes=20, ago=110)  # the morning's long calls, still within two hours
    handled(LATEST_CALLS, minutes=1, ago=20)
    basis = wait_basis_get(ahead=0, at=at)
    assert basis.handling_seconds == [60.0] * LATEST_CALLS
    assert basis.operators == 1 and basis.busy == 0


def test_e4_c2_a_queue_callback_counts_in_the_switchboards_callbacks_on_time(town, clock, logins):
    from vaxel.core.time import local_date
    from vaxel.servicelevels.selectors import statistics_report, statistics_scope

    arrive("a", "036-100001", clock)
    call = call_callback_request(external_id="a")
    assert call is not None
    call_callback_start(call_id=call.pk, actor=logins["operator"])
    call_callback_result(call_id=call.pk, actor=logins["operator"], answered=True)
    clock.shift(5 * 86400)  # the due time has passed
    day = local_date(call.callback_due_at)
    report = statistics_report(statistics_scope(switchboard=True), first=day, last=day)
    tally = report.days[day]
    assert (tally.callbacks_due, tally.callbacks_on_time) == (1, 1)
