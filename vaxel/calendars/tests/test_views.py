"""Min kalender: connecting a calendar, what it diverts, E7 warnings, turning one event off."""

from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from vaxel.availability.models import Absence
from vaxel.calendars.models import Calendar, CalendarEvent
from vaxel.testing import PASSWORD

OUTLOOK = (Path(__file__).parent / "ics" / "outlook.ics").read_bytes()


def eight_today() -> datetime:
    """08:00 Stockholm time today, in UTC: the week of daily events that starts then
    covers the unit's telephone hours on its weekdays, in summer and in winter."""
    from vaxel.core.time import at_local, local_date, now

    return at_local(local_date(now()), time(8, 0))


def signed_in(client, logins, role="manager"):
    client.login(username=logins[role].username, password=PASSWORD)
    return client


def test_an_employee_uploads_an_ics_file_and_sees_what_it_does(client, logins, town, feeds):
    feeds.files["/k.ics"] = OUTLOOK.replace(b"20261", b"20271").replace(b"20270", b"20271")
    page = signed_in(client, logins).post(
        "/min-sida/kalender/", {"action": "add", "kind": "feed", "url": f"{feeds.url}/k.ics"}, follow=True
    )
    assert "Kalendern är ansluten och läst." in page.content.decode()
    assert Calendar.objects.get().person == town.anna


def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_written(client, logins):
    upload = SimpleUploadedFile("k.ics", b"<html>Inloggning</html>", content_type="text/calendar")
    page = signed_in(client, logins).post(
        "/min-sida/kalender/", {"action": "add", "kind": "upload", "file": upload}
    )
    assert page.status_code == 400 and "inte en iCalendar-fil" in page.content.decode()
    assert not Calendar.objects.exists()


def test_coming_events_show_e7_warnings_and_one_can_be_turned_off(client, logins, town):
    from vaxel.calendars.services import calendar_add, calendar_sync

    start = eight_today()
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:e7\r\nDTSTART:{s}\r\nDTEND:{e}\r\nSUMMARY:Planering\r\nRRULE:FREQ=DAILY;COUNT=7\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).format(s=start.strftime("%Y%m%dT%H%M%SZ"), e=(start + timedelta(hours=4)).strftime("%Y%m%dT%H%M%SZ"))
    calendar_sync(calendar_add(person=town.anna, kind="upload", uploaded=ics.encode()))
    page = signed_in(client, logins).get("/min-sida/kalender/").content.decode()
    assert "Planering" in page and "Varning (E7)" in page  # a weekday 08-12 covers 08:30-10:00
    event = CalendarEvent.objects.filter(absence__isnull=False).first()
    client.post("/min-sida/kalender/", {"action": "toggle", "event": event.pk, "diverts": "no"})
    assert not Absence.objects.filter(pk=event.absence_id).exists()


def test_someone_elses_calendar_cannot_be_touched(client, logins, town):
    from vaxel.calendars.services import calendar_add

    calendar = calendar_add(person=town.bjorn, kind="upload", uploaded=OUTLOOK)
    page = signed_in(client, logins).post(
        "/min-sida/kalender/", {"action": "remove", "calendar": calendar.pk}
    )
    assert page.status_code == 400 and Calendar.objects.filter(pk=calendar.pk).exists()


def test_e7_the_manager_sees_the_units_calendar_events_in_telephone_hours(client, logins, town):
    from vaxel.calendars.services import calendar_add, calendar_sync

    start = eight_today()
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:m\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{start + timedelta(hours=4):%Y%m%dT%H%M%SZ}\r\n"
        "SUMMARY:Arbetsplatsträff\r\nCLASS:PRIVATE\r\nRRULE:FREQ=DAILY;COUNT=7\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar_sync(calendar_add(person=town.bjorn, kind="upload", uploaded=ics.encode()))
    page = signed_in(client, logins).get(f"/min-sida/enheter/{town.unit.pk}/").content.decode()
    assert "Kalenderhändelser i telefontiden (E7)" in page and "Björn Åberg" in page
    assert "(privat)" in page and "Arbetsplatsträff" not in page
