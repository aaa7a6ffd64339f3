"""Calendars synchronised into absences over real HTTP (E3, E7): busy events divert,
manual absences win, unchanged feeds cost a 304, failing feeds keep their last good
state, single events can be turned off, and the employee hears of telephone-hour
conflicts and of diversions left "until further notice"."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from vaxel.availability.constants import AbsenceSource
from vaxel.availability.models import Absence
from vaxel.availability.selectors import absences_merged
from vaxel.availability.services import absence_add, absence_clear
from vaxel.calendars import fetch
from vaxel.calendars.models import Calendar, CalendarEvent, CalendarKind
from vaxel.calendars.services import (
    calendar_add,
    calendar_event_toggle,
    calendar_sync,
    calendars_sync_due,
)
from vaxel.core.errors import InvalidInput
from vaxel.core.time import STOCKHOLM
from vaxel.messaging.models import OutboxEmail

OUTLOOK = (Path(__file__).parent / "ics" / "outlook.ics").read_bytes()
AT = datetime(2026, 10, 19, 8, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def anna_feed(town, feeds):
    feeds.files["/anna.ics"] = OUTLOOK
    return calendar_add(person=town.anna, kind=CalendarKind.FEED, url=f"{feeds.url}/anna.ics")


def stockholm(*args):
    return datetime(*args, tzinfo=STOCKHOLM)


def test_e3_busy_events_become_absences_and_free_or_tentative_ones_do_not(anna_feed):
    assert calendar_sync(anna_feed, at=AT) == {"unchanged": False, "created": 10, "changed": 0, "removed": 0}
    absences = Absence.objects.filter(person=anna_feed.person).order_by("starts_at")
    assert absences.count() == 8 and {a.source for a in absences} == {AbsenceSource.CALENDAR}
    private = absences.get(starts_at=stockholm(2026, 10, 21, 14))
    assert private.note == "" and "Läkarbesök" not in repr(list(CalendarEvent.objects.values()))
    assert absences.get(starts_at=stockholm(2026, 10, 20, 12)).reason == "lunch"


def test_e3_a_manual_absence_merges_with_the_calendar_and_what_was_said_by_hand_wins(anna_feed):
    calendar_sync(anna_feed, at=AT)
    absence_add(
        person=anna_feed.person,
        reason="sick",
        starts_at=stockholm(2026, 10, 20, 8),
        ends_at=stockholm(2026, 10, 20, 9, 30),
    )
    merged = [
        m for m in absences_merged(anna_feed.person, since=AT) if m.covers(stockholm(2026, 10, 20, 9, 15))
    ]
    assert merged[0].starts_at == stockholm(2026, 10, 20, 8) and merged[0].ends_at == stockholm(
        2026, 10, 20, 10
    )
    assert merged[0].part_at(stockholm(2026, 10, 20, 9, 15)).reason == "sick"  # not "meeting"
    assert merged[0].part_at(stockholm(2026, 10, 20, 9, 45)).reason == "meeting"


def test_an_unchanged_feed_costs_one_conditional_request_and_changes_nothing(anna_feed, feeds):
    calendar_sync(anna_feed, at=AT)
    before = list(Absence.objects.values_list("pk", flat=True))
    assert calendar_sync(anna_feed, at=AT + timedelta(minutes=2)) == {
        "unchanged": True,
        "created": 0,
        "changed": 0,
        "removed": 0,
    }
    assert feeds.requests[-1][1].startswith('"')  # it asked with If-None-Match
    assert list(Absence.objects.values_list("pk", flat=True)) == before


def test_a_changed_feed_moves_adds_and_removes_diversions(anna_feed, feeds):
    calendar_sync(anna_feed, at=AT)
    feeds.files["/anna.ics"] = OUTLOOK.replace(b"UID:lunch-1", b"UID:lunch-2").replace(
        b"20261021T150000", b"20261021T160000"
    )
    assert calendar_sync(anna_feed, at=AT + timedelta(minutes=2)) == {
        "unchanged": False,
        "created": 1,
        "changed": 1,
        "removed": 1,
    }
    assert Absence.objects.get(starts_at=stockholm(2026, 10, 21, 14)).ends_at == stockholm(2026, 10, 21, 16)


@pytest.mark.parametrize(
    ("path", "content", "error"),
    [
        ("/anna.ics", b"<html><body>Logga in</body></html>", "inte en iCalendar-fil"),
        ("/gone.ics", None, "404"),
        ("/slow.ics", OUTLOOK, "kunde inte nås"),
    ],
)
def test_a_feed_that_fails_keeps_its_last_good_state_says_why_and_is_retried(
    anna_feed, feeds, monkeypatch, path, content, error
):
    calendar_sync(anna_feed, at=AT)
    before = sorted(Absence.objects.values_list("pk", "starts_at", "ends_at"))
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    if content is not None:
        feeds.files[path] = content
    Calendar.objects.filter(pk=anna_feed.pk).update(url=f"{feeds.url}{path}", etag="")
    calendar = Calendar.objects.get(pk=anna_feed.pk)
    later = AT + timedelta(minutes=2)
    assert error in calendar_sync(calendar, at=later)["error"]
    calendar.refresh_from_db()
    assert error in calendar.error and calendar.failures == 1 and calendar.next_sync_at > later
    assert sorted(Absence.objects.values_list("pk", "starts_at", "ends_at")) == before


def test_an_event_turned_off_stops_diverting_and_stays_off(anna_feed, feeds):
    calendar_sync(anna_feed, at=AT)
    lunch = CalendarEvent.objects.get(uid="lunch-1")
    calendar_event_toggle(event=lunch, diverts=False)
    assert not Absence.objects.filter(starts_at=stockholm(2026, 10, 20, 12)).exists()
    feeds.files["/anna.ics"] = OUTLOOK + b"\n"  # another version of the feed
    calendar_sync(anna_feed, at=AT + timedelta(minutes=2))
    assert not Absence.objects.filter(starts_at=stockholm(2026, 10, 20, 12)).exists()
    calendar_event_toggle(event=CalendarEvent.objects.get(uid="lunch-1"), diverts=True)
    assert Absence.objects.filter(starts_at=stockholm(2026, 10, 20, 12)).exists()


def test_i_am_back_during_a_calendar_meeting_stands_after_the_next_sync(anna_feed, feeds):
    calendar_sync(anna_feed, at=AT)
    back = stockholm(2026, 10, 20, 9, 20)
    absence_clear(person=anna_feed.person, at=back)
    feeds.files["/anna.ics"] = OUTLOOK + b"\n"
    calendar_sync(anna_feed, at=back + timedelta(minutes=2))
    assert Absence.objects.get(starts_at=stockholm(2026, 10, 20, 9)).ends_at == back


def test_e7_a_meeting_in_telephone_hours_is_told_to_the_employee_once(anna_feed, feeds):
    calendar_sync(anna_feed, at=AT)  # Bygglov answers mon-fri 08:30-10:00; the meeting is 09-10
    [email] = OutboxEmail.objects.all()
    assert email.recipients == [anna_feed.person.email] and "i telefontiden (E7)" in email.subject
    assert "Ledningsgrupp" in email.text and "mon-fri 08:30-10:00" in email.text
    feeds.files["/anna.ics"] = OUTLOOK + b"\n"
    calendar_sync(anna_feed, at=AT + timedelta(minutes=2))
    assert OutboxEmail.objects.count() == 1


def test_a_bad_upload_is_refused_and_nothing_is_written(town):
    with pytest.raises(InvalidInput):
        calendar_add(person=town.anna, kind=CalendarKind.UPLOAD, uploaded=b"inte en kalender")
    with pytest.raises(InvalidInput):
        calendar_add(person=town.anna, kind=CalendarKind.FEED, url="ftp://example.se/k.ics")
    with pytest.raises(InvalidInput):
        calendar_add(person=town.anna, kind=CalendarKind.CALDAV, url="http://caldav.example.se/anna/")
    assert not Calendar.objects.exists()


def one_event(times: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:m1\r\nSUMMARY:Möte\r\n"
        f"{times}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("times", "said"),
    [
        ("DTSTART:20270110T100000Z\r\nDURATION:P99999999D\r\n", "varar längre"),
        ("DTSTART:20270110T100000Z\r\nDTEND:20270110T090000Z\r\n", "slutar"),
    ],
    ids=["endless-duration", "ends-before-it-starts"],
)
def test_e3_an_event_whose_end_cannot_be_is_refused_never_swapped_and_no_calendar_is_left(town, times, said):
    with pytest.raises(InvalidInput) as refused:
        calendar_add(person=town.anna, kind=CalendarKind.UPLOAD, uploaded=one_event(times))
    assert said in refused.value.message and "m1" in refused.value.message
    assert not Calendar.objects.exists() and not Absence.objects.exists()


def test_an_uploaded_ics_file_diverts_like_a_feed(town):
    calendar = calendar_add(person=town.anna, kind=CalendarKind.UPLOAD, uploaded=OUTLOOK)
    calendar_sync(calendar, at=AT)
    assert Absence.objects.filter(source=AbsenceSource.CALENDAR).count() == 8


def test_only_due_calendars_are_synchronised(anna_feed, feeds):
    Calendar.objects.update(next_sync_at=AT)
    assert calendars_sync_due(at=AT) == 1
    assert calendars_sync_due(at=AT + timedelta(seconds=30)) == 0  # not due again yet
    assert calendars_sync_due(at=AT + timedelta(minutes=2)) == 1
