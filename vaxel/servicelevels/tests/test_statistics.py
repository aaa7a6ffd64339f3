"""C2 call statistics, every figure worked out by hand on a few calls: a Tuesday in
Bygglov, a call across midnight, the night the clocks go back, and a unit with no calls."""

from datetime import date, datetime, timedelta

import pytest

from vaxel.core.errors import Forbidden, NotFound
from vaxel.core.time import STOCKHOLM
from vaxel.messaging.services import message_take
from vaxel.servicelevels.figures import verdict
from vaxel.servicelevels.models import CallRecord
from vaxel.servicelevels.selectors import statistics_report, statistics_scope
from vaxel.servicelevels.services import service_level_set
from vaxel.servicelevels.tasks import record_calls
from vaxel.servicelevels.tests.conftest import report_calls
from vaxel.testing import ANNA_DIRECT, GROUP_NUMBER, SWITCHBOARD

TUESDAY = date(2026, 11, 24)


def test_c2_a_units_day_counted_by_hand(tuesday):
    scope = statistics_scope(unit="Bygglov")
    result = statistics_report(scope, first=TUESDAY, last=TUESDAY)
    day = result.total
    assert (day.offered, day.open_calls, day.outside_hours) == (4, 3, 1)
    assert (day.answered, day.answered_in_time, day.abandoned, day.transferred) == (3, 1, 1, 1)
    assert day.answered_in_time_percent == 33.3 and day.abandoned_percent == 33.3
    assert day.average_wait == pytest.approx(70 / 3)  # 15 + 40 + 15 seconds
    assert result.p90_wait == 40
    assert (day.telephone_hours_calls, day.average_talk_in_telephone_hours) == (2, 100)  # E6: 180 s and 20 s
    assert day.internal == 0
    assert result.hours == {(1, 9): 2, (1, 11): 1, (1, 23): 1}
    assert verdict(day, scope.targets).answer_met is False  # 33 % < 80 % within 20 s


def test_c2_the_managers_own_target_decides_met_or_missed(tuesday):
    service_level_set(unit=tuesday.unit, answer_within_seconds=40, answer_share_percent=60)
    scope = statistics_scope(unit="Bygglov")
    day = statistics_report(scope, first=TUESDAY, last=TUESDAY).total
    assert day.answered_in_time == 2 and day.answered_in_time_percent == 66.7
    assert verdict(day, scope.targets).answer_met is True


def test_e8_internal_calls_count_for_the_callers_unit_and_the_switchboard(tuesday):
    other = statistics_report(statistics_scope(unit="Skolskjuts"), first=TUESDAY, last=TUESDAY).total
    assert (other.offered, other.internal) == (1, 1)
    switchboard = statistics_report(statistics_scope(switchboard=True), first=TUESDAY, last=TUESDAY).total
    assert (switchboard.offered, switchboard.answered, switchboard.internal) == (1, 1, 1)
    everyone = statistics_report(statistics_scope(), first=TUESDAY, last=TUESDAY).total
    assert (everyone.offered, everyone.internal) == (6, 1)


def test_c2_a_shared_number_has_its_own_figures(tuesday):
    group = statistics_report(statistics_scope(number=GROUP_NUMBER), first=TUESDAY, last=TUESDAY)
    assert (group.total.offered, group.total.transferred, group.p90_wait) == (1, 1, 40)
    assert group.scope.label == "Bygglovsgruppen"


def test_a_call_is_recorded_once_however_often_it_is_reported(tuesday):
    report_calls(
        ("c1", ANNA_DIRECT, [("answered", "2026-11-24T09:00:15"), ("arrived", "2026-11-24T09:00:00")])
    )
    assert CallRecord.objects.filter(call_id="c1").count() == 1
    assert statistics_report(statistics_scope(unit="Bygglov"), first=TUESDAY, last=TUESDAY).total.offered == 4


def test_the_next_day_and_a_unit_with_no_calls_show_no_calls_not_zero_percent(tuesday):
    wednesday = statistics_report(
        statistics_scope(unit="Bygglov"), first=TUESDAY + timedelta(days=1), last=TUESDAY + timedelta(days=1)
    )
    assert wednesday.total.offered == 0  # the midnight call is Tuesday's
    quiet = statistics_report(
        statistics_scope(unit="Skolskjuts"), first=date(2026, 1, 1), last=date(2026, 1, 31)
    )
    assert len(quiet.days) == 31
    total = quiet.total
    assert total.offered == 0 and total.answered_in_time_percent is None and total.average_wait is None
    assert quiet.p90_wait is None and total.callbacks_on_time_percent is None
    assert verdict(total, quiet.scope.targets).met is None


def test_dst_the_night_the_clocks_go_back(town):
    report_calls(
        (
            "d1",
            ANNA_DIRECT,
            [("arrived", "2026-10-25T02:30:00+02:00"), ("answered", "2026-10-25T02:30:10+02:00")],
        ),
        (
            "d2",
            ANNA_DIRECT,
            [("arrived", "2026-10-25T02:30:00+01:00"), ("answered", "2026-10-25T02:30:10+01:00")],
        ),
        # Waits across the change: 02:59:50 summer time to 02:00:10 winter time is 20 seconds.
        (
            "d3",
            ANNA_DIRECT,
            [("arrived", "2026-10-25T02:59:50+02:00"), ("answered", "2026-10-25T02:00:10+01:00")],
        ),
        # 00:30 on Sunday in Stockholm is still Saturday in UTC.
        ("d4", ANNA_DIRECT, [("arrived", "2026-10-24T22:30:00+00:00")]),
    )
    sunday = statistics_report(
        statistics_scope(unit="Bygglov"), first=date(2026, 10, 25), last=date(2026, 10, 25)
    )
    assert sunday.total.offered == 4 and sunday.total.outside_hours == 4
    assert sunday.waits == {10: 2, 20: 1}
    assert sunday.hours == {(6, 0): 1, (6, 2): 3}
    saturday = statistics_report(
        statistics_scope(unit="Bygglov"), first=date(2026, 10, 24), last=date(2026, 10, 24)
    )
    assert saturday.total.offered == 0


def test_e4_callbacks_on_time_and_messages_taken(tuesday):
    morning = datetime(2026, 11, 24, 9, tzinfo=STOCKHOLM)
    first = message_take(
        subject="Garage", caller_number="036-123456", for_person=tuesday.anna.email, at=morning
    )
    message_take(subject="Plank", caller_number="036-123457", for_person=tuesday.bjorn.email, at=morning)
    first.handled_at = first.due_at - timedelta(minutes=5)
    first.save()
    scope = statistics_scope(unit="Bygglov")
    day = statistics_report(scope, first=TUESDAY, last=TUESDAY, at=morning + timedelta(days=2)).total
    assert (day.messages, day.callbacks_due, day.callbacks_on_time, day.callbacks_on_time_percent) == (
        2,
        2,
        1,
        50,
    )
    assert verdict(day, scope.targets).callbacks_met is False
    # Before the callbacks are due, none is counted yet.
    early = statistics_report(scope, first=TUESDAY, last=TUESDAY, at=morning).total
    assert early.callbacks_due == 0


def test_c2_managers_see_their_units_only(town):
    from vaxel.access.roles import units_and_below

    mine = units_and_below({town.unit.pk})
    assert statistics_scope(unit="bygglov", allowed_units=mine).unit_ids == frozenset(mine)
    assert statistics_scope(number=GROUP_NUMBER, allowed_units=mine).kind == "number"
    for asked in ({"unit": "Skolskjuts"}, {"switchboard": True}, {}):
        with pytest.raises(Forbidden):
            statistics_scope(allowed_units=mine, **asked)
    with pytest.raises(NotFound):
        statistics_scope(unit="Socialtjänst")
    with pytest.raises(NotFound):
        statistics_scope(number=ANNA_DIRECT)  # a direct number is not a shared number


def test_s1_calls_handled_in_the_console_are_counted_for_the_switchboard(town, logins):
    """Counted by the worker's minute job, not in the requests that queue, answer and put
    through the callers (they held the database's write lock for it)."""
    from vaxel.telephony.services import call_answer, call_arrive, call_end, call_put_through

    nine = datetime(2026, 11, 24, 9, tzinfo=STOCKHOLM)
    first = call_arrive(caller="036-123456", called=SWITCHBOARD, at=nine)
    call_answer(call_id=first.pk, actor=logins["operator"], at=nine + timedelta(seconds=25))
    call_put_through(
        call_id=first.pk, number_id=town.anna.numbers.get(kind="direct").pk, actor=logins["operator"],
        at=nine + timedelta(seconds=55),
    )  # fmt: skip
    second = call_arrive(caller="036-654321", called=SWITCHBOARD, at=nine + timedelta(minutes=1))
    call_end(call_id=second.pk, at=nine + timedelta(minutes=2))  # gave up waiting
    scope = statistics_scope(switchboard=True)
    assert statistics_report(scope, first=TUESDAY, last=TUESDAY).total.offered == 0
    assert record_calls.call_local() == 2
    result = statistics_report(scope, first=TUESDAY, last=TUESDAY)
    day = result.total
    assert (day.offered, day.answered, day.transferred, day.abandoned, day.answered_in_time) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert result.waits == {25: 1}


def test_c2_a_call_whose_events_committed_late_is_still_counted(town):
    """Transactions commit out of their ids' order: an event stored with an id below one
    the minute job has seen is counted by its next run."""
    from vaxel.telephony.models import CallEvent

    nine = datetime(2026, 11, 24, 9, tzinfo=STOCKHOLM)
    gap = CallEvent.objects.create(event_id="gap", call_id="gap", kind="arrived", at=nine)
    taken = gap.pk
    gap.delete()  # its id is taken by a transaction that has not committed yet
    CallEvent.objects.create(event_id="x", call_id="x", kind="arrived", at=nine, called=SWITCHBOARD)
    assert record_calls.call_local() == 1
    CallEvent.objects.create(pk=taken, event_id="y", call_id="y", kind="arrived", at=nine, called=SWITCHBOARD)
    assert record_calls.call_local() == 2  # y, and x again
    assert record_calls.call_local() == 0  # nothing new
    scope = statistics_scope(switchboard=True)
    assert statistics_report(scope, first=TUESDAY, last=TUESDAY).total.offered == 2
