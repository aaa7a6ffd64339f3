"""`vaxel calendar`: employees' calendars, whose busy events become absences (E3)."""

import argparse
import csv
import os
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from vaxel.calendars.models import CalendarKind
from vaxel.calendars.selectors import calendars_all
from vaxel.calendars.services import calendar_connect, calendars_sync_all, calendars_sync_due
from vaxel.core.cli import Verbs
from vaxel.core.errors import VaxelError
from vaxel.core.time import iso
from vaxel.telephony.errors import FileNotFound, InvalidCsv


def register(verbs: Verbs) -> None:
    calendar = verbs.group("calendar", help="employees' calendars: busy events become absences")
    p = calendar.verb("add", add, help="connect a calendar to a person")
    p.add_argument("email")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="an iCalendar feed (https:// or webcal://)")
    where.add_argument("--caldav", help="a CalDAV calendar's address")
    where.add_argument("--file", help="an .ics file")
    p.add_argument("--username", default="")
    p.add_argument("--password", default=os.environ.get("VAXEL_CALDAV_PASSWORD", ""))
    p = calendar.verb("import", import_feeds, help="connect many feeds: a CSV file with email,url per line")
    p.add_argument("csv")
    calendar.verb("list", listed, help="calendars and how their last reading went")
    p = calendar.verb("sync", sync, help="read calendars now (default: those that are due)")
    p.add_argument("--all", action="store_true", help="every calendar, due or not")


def _connect(email: str, **where) -> None:
    _calendar, result = calendar_connect(email=email, **where)
    print(f"{email}: {result.get('error') or 'connected and read'}")


def add(args: argparse.Namespace) -> int:
    if args.file:
        try:
            uploaded = Path(args.file).read_bytes()
        except OSError:
            raise FileNotFound(
                _("There is no file %(path)s to read; check the name.") % {"path": args.file[:200]},
            ) from None
        _connect(args.email, kind=CalendarKind.UPLOAD, uploaded=uploaded)
    elif args.caldav:
        _connect(
            args.email,
            kind=CalendarKind.CALDAV,
            url=args.caldav,
            username=args.username,
            password=args.password,
        )
    else:
        _connect(args.email, kind=CalendarKind.FEED, url=args.url)
    return 0


def import_feeds(args: argparse.Namespace) -> int:
    """An administrator connects many people at once; each line stands alone."""
    failed = 0
    with open(args.csv, newline="", encoding="utf-8-sig") as rows:
        for number, row in enumerate(csv.reader(rows), 1):
            if not row or row[0].strip().lower() in ("", "email", "e-post"):
                continue
            try:
                if len(row) < 2:
                    raise InvalidCsv(_("Line %(line)d: write email,url.") % {"line": number})
                _connect(row[0].strip(), kind=CalendarKind.FEED, url=row[1].strip())
            except VaxelError as error:
                failed += 1
                print(f"vaxel: line {number} ({row[0].strip()}): {error.message}", file=sys.stderr)
    return 1 if failed else 0


def listed(args: argparse.Namespace) -> int:
    for calendar in calendars_all():
        state = f"error: {calendar.error}" if calendar.error else f"read {iso(calendar.ok_at) or 'not yet'}"
        print(f"{calendar.pk}  {calendar.person.email}  {calendar.kind}  {calendar.url or '(file)'}  {state}")
    return 0


def sync(args: argparse.Namespace) -> int:
    count = calendars_sync_all() if args.all else calendars_sync_due()
    print(f"{count} calendars read")
    return 0
