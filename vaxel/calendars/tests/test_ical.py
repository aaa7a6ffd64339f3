"""Reading iCalendar files (RFC 5545) into busy times, with no database: recurring
events with a moved and a cancelled occurrence, Outlook's Windows time-zone names,
all-day, private, free and tentative events, and a daylight-saving change."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from vaxel.calendars.ical import occurrences, parse_reason_words, reason_for
from vaxel.core.errors import InvalidInput
from vaxel.core.time import STOCKHOLM

OUTLOOK = (Path(__file__).parent / "ics" / "outlook.ics").read_bytes()
AT = datetime(2026, 10, 19, 8, 0, tzinfo=STOCKHOLM)  # a Monday, the week DST ends
WINDOW = {"start": AT - timedelta(days=1), "end": AT + timedelta(days=60)}


def local(o):
    return (o.starts_at.astimezone(STOCKHOLM), o.ends_at.astimezone(STOCKHOLM))


def by_uid(uid):
    return [o for o in occurrences(OUTLOOK, **WINDOW) if o.uid == uid]


def test_e3_a_weekly_meeting_keeps_its_local_time_across_dst_with_one_moved_and_one_cancelled():
    starts = [local(o)[0] for o in by_uid("weekly-ledningsgrupp")]
    assert starts == [
        datetime(2026, 10, 20, 9, tzinfo=STOCKHOLM),
        datetime(2026, 10, 27, 9, tzinfo=STOCKHOLM),  # after the change to winter time: still 09:00
        datetime(2026, 11, 4, 10, tzinfo=STOCKHOLM),  # moved from Tuesday the 3rd
        datetime(2026, 11, 17, 9, tzinfo=STOCKHOLM),  # the 10th was cancelled
    ]
    assert starts[1].utcoffset() == timedelta(hours=1) and starts[0].utcoffset() == timedelta(hours=2)
    assert all(o.reason == "meeting" and o.busy for o in by_uid("weekly-ledningsgrupp"))


def test_an_all_day_vacation_covers_whole_local_days():
    [vacation] = by_uid("semester-1")
    assert local(vacation) == (
        datetime(2026, 11, 2, tzinfo=STOCKHOLM),
        datetime(2026, 11, 4, tzinfo=STOCKHOLM),
    )
    assert vacation.all_day and vacation.reason == "vacation"


def test_a_private_event_is_busy_but_its_title_is_never_kept():
    [private] = by_uid("private-1")
    assert private.busy and private.private and private.title == "" and private.reason == "meeting"


def test_free_and_tentative_events_do_not_divert():
    assert [o.busy for o in by_uid("free-1")] == [False]
    assert [o.busy for o in by_uid("tentative-1")] == [False]


def test_words_in_the_title_give_the_reason():
    assert by_uid("lunch-1")[0].reason == "lunch"
    assert by_uid("night-dst")[0].reason == "training"
    assert reason_for(["Hembesök Storgatan 1"], {"hembesok": "home_visit"}) == "home_visit"
    assert reason_for(["Kundbesök"], parse_reason_words("Kundbesök=home_visit")) == "home_visit"


def test_an_event_in_the_night_the_clocks_go_back_lasts_its_real_three_hours():
    [night] = by_uid("night-dst")
    assert night.ends_at - night.starts_at == timedelta(hours=3)  # 01:30 CEST to 03:30 CET


@pytest.mark.parametrize(
    ("data", "error_id"),
    [
        (b"<!doctype html><html><body>Logga in</body></html>", "not_icalendar"),
        (b"", "not_icalendar"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "invalid_icalendar",
        ),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (6 * 1024 * 1024), "calendar_too_large"),
    ],
)
def test_what_is_not_a_usable_calendar_is_refused_with_a_reason(data, error_id):
    with pytest.raises(InvalidInput) as refused:
        occurrences(data, **WINDOW)
    assert refused.value.error_id == error_id and refused.value.message


def test_bad_reason_words_are_refused():
    with pytest.raises(InvalidInput):
        parse_reason_words("Kundbesök=fika")
