from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.availability import holidays
from vaxel.availability.schedule import (
    Schedule,
    format_weekly,
    hours_on,
    is_open,
    next_opening,
    parse_hours,
    parse_weekly,
)
from vaxel.core.errors import InvalidInput
from vaxel.core.time import STOCKHOLM

SWITCHBOARD = Schedule(
    weekly=parse_weekly("mon-thu 08:00-16:30, fri 08:00-15:00"), eve_hours=parse_hours("08:00-12:00")
)


def stockholm(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def test_s4_weekly_text_parses_ranges_lists_and_swedish_day_names():
    weekly = parse_weekly("mån-tor 08:00-16:30, fre 08:00-15:00, sat/sun 10:00-11:00 12:00-13:00")
    assert weekly[0] == ((time(8), time(16, 30)),)
    assert weekly[4] == ((time(8), time(15)),)
    assert weekly[6] == ((time(10), time(11)), (time(12), time(13)))
    assert (
        format_weekly(parse_weekly("mon-thu 08:00-16:30, fri 08:00-15:00"))
        == "mon-thu 08:00-16:30, fri 08:00-15:00"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mon",
        "funday 08:00-10:00",
        "fri-mon 08:00-10:00",
        "mon 10:00-08:00",
        "mon 25:00-26:00",
        "mon 08:00-10:00 09:00-11:00",
    ],
)
def test_s4_bad_weekly_text_is_refused_with_an_example(text):
    with pytest.raises(InvalidInput) as error:
        parse_weekly(text)
    assert (
        "08:00" in error.value.message
        or "HH:MM" in error.value.message
        or "TT:MM" in error.value.message
        or "överlappande" in error.value.message
    )


def test_s4_library_sundays_are_not_holidays_and_eves_are_kept_closed():
    assert not holidays.is_public_holiday(date(2026, 11, 29))  # an ordinary Sunday
    assert holidays.is_public_holiday(date(2026, 4, 6))  # annandag påsk
    assert holidays.is_de_facto_eve(date(2026, 12, 24)) and holidays.is_de_facto_eve(date(2026, 6, 19))
    assert hours_on(SWITCHBOARD, date(2026, 12, 24)) == ()
    assert hours_on(SWITCHBOARD, date(2026, 12, 31)) == ()
    assert hours_on(SWITCHBOARD, date(2026, 6, 19)) == ()


def test_s4_day_before_a_holiday_has_the_eve_hours():
    assert hours_on(SWITCHBOARD, date(2026, 4, 2)) == ((time(8), time(12)),)  # skärtorsdag
    assert hours_on(SWITCHBOARD, date(2026, 1, 5)) == ((time(8), time(12)),)  # trettondagsafton
    assert hours_on(SWITCHBOARD, date(2026, 6, 18)) == ((time(8), time(12)),)  # day before midsommarafton
    assert hours_on(SWITCHBOARD, date(2026, 12, 1)) == ((time(8), time(16, 30)),)


def test_s4_a_dated_exception_wins_over_holidays_and_weekly_hours():
    schedule = Schedule(
        weekly=SWITCHBOARD.weekly,
        exceptions={date(2026, 12, 2): (), date(2026, 12, 24): ((time(9), time(11)),)},
    )
    assert not is_open(schedule, stockholm(2026, 12, 2, 10))
    assert is_open(schedule, stockholm(2026, 12, 24, 10))


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Friday evening → Monday morning (the example)
        (stockholm(2026, 12, 4, 18), stockholm(2026, 12, 7, 8)),
        # in the middle of the eve hours' afternoon before julafton → after the whole Christmas run
        (stockholm(2026, 12, 23, 13), stockholm(2026, 12, 28, 8)),
        # nyårsafton and nyårsdagen closed, then a weekend
        (stockholm(2026, 12, 30, 12, 30), stockholm(2027, 1, 4, 8)),
        # påsk: skärtorsdag afternoon → tuesday after annandag påsk
        (stockholm(2026, 4, 2, 12), stockholm(2026, 4, 7, 8)),
        # midsommar: thursday afternoon → monday
        (stockholm(2026, 6, 18, 12, 1), stockholm(2026, 6, 22, 8)),
        # before opening the same day
        (stockholm(2026, 12, 1, 6, 30), stockholm(2026, 12, 1, 8)),
    ],
)
def test_s4_next_opening_across_weekends_and_holiday_runs(at, expected):
    assert next_opening(SWITCHBOARD, at) == expected


def test_s4_next_opening_across_the_october_dst_change():
    friday = stockholm(2026, 10, 23, 16)
    opening = next_opening(SWITCHBOARD, friday)
    assert opening.astimezone(UTC) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert opening.astimezone(STOCKHOLM).utcoffset() == timedelta(hours=1)


def test_s4_next_opening_across_the_march_dst_change():
    friday = stockholm(2026, 3, 27, 18)
    opening = next_opening(SWITCHBOARD, friday)
    assert opening.astimezone(UTC) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST


def test_s4_open_hours_on_the_dst_sunday_are_measured_in_real_time():
    # Open 01:00-05:00 local on the October change day: five real hours, not four.
    day = date(2026, 10, 25)
    schedule = Schedule(exceptions={day: ((time(1), time(5)),)})
    assert is_open(schedule, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 02:30 CEST
    assert is_open(schedule, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 CET, the repeated hour
    assert not is_open(schedule, datetime(2026, 10, 25, 4, 0, tzinfo=UTC))  # 05:00 CET


def test_s4_a_switchboard_open_until_24_00_is_open_in_the_days_last_minute_and_says_24_00():
    around_the_clock = Schedule(weekly=parse_weekly("mon-sun 00:00-24:00"))
    assert format_weekly(around_the_clock.weekly).startswith("mon-sun 00:00-24:00")
    thursday_night = stockholm(2026, 12, 3, 23, 59, 30)
    assert is_open(around_the_clock, thursday_night)
    assert is_open(around_the_clock, thursday_night + timedelta(seconds=40))  # Friday 00:00:10
    evenings = Schedule(weekly=parse_weekly("fri 18:00-24:00"))
    assert is_open(evenings, stockholm(2026, 12, 4, 23, 59, 59))
    assert not is_open(evenings, stockholm(2026, 12, 5, 0, 0, 1))
    with pytest.raises(InvalidInput):
        parse_hours("24:00-08:00")


def test_s4_a_schedule_that_never_opens_has_no_next_opening():
    assert next_opening(Schedule(), stockholm(2026, 12, 1, 12)) is None


# hypothesis takes naive bounds and attaches the time zone itself
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(instants)
def test_s4_next_opening_is_in_the_future_open_and_never_on_a_holiday(at):
    opening = next_opening(SWITCHBOARD, at)
    assert opening is not None and opening > at
    assert is_open(SWITCHBOARD, opening)
    assert not is_open(SWITCHBOARD, opening - timedelta(seconds=1))
    local_day = opening.astimezone(STOCKHOLM).date()
    assert not holidays.is_closed_day(local_day)
    assert local_day.weekday() < 5
