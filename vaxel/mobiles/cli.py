"""`vaxel mobile …`: the work-mobile registry (W1), lost phones, greetings (W4) and the
usage import with its report of unusual use (W2). A mobile's digits are printed only
with its holder's consent (S3); the registry is found by number or ICCID."""

import argparse
import csv
import sys
from dataclasses import asdict
from pathlib import Path

from django.utils.translation import gettext as _

from vaxel.core.cli import Verbs, at_of, print_json
from vaxel.core.errors import InvalidInput
from vaxel.core.tables import file_read
from vaxel.core.time import parse_instant
from vaxel.directory.selectors import person_get
from vaxel.mobiles import imports, services
from vaxel.mobiles.errors import MobileNotFound
from vaxel.mobiles.models import Anomaly, LossChannel, LossKind
from vaxel.mobiles.selectors import anomaly_report, mobile_rows, subscription_find, subscription_of
from vaxel.mobiles.usage_formats import PRESETS


def register(verbs: Verbs) -> None:
    mobile = verbs.group("mobile", help="work mobiles: registry, lost phones, usage (W1, W2, W4)")
    p = mobile.verb("add", add, help="add a work mobile to the registry")
    p.add_argument("--number", required=True)
    p.add_argument("--operator", required=True, help="the mobile operator, e.g. Telia")
    p.add_argument("--iccid", required=True, help="the SIM's or eSIM's ICCID")
    p.add_argument("--cost-centre", default="")
    p.add_argument("--imei", default="", help="the device's IMEI")
    p.add_argument("--model", default="", help="the device's model")
    p.add_argument("--holder", help="hand it out to this person (e-mail address)")
    p = mobile.verb(
        "import", import_list, help="the operator's subscription list (CSV or .xlsx), all or nothing"
    )
    p.add_argument("file")
    p.add_argument("--operator", default="", help="the mobile operator, when the file has no such column")
    p.add_argument("--ignore-unknown-columns", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    mobile.verb("list", list_mobiles, help="the registry").add_argument("--json", action="store_true")
    p = mobile.verb("hand-out", hand_out, help="hand a work mobile to a person")
    p.add_argument("mobile", help="number or ICCID")
    p.add_argument("--to", required=True, help="e-mail address")
    p.add_argument("--since", help="when (ISO 8601); default now")
    p = mobile.verb("return", return_mobile, help="the holder gives the work mobile back")
    p.add_argument("mobile", help="number or ICCID")
    p.add_argument("--at")
    p = mobile.verb("lost", lost, help="report a work mobile lost or stolen (W1): blocked, no calls routed")
    p.add_argument("mobile", help="number, ICCID or the holder's e-mail address")
    p.add_argument("--kind", choices=LossKind.values, default=LossKind.LOST)
    p.add_argument("--when", help="when it happened (ISO 8601); default now")
    p.add_argument("--how", default="", help="how and where")
    p.add_argument("--for-caller", action="store_true", help="the switchboard reports it for the holder")
    p = mobile.verb("blocked", blocked, help="the subscription is blocked (confirmation from the blockers)")
    p.add_argument("mobile", help="number, ICCID or the case number")
    p.add_argument("--note", default="", help="the blocker's reference")
    p = mobile.verb("found", found, help="the lost work mobile is found: calls go to it again")
    p.add_argument("mobile", help="number, ICCID or the case number")
    p.add_argument("--note", default="")
    p = mobile.verb("replaced", replaced, help="the lost work mobile is replaced: a new SIM and/or device")
    p.add_argument("mobile", help="number, ICCID or the case number")
    p.add_argument("--iccid", default="", help="the new SIM's ICCID")
    p.add_argument("--imei", default="", help="the new device's IMEI")
    p.add_argument("--model", default="")
    p = mobile.verb("greeting", greeting, help="the voicemail greeting recorded on a work mobile (W4)")
    p.add_argument("mobile", help="number or ICCID")
    p.add_argument("--text", required=True)
    mobile.verb("remind", remind, help="remind holders whose greeting misses the routine (W4)")

    usage = mobile.group("usage", help="the operator's usage specification (W2)")
    p = usage.verb("import", usage_import, help="import a usage specification (CSV), all or nothing")
    p.add_argument("file")
    p.add_argument("--preset", choices=sorted(PRESETS), help="the operator's column names")
    p.add_argument("--columns", help="field=Column,… over or instead of the preset")
    p.add_argument("--dry-run", action="store_true")
    p = usage.verb("report", usage_report, help="unusual use per subscription and month")
    p.add_argument("--unreviewed", action="store_true")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p = usage.verb("review", review, help="mark unusual use reviewed")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="")


def _mobile(text: str):
    """A work mobile by number or ICCID, the case number of its loss, or its holder's e-mail."""
    if text.strip().isdigit() and len(text.strip()) < 8:
        return services.loss_report_get(int(text)).subscription
    if "@" in text:
        person = person_get(text)
        held = subscription_of(person)
        if held is None:
            raise MobileNotFound(_("%(name)s holds no work mobile in the registry.") % {"name": person.name})
        return held
    return subscription_find(text)


def add(args: argparse.Namespace) -> int:
    subscription = services.subscription_add(
        number=args.number,
        operator=args.operator,
        iccid=args.iccid,
        cost_centre=args.cost_centre,
        imei=args.imei,
        model=args.model,
    )
    if args.holder:
        services.mobile_hand_out(subscription=subscription, person=person_get(args.holder))
    print(_("Added work mobile %(iccid)s.") % {"iccid": subscription.iccid})
    return 0


def import_list(args: argparse.Namespace) -> int:
    result = imports.subscriptions_import(
        data=file_read(args.file),
        operator=args.operator,
        ignore_unknown=args.ignore_unknown_columns,
        dry_run=args.dry_run,
    )
    print(
        (_("Dry run, nothing written: ") if result.dry_run else "")
        + _("%(rows)d rows: %(created)d new, %(updated)d updated, %(handed_out)d handed out.")
        % asdict(result)
    )
    return 0


def list_mobiles(args: argparse.Namespace) -> int:
    rows = [
        {
            "number": r.number,
            "iccid": r.subscription.iccid,
            "operator": r.subscription.operator,
            "cost_centre": r.subscription.cost_centre,
            "imei": r.subscription.device.imei if r.subscription.device else "",
            "holder": r.holder.email if r.holder else "",
            "since": r.since.isoformat() if r.since else "",
            "lost": r.loss.kind if r.loss else "",
        }
        for r in mobile_rows(None)
    ]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['number']:<16} {row['iccid']:<22} {row['holder'] or '-':<32} {row['lost']}")
        print(_("%(count)d work mobiles") % {"count": len(rows)})
    return 0


def hand_out(args: argparse.Namespace) -> int:
    since = parse_instant(args.since, field="--since") if args.since else None
    services.mobile_hand_out(subscription=_mobile(args.mobile), person=person_get(args.to), since=since)
    print(_("Handed out."))
    return 0


def return_mobile(args: argparse.Namespace) -> int:
    services.mobile_return(subscription=_mobile(args.mobile), at=at_of(args))
    print(_("Returned."))
    return 0


def lost(args: argparse.Namespace) -> int:
    report = services.mobile_report_lost(
        subscription=_mobile(args.mobile),
        kind=args.kind,
        channel=LossChannel.OPERATOR if args.for_caller else LossChannel.ADMINISTRATION,
        happened_at=parse_instant(args.when, field="--when") if args.when else None,
        circumstances=args.how,
    )
    print(_("Case %(case)d: reported %(kind)s; no calls go to it until found or replaced.")
          % {"case": report.pk, "kind": report.get_kind_display()})  # fmt: skip
    return 0


def blocked(args: argparse.Namespace) -> int:
    report = services.mobile_blocked(subscription=_mobile(args.mobile), note=args.note)
    print(_("Case %(case)d: blocked.") % {"case": report.pk})
    return 0


def found(args: argparse.Namespace) -> int:
    report = services.mobile_found(subscription=_mobile(args.mobile), note=args.note)
    print(_("Case %(case)d: found; calls go to it again.") % {"case": report.pk})
    return 0


def replaced(args: argparse.Namespace) -> int:
    report = services.mobile_replaced(
        subscription=_mobile(args.mobile), iccid=args.iccid, imei=args.imei, model=args.model
    )
    print(_("Case %(case)d: replaced (%(note)s).") % {"case": report.pk, "note": report.resolution_note})
    return 0


def greeting(args: argparse.Namespace) -> int:
    check = services.subscription_greeting_record(subscription=_mobile(args.mobile), text=args.text)
    result = check.get("check") if check else None
    if result is not None and not result.meets_routine:
        print(_("The greeting lacks %(what)s (W4).") % {"what": ", ".join(result.missing)})
    else:
        print(_("The greeting follows the routine."))
    return 0


def remind(args: argparse.Namespace) -> int:
    print(_("%(count)d reminders queued.") % {"count": services.greeting_reminders_send()})
    return 0


def usage_import(args: argparse.Namespace) -> int:
    if not args.preset and not args.columns:
        raise InvalidInput(_("Say how the file's columns are named: --preset %(names)s, or --columns.")
                           % {"names": "|".join(sorted(PRESETS))})  # fmt: skip
    result = imports.usage_import(
        data=file_read(args.file),
        file_name=Path(args.file).name,
        preset=args.preset,
        columns=args.columns,
        dry_run=args.dry_run,
    )
    print(
        (_("Dry run, nothing written: ") if result.dry_run else "")
        + _("%(rows)d usage lines for %(months)s; %(anomalies)d unusual uses found.")
        % {"rows": result.rows, "months": ", ".join(result.months), "anomalies": result.anomalies}
    )
    return 0


def usage_report(args: argparse.Namespace) -> int:
    rows = anomaly_report(unreviewed=args.unreviewed)
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            mark = "✓" if row["reviewed"] else " "
            who = f"{row['holder'][:24]:<24}"
            print(f"{row['id']:>6} {mark} {row['month']} {who} {row['what']}: {row['detail']}")
        print(_("%(count)d unusual uses") % {"count": len(rows)})
    return 0


def review(args: argparse.Namespace) -> int:
    anomaly = Anomaly.objects.filter(pk=args.id).first()
    if anomaly is None:
        raise MobileNotFound(_("There is no unusual use with id %(id)d.") % {"id": args.id})
    services.anomaly_review(anomaly=anomaly, note=args.note)
    print(_("Reviewed."))
    return 0
