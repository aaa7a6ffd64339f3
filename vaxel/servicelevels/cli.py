"""`vaxel report service-level`, `vaxel call-events recount`: statistics against the
service level (C2)."""

import argparse
import sys

from django.utils.translation import gettext as _

from vaxel.core.cli import Verbs, print_json
from vaxel.core.time import parse_day
from vaxel.servicelevels.exports import report_csv, report_data
from vaxel.servicelevels.selectors import statistics_report, statistics_scope
from vaxel.servicelevels.services import call_records_recount


def register(verbs: Verbs) -> None:
    events = verbs.group("call-events", help="what the telephone system reports about calls")
    p = events.verb(
        "recount", recount, help="count calls again for the statistics (after directory or hours corrections)"
    )
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")

    report = verbs.group("report", help="reports on the telephone routine")
    p = report.verb(
        "service-level",
        service_level,
        help="call statistics against the service level (C2): a unit, a number, or all",
    )
    whose = p.add_mutually_exclusive_group()
    whose.add_argument("--unit", help="a unit (with the units below it); default: the whole organisation")
    whose.add_argument("--number", help="a shared number, e.g. +46370331100")
    whose.add_argument("--switchboard", action="store_true", help="calls to the switchboard number")
    p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    p.add_argument(
        "--by", choices=["day", "week", "month"], default="week", help="one row per (default: week)"
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")


def recount(args: argparse.Namespace) -> int:
    calls = call_records_recount(
        first=parse_day(args.start, field="--from") if args.start else None,
        last=parse_day(args.end, field="--to") if args.end else None,
    )
    print(f"{calls} calls counted again")
    return 0


def _shown(value, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def _met(value: bool | None) -> str:
    return "–" if value is None else _("met") if value else _("MISSED")


def service_level(args: argparse.Namespace) -> int:
    scope = statistics_scope(unit=args.unit or "", number=args.number or "", switchboard=args.switchboard)
    report = statistics_report(
        scope, first=parse_day(args.start, field="--from"), last=parse_day(args.end, field="--to")
    )
    if args.format == "csv":
        sys.stdout.write(report_csv(report, args.by))
        return 0
    data = report_data(report, args.by)
    if args.format == "json":
        print_json(data)
        return 0
    total, targets = data["total"], data["targets"]
    print(f"{scope.label}: {data['first']} – {data['last']}")
    print(
        _("Target: %(share)s %% answered within %(seconds)s s; callbacks within %(hours)s working hours")
        % {
            "share": targets["answer_share_percent"],
            "seconds": targets["answer_within_seconds"],
            "hours": targets["callback_working_hours"],
        }
    )
    if not total["offered"]:
        print(_("No calls in the period."))
    lines = [
        (_("Calls offered"), total["offered"]),
        (_("of which outside opening hours"), total["outside_hours"]),
        (_("Answered"), total["answered"]),
        (_("Answered in time"), _shown(total["answered_in_time_percent"], " %")),
        (_("Time to answer, average"), _shown(total["average_wait_seconds"], " s")),
        (_("Time to answer, 90th percentile"), _shown(total["p90_wait_seconds"], " s")),
        (_("Abandoned"), _shown(total["abandoned_percent"], " %")),
        (_("Transferred"), total["transferred"]),
        (_("Internal calls through the switchboard (E8)"), total["internal"]),
        (
            _("Call length in telephone hours, average (E6)"),
            _shown(total["average_talk_in_telephone_hours_seconds"], " s"),
        ),
        (_("Messages taken"), total["messages"]),
        (_("Callbacks on time"), _shown(total["callbacks_on_time_percent"], " %")),
        (_("Answer target"), _met(total["answer_target_met"])),
        (_("Callback target"), _met(total["callback_target_met"])),
    ]
    for label, value in lines:
        print(f"  {label:<48} {value}")
    print()
    period, calls, in_time, target, abandoned, callbacks = (
        _("Period"),
        _("Calls"),
        _("In time"),
        _("Target"),
        _("Abandoned"),
        _("Callbacks"),
    )
    print(f"{period:<24} {calls:>6} {in_time:>8} {target:>8} {abandoned:>9} {callbacks:>9}")
    for row in data["periods"]:
        print(
            f"{row['first'] + ' – ' + row['last'][5:]:<24} {row['offered']:>6} "
            f"{_shown(row['answered_in_time_percent'], ' %'):>8} {_met(row['answer_target_met']):>8} "
            f"{_shown(row['abandoned_percent'], ' %'):>9} {_met(row['callback_target_met']):>9}"
        )
    return 0
