"""`vaxel report compliance`: the routine's rules as checks, per unit and person."""

import argparse
import csv
import sys
from dataclasses import asdict

from vaxel.compliance.selectors import compliance_report
from vaxel.core.cli import Verbs, print_json
from vaxel.core.time import iso, parse_day


def register(verbs: Verbs) -> None:
    report = verbs.group("report", help="reports on the telephone routine")
    p = report.verb("compliance", compliance, help="the routine's rules as checks, per unit and person")
    p.add_argument("--unit", help="one unit (and the units below it); default: all")
    p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")


def compliance(args: argparse.Namespace) -> int:
    findings = compliance_report(
        first=parse_day(args.start, field="--from"), last=parse_day(args.end, field="--to"), unit=args.unit
    )
    rows = [{**asdict(f), "when": iso(f.when)} for f in findings]
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=["rule", "unit", "person", "what", "when"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            who = f"{row['unit'][:28]:<28} {row['person'][:24]:<24}"
            print(f"{row['rule']:<3} {who} {row['what']}  {row['when'] or ''}")
        print(f"{len(rows)} findings")
    return 0
