"""Overflow that never drops a caller: with VAXEL_OVERFLOW_TO set, callers waiting at the
switchboard go on there when no operator's console is open, when more wait than the
queue takes, or when one has waited too long (S1)."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient

from vaxel.core.time import now
from vaxel.telephony.models import Call, CallEvent, CallState, OperatorPresence, SipTarget, SipTargetKind
from vaxel.telephony.moves import OVERFLOW_RETRY_SECONDS, overflows_due, presence_seen, referral_not_reached
from vaxel.telephony.queueing import overflow_reason
from vaxel.telephony.selectors import operators_present
from vaxel.telephony.services import call_arrive
from vaxel.testing import GROUP_NUMBER, SWITCHBOARD, run_async

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


def test_s1_the_overflow_rule_nobody_there_a_full_queue_or_a_long_wait():
    rule = {"most_waiting": 3, "longest_wait": 300}
    assert overflow_reason(present=0, waiting=1, waited_seconds=0, **rule) == "nobody"
    assert overflow_reason(present=2, waiting=3, waited_seconds=10, **rule) is None
    assert overflow_reason(present=2, waiting=4, waited_seconds=10, **rule) == "queue_full"
    assert overflow_reason(present=2, waiting=1, waited_seconds=300, **rule) == "waited"
    assert (
        overflow_reason(present=1, waiting=99, waited_seconds=9999, most_waiting=None, longest_wait=None)
        is None
    )


@pytest.fixture
def overflow(settings, town, logins):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_OVERFLOW_TO = GROUP_NUMBER
    return logins


def waiting(count: int) -> list[Call]:
    return [call_arrive(caller=f"036-12345{n}", called=SWITCHBOARD, driver="kamailio") for n in range(count)]


def test_s1_with_no_operators_console_open_every_waiting_caller_goes_to_the_overflow_once(overflow):
    calls = waiting(2)
    assert {c.pk for c in overflows_due()} == {c.pk for c in calls}
    assert overflows_due() == []  # once
    for call in calls:
        call.refresh_from_db()
        assert call.state == CallState.PUT_THROUGH
        assert SipTarget.objects.filter(call=call, kind=SipTargetKind.OVERFLOW).count() == 1
        event = CallEvent.objects.get(call_id=call.external_id, kind="overflowed")
        assert event.transferred_to == GROUP_NUMBER


def test_s1_a_caller_who_could_not_get_to_the_overflow_waits_at_their_place_and_goes_again_later(
    overflow, clock
):
    first, second = waiting(2)
    overflows_due()
    assert referral_not_reached(line=first.external_id) is not None  # their telephone said it failed
    first.refresh_from_db()
    assert first.state == CallState.QUEUED and first.ended_at is None  # in the consoles' queue again
    assert referral_not_reached(line=second.external_id) is not None
    assert overflows_due() == []  # not at once: the destination may be down
    clock.shift(timedelta(seconds=OVERFLOW_RETRY_SECONDS + 1))
    assert [c.pk for c in overflows_due()] == [first.pk, second.pk]  # in their order
    assert SipTarget.objects.filter(call=first, kind=SipTargetKind.OVERFLOW).count() == 2
    assert referral_not_reached(line="no-such-call") is None


def test_s1_with_an_operator_there_only_callers_beyond_the_queue_length_or_waiting_too_long_go(
    overflow, settings
):
    presence_seen(overflow["operator"])
    settings.VAXEL_OVERFLOW_QUEUE_LENGTH = 2
    settings.VAXEL_OVERFLOW_AFTER_SECONDS = 600
    first, second, third = waiting(3)
    assert [c.pk for c in overflows_due()] == [third.pk]  # the last to come, beyond two waiting
    presence_seen(overflow["operator"], at=now() + timedelta(seconds=599))  # still there
    assert overflows_due(at=now() + timedelta(seconds=599)) == []
    presence_seen(overflow["operator"], at=now() + timedelta(seconds=600))
    assert {c.pk for c in overflows_due(at=now() + timedelta(seconds=600))} == {first.pk, second.pk}


def test_s1_without_an_overflow_callers_wait_until_answered(overflow, settings):
    settings.VAXEL_OVERFLOW_TO = ""
    waiting(2)
    assert overflows_due() == [] and Call.objects.filter(state=CallState.QUEUED).count() == 2


def test_a_console_gone_quiet_for_a_minute_no_longer_counts_as_an_operator_there(overflow):
    presence_seen(overflow["operator"], at=now() - timedelta(seconds=61))
    presence_seen(overflow["administrator"], at=now() - timedelta(seconds=5))
    assert operators_present(now()) == 1


@pytest.mark.django_db(transaction=True)
def test_s1_an_open_console_says_its_operator_is_there(town, logins, settings):
    settings.VAXEL_LIVE_BACKEND = "memory"

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(logins["operator"])
        response = await client.get("/konsol/handelser/")
        stream = aiter(response.streaming_content)
        await anext(stream)
        pending = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.3)
        present = await sync_to_async(operators_present)(now())
        pending.cancel()
        await response.streaming_content.aclose()
        await sync_to_async(connections.close_all)()
        return present

    assert run_async(scenario()) == 1
    assert OperatorPresence.objects.get().user == logins["operator"]
