"""Calendar sync at municipal scale: 1,000 iCalendar feeds with 50 events each, served
over HTTP on 127.0.0.1 (with ETags), read into absences; then one incremental re-sync
where nothing changed (every feed answers 304). Target: the re-sync under 10 s.

    .venv/bin/python bench/calendar.py [--feeds 1000] [--events 50]

It uses a fresh SQLite database in a temporary folder.
"""

import os
import sys

# This file's name hides the standard library's calendar module when run as a script.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import hashlib
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["VAXEL_DATA_DIR"] = tempfile.mkdtemp(prefix="vaxel-bench-calendar-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")
os.environ.setdefault("VAXEL_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command

from vaxel.availability.models import Absence
from vaxel.calendars.models import Calendar, CalendarKind
from vaxel.calendars.services import calendars_sync_due
from vaxel.core.time import now
from vaxel.directory.models import Organisation, Person, Unit


def feed(person: int, events: int, start) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for i in range(events):
        begins = start + timedelta(days=i, hours=(person + i) % 8)
        lines += [
            "BEGIN:VEVENT",
            f"UID:p{person}-e{i}",
            f"DTSTART:{begins:%Y%m%dT%H%M%SZ}",
            f"DTEND:{begins + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{'Lunch' if i % 5 == 0 else 'Möte'} {i}",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def serve(files: dict[str, bytes]) -> ThreadingHTTPServer:
    etags = {path: '"' + hashlib.sha1(body).hexdigest() + '"' for path, body in files.items()}  # noqa: S324

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.headers.get("If-None-Match") == etags[self.path]:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("ETag", etags[self.path])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--events", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    Organisation.objects.create(name="Benchby kommun", switchboard_number="+46370331000")
    unit = Unit.objects.create(name="Förvaltningen")
    people = Person.objects.bulk_create(
        Person(name=f"Person {i}", email=f"p{i}@bench.example", unit=unit) for i in range(args.feeds)
    )
    start = now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    files = {f"/p{i}.ics": feed(i, args.events, start) for i in range(args.feeds)}
    server = serve(files)
    base = f"http://127.0.0.1:{server.server_port}"
    Calendar.objects.bulk_create(
        Calendar(person=p, kind=CalendarKind.FEED, url=f"{base}/p{i}.ics", next_sync_at=now())
        for i, p in enumerate(people)
    )
    print(f"{args.feeds} feeds × {args.events} events, served on 127.0.0.1, SQLite")

    began = time.perf_counter()
    read = calendars_sync_due(at=now())
    first = time.perf_counter() - began
    print(f"  first sync: {read} feeds, {Absence.objects.count()} absences made in {first:.1f} s")

    later = now() + timedelta(minutes=3)
    began = time.perf_counter()
    read = calendars_sync_due(at=later)
    again = time.perf_counter() - began
    errors = Calendar.objects.exclude(error="").count()
    print(f"  incremental re-sync, nothing changed: {read} feeds in {again:.2f} s (target < 10 s)")
    print(f"  calendars with errors: {errors}")
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
