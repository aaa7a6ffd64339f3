"""Calendar addresses and files are hostile input (security): no address inside the
network is read, a feed cannot exhaust the server, and one bad feed stops no other."""

import pytest

from vaxel.availability.models import Absence
from vaxel.calendars.models import Calendar, CalendarKind
from vaxel.calendars.services import calendar_add, calendar_sync, calendars_sync_due
from vaxel.core.errors import InvalidInput
from vaxel.testing import PASSWORD

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:Möte\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def ics(*, extra: str = "", uid: str = "u") -> bytes:
    """One event tomorrow at 08:00–09:00 (UTC), within the window a sync reads."""
    from datetime import timedelta

    from vaxel.core.time import now

    tomorrow = (now() + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    start, end = tomorrow, tomorrow + timedelta(hours=1)
    return ICS.format(
        uid=uid, start=f"{start:%Y%m%dT%H%M%SZ}", end=f"{end:%Y%m%dT%H%M%SZ}", extra=extra
    ).encode()


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "0x7f000001", "2130706433", "localhost", "[::ffff:127.0.0.1]", "127.1"],
)
def test_security_a_calendar_address_inside_the_network_is_refused(town, feeds, settings, host):
    settings.VAXEL_CALENDAR_ALLOWED_HOSTS = []  # the feed server is loopback, which is not allowed
    feeds.files["/k.ics"] = ics()
    port = feeds.url.rsplit(":", 1)[1]
    with pytest.raises(InvalidInput) as refused:
        calendar_add(person=town.anna, kind=CalendarKind.FEED, url=f"http://{host}:{port}/k.ics")
    assert refused.value.error_id == "address_not_allowed"
    assert "publika internet" in refused.value.message
    assert not Calendar.objects.exists() and feeds.requests == []


def test_security_the_refusal_does_not_tell_an_open_port_from_a_closed_one(town, feeds, settings):
    settings.VAXEL_CALENDAR_ALLOWED_HOSTS = []
    answers = set()
    for port in (feeds.url.rsplit(":", 1)[1], "1"):
        with pytest.raises(InvalidInput) as refused:
            calendar_add(person=town.anna, kind=CalendarKind.FEED, url=f"http://127.0.0.1:{port}/")
        answers.add(refused.value.message)
    assert len(answers) == 1


def test_security_a_redirect_into_the_network_is_refused_at_every_hop(town, feeds):
    """127.0.0.1 is allowed (an administrator's choice); `localhost` is not, even behind a redirect."""
    port = feeds.url.rsplit(":", 1)[1]
    feeds.files["/inside.ics"] = ics()
    feeds.redirects["/outside.ics"] = f"http://localhost:{port}/inside.ics"
    calendar = calendar_add(person=town.anna, kind=CalendarKind.FEED, url=f"{feeds.url}/outside.ics")
    assert "publika internet" in calendar_sync(calendar)["error"]
    assert [path for path, _etag in feeds.requests] == ["/outside.ics"]
    assert not Absence.objects.exists()


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY"])
def test_security_a_feed_that_repeats_every_second_is_refused_not_expanded(town, client, logins, frequency):
    """149 bytes that once took the server to 10 GB: the page answers at once, the
    worker stops at the cap, and nothing is written but the calendar's error."""
    client.login(username=logins["manager"].username, password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "k.ics", ics(extra=f"RRULE:FREQ={frequency}\r\n"), content_type="text/calendar"
    )
    page = client.post(
        "/min-sida/kalender/", {"action": "add", "kind": "upload", "file": upload}, follow=True
    )
    assert page.status_code == 200
    assert "fler än 2000 händelser" in page.content.decode()
    assert not Absence.objects.exists()
    assert "fler än 2000" in Calendar.objects.get().error


def test_security_an_address_with_a_space_is_read_and_hurts_nobody(town, feeds, client, logins):
    client.login(username=logins["manager"].username, password=PASSWORD)
    feeds.files["/a%20b.ics"] = ics()
    page = client.post(
        "/min-sida/kalender/", {"action": "add", "kind": "feed", "url": f"{feeds.url}/a b.ics"}
    )
    assert page.status_code == 302
    assert Calendar.objects.get().url.endswith("/a%20b.ics")
    assert Absence.objects.filter(person=town.anna).count() == 1


def test_security_one_failing_calendar_stops_no_other(town, feeds, monkeypatch):
    from vaxel.calendars import services

    feeds.files["/ok.ics"] = ics()
    feeds.files["/bad.ics"] = ics(uid="bad")
    bad = calendar_add(person=town.bjorn, kind=CalendarKind.FEED, url=f"{feeds.url}/bad.ics")
    good = calendar_add(person=town.anna, kind=CalendarKind.FEED, url=f"{feeds.url}/ok.ics")
    real_read = services._read

    def read(calendar, start, end):
        if calendar.pk == bad.pk:
            raise RuntimeError("something nobody foresaw")
        return real_read(calendar, start, end)

    monkeypatch.setattr(services, "_read", read)
    for _run in range(2):  # and again on the next run: the bad one backs off, the good one stays read
        calendars_sync_due(at=good.next_sync_at)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.ok_at is not None and good.error == ""
    assert bad.error and bad.failures == 1 and bad.ok_at is None
    assert Absence.objects.filter(person=town.anna).count() == 1


def test_security_a_caldav_password_is_sealed_at_rest(town, settings):
    from vaxel.core.sealed import unseal

    settings.VAXEL_CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    calendar = calendar_add(
        person=town.anna,
        kind=CalendarKind.CALDAV,
        url="http://127.0.0.1:9/dav/",
        username="anna",
        password="app-lösen-123",
    )
    stored = Calendar.objects.filter(pk=calendar.pk).values_list("password", flat=True).get()
    assert "app-lösen-123" not in stored and stored.startswith("fernet:")
    assert unseal(stored) == "app-lösen-123"
    settings.VAXEL_DATA_KEY = "a" * 43 + "="  # another key: the stored password is opened by none
    assert unseal(stored) == ""
