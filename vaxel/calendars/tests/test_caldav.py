"""A CalDAV calendar read from a real CalDAV server (Radicale) started by the test on
127.0.0.1: its busy events divert like any other calendar's."""

import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import caldav
import pytest

from vaxel.availability.constants import AbsenceSource
from vaxel.availability.models import Absence
from vaxel.calendars.models import Calendar, CalendarKind
from vaxel.calendars.services import calendar_add, calendar_sync
from vaxel.core.time import STOCKHOLM

pytestmark = pytest.mark.processes  # a Radicale server

OUTLOOK = (Path(__file__).parent / "ics" / "outlook.ics").read_text()
AT = datetime(2026, 10, 19, 8, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def radicale(tmp_path, settings):
    settings.VAXEL_CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]  # Radicale runs on loopback
    htpasswd = tmp_path / "users"
    htpasswd.write_text("anna:app-lösen\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",  # the app password must arrive, opened from its seal, for anything to be read
            "--auth-htpasswd-filename",
            str(htpasswd),
            "--auth-htpasswd-encryption",
            "plain",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
            "--logging-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "Radicale did not start"
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_a_caldav_calendar_diverts_its_busy_events(radicale, town):
    client = caldav.DAVClient(url=radicale, username="anna", password="app-lösen", require_tls=False)
    work = client.principal().make_calendar(name="Arbete")
    by_uid: dict[str, list[str]] = {}  # one resource per event with its moved occurrences
    for event in OUTLOOK.replace("W. Europe Standard Time", "Europe/Stockholm").split("BEGIN:VEVENT")[1:]:
        body = "BEGIN:VEVENT" + event.split("END:VEVENT")[0] + "END:VEVENT\r\n"
        by_uid.setdefault(body.split("UID:")[1].split()[0], []).append(body)
    for bodies in by_uid.values():
        work.save_event(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(bodies) + "END:VCALENDAR\r\n"
        )
    calendar = calendar_add(
        person=town.anna, kind=CalendarKind.CALDAV, url=str(work.url), username="anna", password="app-lösen"
    )
    result = calendar_sync(calendar, at=AT)
    assert result["created"] == 10, result
    absences = Absence.objects.filter(person=town.anna, source=AbsenceSource.CALENDAR)
    starts = {a.starts_at.astimezone(STOCKHOLM) for a in absences}
    assert datetime(2026, 10, 27, 9, tzinfo=STOCKHOLM) in starts  # the weekly meeting, after DST
    assert datetime(2026, 11, 2, 0, tzinfo=STOCKHOLM) in starts  # the vacation
    assert Calendar.objects.get().error == ""


def test_a_caldav_server_that_refuses_keeps_the_last_good_state(radicale, town):
    calendar = calendar_add(
        person=town.anna, kind=CalendarKind.CALDAV, url=f"{radicale}nobody/missing/", username="anna"
    )
    assert "CalDAV" in calendar_sync(calendar, at=AT)["error"]
    assert not Absence.objects.exists()
