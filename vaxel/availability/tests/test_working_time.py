"""E4/E5 working-time arithmetic: weekends, holidays and DST do not count."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.availability.schedule import Schedule, add_working_time, parse_weekly, working_time_between
from vaxel.core.time import STOCKHOLM

WORK = Schedule(weekly=parse_weekly("mon-fri 08:00-17:00"))


def sthlm(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (sthlm(2026, 12, 1, 9), 4, sthlm(2026, 12, 1, 13)),  # same day
        (sthlm(2026, 12, 1, 15), 4, sthlm(2026, 12, 2, 10)),  # over the night
        (sthlm(2026, 12, 4, 15), 4, sthlm(2026, 12, 7, 10)),  # friday → monday
        (sthlm(2026, 12, 5, 12), 4, sthlm(2026, 12, 7, 12)),  # taken on a saturday
        (sthlm(2026, 4, 2, 15), 4, sthlm(2026, 4, 7, 10)),  # skärtorsdag → after annandag påsk
        (sthlm(2026, 6, 18, 16), 4, sthlm(2026, 6, 22, 11)),  # before midsommarafton → monday
        (sthlm(2026, 12, 23, 15), 4, sthlm(2026, 12, 28, 10)),  # before julafton → after christmas
        (sthlm(2026, 12, 30, 16), 2, sthlm(2027, 1, 4, 9)),  # nyårsafton and nyårsdagen closed
        (sthlm(2026, 10, 23, 16), 2, sthlm(2026, 10, 26, 9)),  # over the october DST change
        (sthlm(2026, 3, 27, 16), 2, sthlm(2026, 3, 30, 9)),  # over the march DST change
    ],
)
def test_e4_callback_due_after_working_hours(start, hours, expected):
    assert add_working_time(WORK, start, timedelta(hours=hours)) == expected


def test_e5_working_time_between_skips_weekends_and_holidays():
    assert working_time_between(WORK, sthlm(2026, 12, 4, 16), sthlm(2026, 12, 7, 9)) == timedelta(hours=2)
    assert working_time_between(WORK, sthlm(2026, 12, 23, 16), sthlm(2026, 12, 28, 8)) == timedelta(hours=1)
    assert working_time_between(WORK, sthlm(2026, 12, 5, 10), sthlm(2026, 12, 6, 10)) == timedelta()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3 * 365 * 24 * 60), st.integers(1, 40 * 60))
def test_e4_adding_then_measuring_working_time_agrees(start_minutes, duration_minutes):
    start = sthlm(2026, 1, 1) + timedelta(minutes=start_minutes)
    duration = timedelta(minutes=duration_minutes)
    due = add_working_time(WORK, start, duration)
    assert due is not None and due > start
    assert working_time_between(WORK, start, due) == duration
