"""`vaxel unit|absence|opening-hours|next-opening`: absences (E3, E7) and opening hours (S4)."""

import argparse
import sys

from django.utils.translation import gettext as _

from vaxel.availability import services
from vaxel.availability.schedule import format_hours, format_weekly
from vaxel.availability.selectors import (
    absence_overview,
    next_opening_overview,
    opening_hours_get,
    telephone_hours_text,
)
from vaxel.core.cli import Verbs, at_of, print_json
from vaxel.core.time import iso, now, parse_day, parse_instant
from vaxel.directory.selectors import person_get, unit_get
from vaxel.directory.services import parse_keywords, transfer_ring_set


def register(verbs: Verbs) -> None:
    unit = verbs.group("unit", help="units (förvaltningar, enheter)")
    p = unit.verb("add", unit_add, help="add a unit, with its telephone hours")
    p.add_argument("name")
    p.add_argument("--parent", help="the unit above this one")
    p.add_argument("--keywords", help='services it handles, comma separated: "bygglov,detaljplan"')
    p.add_argument("--telephone-hours", help='weekly telephone hours, e.g. "mon-fri 08:30-10:00"')
    p = unit.verb("ring", unit_ring, help="how long a call put through rings before it comes back (a recall)")
    p.add_argument("unit")
    p.add_argument("--seconds", type=int, help="5–120; leave out for the default")

    absence = verbs.group("absence", help="absences (diversions)")
    p = absence.verb("add", absence_add, help="add an absence; touching ones merge (E3)")
    p.add_argument("email")
    p.add_argument("--reason", required=True, help="meeting, lunch, … or möte, lunch, …")
    p.add_argument("--from", dest="starts", required=True, help="ISO 8601; without offset: Stockholm time")
    p.add_argument("--until", help="ISO 8601; leave out for until further notice")
    p.add_argument("--note", default="")
    p.add_argument("--divert-to", default="switchboard", help="switchboard | voicemail | colleague:EMAIL")
    p = absence.verb("list", absence_list, help="current and coming absences, merged (E3)")
    p.add_argument("email")
    p.add_argument("--at", help="list from this time (default: now)")
    p.add_argument("--json", action="store_true")
    p = absence.verb("clear", absence_clear, help="end the current absence now")
    p.add_argument("email")
    p.add_argument("--upcoming", action="store_true", help="also remove planned absences")

    hours = verbs.group("opening-hours", help="the switchboard's opening hours (S4)")
    p = hours.verb("set", opening_hours_set, help="set weekly hours and/or hours on days before holidays")
    p.add_argument("--weekly", help='e.g. "mon-thu 08:00-16:30, fri 08:00-15:00"')
    p.add_argument("--eve-hours", help='e.g. "08:00-12:00"; "" removes them')
    hours.verb("show", opening_hours_show, help="show the opening hours")
    exceptions = hours.group("exception", help="dated exceptions")
    p = exceptions.verb("add", exception_add, help="close a day, or open it only some hours")
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("--closed", action="store_true")
    p.add_argument("--hours", help="HH:MM-HH:MM")
    p.add_argument("--unit", help="an exception to this unit's telephone hours instead")

    p = verbs.verb("next-opening", next_opening, help="when the switchboard opens next (S4)")
    p.add_argument("--at", help="ISO 8601 (default: now)")
    p.add_argument("--json", action="store_true")


def unit_ring(args: argparse.Namespace) -> int:
    name = transfer_ring_set(seconds=args.seconds, unit=args.unit)
    print(f"{name}: {args.seconds or _('the default')}")
    return 0


def unit_add(args: argparse.Namespace) -> int:
    unit = services.unit_open(
        name=args.name,
        parent=args.parent,
        keywords=parse_keywords(args.keywords),
        telephone_hours=args.telephone_hours,
    )
    print(unit.name)
    return 0


def absence_add(args: argparse.Namespace) -> int:
    person = person_get(args.email)
    target, colleague = services.parse_divert_to(args.divert_to)
    added = services.absence_add(
        person=person,
        reason=args.reason,
        starts_at=parse_instant(args.starts, field="--from"),
        ends_at=parse_instant(args.until, field="--until") if args.until else None,
        note=args.note,
        divert_to=target,
        colleague=colleague,
    )
    absence = added.absence
    assert absence is not None  # confirmed: the command line warns, and writes
    print(f"{person.email} {absence.reason} {iso(absence.starts_at)} → {iso(absence.ends_at) or '…'}")
    if added.conflicts:
        print(telephone_hours_text(person, added.conflicts), file=sys.stderr)
    return 0


def absence_list(args: argparse.Namespace) -> int:
    overview = absence_overview(person=person_get(args.email), at=at_of(args))
    if args.json:
        print_json(overview)
    else:
        for item in overview["absences"]:
            reasons = "+".join(item["reasons"])
            print(f"{item['starts_at']} → {item['ends_at'] or '…'}  {reasons}")
    return 0


def absence_clear(args: argparse.Namespace) -> int:
    print(services.absence_clear(person=person_get(args.email), at=now(), upcoming=args.upcoming))
    return 0


def opening_hours_set(args: argparse.Namespace) -> int:
    services.opening_hours_set(weekly=args.weekly, eve_hours=args.eve_hours)
    return opening_hours_show(args)


def opening_hours_show(args: argparse.Namespace) -> int:
    schedule = opening_hours_get()
    print(format_weekly(schedule.weekly) or "-")
    if schedule.eve_hours:
        print(f"eve: {format_hours(schedule.eve_hours)}")
    return 0


def exception_add(args: argparse.Namespace) -> int:
    unit = unit_get(args.unit) if args.unit else None
    exception = services.schedule_exception_add(
        day=parse_day(args.date), closed=args.closed, hours=args.hours, unit=unit
    )
    print(exception)
    return 0


def next_opening(args: argparse.Namespace) -> int:
    overview = next_opening_overview(at=at_of(args))
    if args.json:
        print_json(overview)
    else:
        print(
            overview["announcement"] if not overview["open_now"] else f"open, closes {overview['closes_at']}"
        )
    return 0
