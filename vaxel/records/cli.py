"""`vaxel records`: retention rules, thinning (gallring) and its log, holds,
classification and registration of public records, and a person's requests
(GDPR art. 15 export, art. 17 erasure)."""

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from vaxel.core.cli import Verbs, at_of, print_json, yes_no
from vaxel.core.errors import InvalidInput
from vaxel.core.time import iso, parse_instant
from vaxel.records import services
from vaxel.records.constants import Classification, HoldReason, RecordKind, RetentionAction
from vaxel.records.exports import records_export
from vaxel.records.selectors import hold_covers, holds_list, public_records, rules_current, thinning_log


def register(verbs: Verbs) -> None:
    records = verbs.group("records", help="records and retention: thinning, holds, public records, requests")
    p = records.verb("rules", rules, help="the retention rule for each kind of record")
    p.add_argument("--json", action="store_true")
    p = records.verb("rule", rule_set, help="change one kind's rule")
    p.add_argument("kind", choices=RecordKind.values)
    p.add_argument("--days", type=int)
    p.add_argument("--action", choices=RetentionAction.values)
    p.add_argument("--thinned", type=yes_no, help="yes or no: whether the nightly run applies it")
    p.add_argument("--basis", help="the records plan's decision this rule follows")
    p = records.verb("thin", thin, help="thin what is past its period now (the nightly job does this)")
    p.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    p.add_argument("--at", help="as if at this time (ISO 8601)")
    p.add_argument("--json", action="store_true")
    p = records.verb("log", log, help="the thinning log: each run, per rule, how many records")
    p.add_argument("--json", action="store_true")

    hold = records.group("hold", help="holds: records never thinned until lifted")
    p = hold.verb("add", hold_add, help="put a record, a person's, a caller's or a period's records on hold")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--message", metavar="REFERENCE")
    what.add_argument("--call", metavar="CALL_ID")
    what.add_argument("--person", metavar="EMAIL")
    what.add_argument("--caller", metavar="NUMBER")
    what.add_argument("--from", dest="period_from", metavar="ISO")
    p.add_argument("--until", dest="period_until", metavar="ISO", help="with --from: the end of the period")
    p.add_argument("--reason", required=True, choices=HoldReason.values)
    p.add_argument("--note", required=True, help="why: the request, the complaint, the matter")
    p = hold.verb("list", hold_list, help="the holds in force (--all: lifted ones too)")
    p.add_argument("--all", action="store_true")
    p.add_argument("--json", action="store_true")
    p = hold.verb("lift", hold_lift, help="lift a hold")
    p.add_argument("id", type=int)
    p.add_argument("--note", required=True, help="why it is lifted")

    p = records.verb(
        "classify", classify, help="classify a message: public record, working material, temporary"
    )
    p.add_argument("reference")
    p.add_argument("classification", choices=Classification.values)
    p = records.verb("public", public, help="the public records (allmänna handlingar) among messages")
    p.add_argument("--from", dest="first", metavar="ISO")
    p.add_argument("--to", dest="last", metavar="ISO")
    p.add_argument("--unregistered", action="store_true", help="only those not yet registered")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p = records.verb("register", register_message, help="register (diarieför) a public record")
    p.add_argument("reference")
    p.add_argument("--number", required=True, help="its registration number (diarienummer)")

    p = records.verb("export", export, help="everything held about a person or a caller (GDPR art. 15), JSON")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="EMAIL")
    who.add_argument("--caller", metavar="NUMBER")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p = records.verb(
        "erase", erase, help="erase a person's or caller's records where the law allows (art. 17)"
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="EMAIL")
    who.add_argument("--caller", metavar="NUMBER")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--json", action="store_true")


def rules(args: argparse.Namespace) -> int:
    found = rules_current()
    rows = [
        {"kind": r.kind, "days": r.days, "action": r.action, "thinned": r.enabled, "basis": r.basis}
        for r in found.values()
    ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        state = "" if row["thinned"] else _(" (not thinned)")
        print(f"{row['kind']:<20} {row['days']:>6} {_('days')}  {row['action']}{state}")
    return 0


def rule_set(args: argparse.Namespace) -> int:
    rule = services.rule_set(
        kind=args.kind, days=args.days, action=args.action, enabled=args.thinned, basis=args.basis
    )
    print(f"{rule.kind}: {rule.days} {_('days')}, {rule.action}")
    return 0


def thin(args: argparse.Namespace) -> int:
    result = services.thinning_run(at=at_of(args), dry_run=args.dry_run)
    if args.json:
        print_json({"dry_run": result.dry_run, "counts": result.counts})
        return 0
    verb = _("would thin") if result.dry_run else _("thinned")
    rules_now = rules_current()
    for kind, count in result.counts.items():
        print(
            f"{kind:<20} {verb} {count} "
            f"({rules_now[kind].action}, {_('older than')} {rules_now[kind].days} {_('days')})"
        )
    return 0


def log(args: argparse.Namespace) -> int:
    runs: list[dict[str, Any]] = [
        {
            "started_at": iso(run.started_at),
            "finished_at": iso(run.finished_at),
            "dry_run": run.dry_run,
            "by": run.started_by_name,
            "entries": [
                {
                    "kind": e.kind,
                    "action": e.action,
                    "days": e.days,
                    "cutoff": iso(e.cutoff),
                    "count": e.count,
                }
                for e in run.entries.all()
            ],
        }
        for run in thinning_log()
    ]
    if args.json:
        print_json(runs)
        return 0
    for run in runs:
        dry = _(" (dry run)") if run["dry_run"] else ""
        total = sum(e["count"] for e in run["entries"])
        print(f"{run['started_at']}{dry} {run['by']}: {total}")
        for entry in run["entries"]:
            if entry["count"]:
                print(f"    {entry['kind']:<20} {entry['action']:<12} {entry['count']}")
    return 0


def _instant(text: str | None, field: str):
    return parse_instant(text, field=field) if text else None


def hold_add(args: argparse.Namespace) -> int:
    hold = services.hold_place(
        reason=args.reason,
        note=args.note,
        message=args.message,
        call=args.call,
        person=args.person,
        caller=args.caller,
        period_from=_instant(args.period_from, "--from"),
        period_until=_instant(args.period_until, "--until"),
    )
    print(_("Hold %(id)d placed: %(what)s") % {"id": hold.pk, "what": hold_covers(hold)})
    return 0


def hold_list(args: argparse.Namespace) -> int:
    rows = [
        {
            "id": h.pk,
            "covers": h.scope,
            "what": hold_covers(h),
            "reason": h.reason,
            "note": h.note,
            "placed_at": iso(h.placed_at),
            "placed_by": h.placed_by_name,
            "lifted_at": iso(h.lifted_at),
        }
        for h in holds_list(active_only=not args.all)
    ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        lifted = _(" lifted %(at)s") % {"at": row["lifted_at"]} if row["lifted_at"] else ""
        print(
            f"{row['id']:>4} {row['covers']:<8} {row['what']}  {row['reason']}: {row['note']} "
            f"({row['placed_by']}, {row['placed_at']}){lifted}"
        )
    return 0


def hold_lift(args: argparse.Namespace) -> int:
    hold = services.hold_lift(hold_id=args.id, note=args.note)
    print(_("Hold %(id)d lifted.") % {"id": hold.pk})
    return 0


def classify(args: argparse.Namespace) -> int:
    filing = services.message_classify(reference=args.reference, classification=args.classification)
    print(f"{filing.message.reference}: {filing.get_classification_display()}")
    return 0


PUBLIC_COLUMNS = (
    "reference",
    "taken_at",
    "for",
    "about",
    "kind",
    "status",
    "registration_number",
    "registered_at",
)


def public(args: argparse.Namespace) -> int:
    rows = []
    for message in public_records(
        first=_instant(args.first, "--from"), last=_instant(args.last, "--to"), unregistered=args.unregistered
    ):
        filing = getattr(message, "filing", None)
        rows.append(
            {
                "reference": message.reference,
                "taken_at": iso(message.taken_at),
                "for": message.recipient_name,
                "about": message.subject,
                "kind": message.kind,
                "status": message.status,
                "registration_number": filing.registration_number if filing else "",
                "registered_at": iso(filing.registered_at) if filing else None,
            }
        )
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=PUBLIC_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            print(
                f"{row['reference']}  {row['taken_at']}  {row['for']}: {row['about']}  "
                f"{row['registration_number'] or '-'}"
            )
    return 0


def register_message(args: argparse.Namespace) -> int:
    filing = services.message_register(reference=args.reference, number=args.number)
    print(f"{filing.message.reference}: {filing.registration_number}")
    return 0


def export(args: argparse.Namespace) -> int:
    document = records_export(person=args.person, caller=args.caller)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.output:
        try:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise InvalidInput(
                _("Cannot write %(file)s: %(error)s") % {"file": args.output, "error": error.strerror}
            ) from None
        print(_("Written to %(file)s.") % {"file": args.output})
    else:
        print(text)
    return 0


def erase(args: argparse.Namespace) -> int:
    result = services.erasure_request(person=args.person, caller=args.caller, dry_run=args.dry_run)
    if args.json:
        print_json({"dry_run": args.dry_run, "erased": result.erased, "refused": result.refused})
        return 0
    verb = _("would erase") if args.dry_run else _("erased")
    for what, count in result.erased.items():
        print(f"{verb}: {what} {count}")
    for refusal in result.refused:
        print(_("kept: %(record)s — %(reason)s") % refusal)
    return 0
