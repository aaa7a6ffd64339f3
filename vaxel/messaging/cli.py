"""`vaxel message|outbox`: messages and callbacks (S2, E4, E5), e-mail delivery."""

import argparse
from typing import Any

from django.utils.translation import gettext as _

from vaxel.core.cli import Verbs, print_json
from vaxel.core.logs import mask
from vaxel.core.time import iso, parse_instant
from vaxel.messaging import services
from vaxel.messaging.emails import caller_label
from vaxel.messaging.selectors import message_get, messages_query, outbox_overview


def register(verbs: Verbs) -> None:
    message = verbs.group("message", help="messages and callbacks (S2, E4, E5)")
    p = message.verb("take", message_take, help="take a message; it is e-mailed at once")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--for", dest="for_person", metavar="EMAIL", help="the person it is for")
    target.add_argument("--unit", dest="for_unit", metavar="NAME", help="or the unit it is for")
    p.add_argument("--about", required=True, help="what the call is about")
    p.add_argument("--caller-name", default="")
    p.add_argument("--caller-number", default="")
    p.add_argument("--details", default="")
    p.add_argument("--information", action="store_true", help="for information; no callback wanted")
    p.add_argument("--urgent", action="store_true")
    p.add_argument("--due", help="call back by (ISO 8601); default from the unit's service level")
    p = message.verb("list", message_list, help="messages, newest first")
    p.add_argument("--for", dest="for_person", metavar="EMAIL")
    p.add_argument("--caller", help="a caller's number: their earlier messages")
    p.add_argument("--open", action="store_true", help="only those not handled")
    p.add_argument("--json", action="store_true")
    p = message.verb("mark", message_mark, help="read, called_back, no_answer or closed")
    p.add_argument("reference")
    p.add_argument("step", choices=["read", "called_back", "no_answer", "closed"])
    p.add_argument("--note", default="")

    p = verbs.verb("outbox", outbox, help="e-mail delivery: what waits, what failed and why")
    p.add_argument("--json", action="store_true")


def message_take(args: argparse.Namespace) -> int:
    message = services.message_take(
        subject=args.about,
        caller_name=args.caller_name,
        caller_number=args.caller_number,
        for_person=args.for_person,
        for_unit=args.for_unit,
        details=args.details,
        kind="information" if args.information else "callback",
        urgent=args.urgent,
        due_at=parse_instant(args.due, field="--due") if args.due else None,
    )
    due = _(", call back by %(due)s") % {"due": iso(message.due_at)} if message.due_at else ""
    print(f"{message.reference}: {message.recipient_name}{due}")
    return 0


def _row(message) -> dict[str, Any]:
    return {
        "reference": message.reference,
        "taken_at": iso(message.taken_at),
        "for": message.recipient_name,
        "caller": caller_label(message),
        "about": message.subject,
        "kind": message.kind,
        "urgent": message.urgent,
        "status": message.status,
        "due_at": iso(message.due_at),
    }


def message_list(args: argparse.Namespace) -> int:
    found = messages_query(for_person=args.for_person, caller=args.caller, open_only=args.open)[:500]
    rows = [_row(m) for m in found]
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(
                f"{row['reference']}  {row['taken_at'][:16]}  {row['status']:<8} "
                f"{row['for']}: {row['caller']} – {row['about']}"
            )
    return 0


def message_mark(args: argparse.Namespace) -> int:
    message = services.message_mark(message=message_get(args.reference), step=args.step, note=args.note)
    print(f"{message.reference}: {message.status}")
    return 0


def outbox(args: argparse.Namespace) -> int:
    overview = outbox_overview()
    if args.json:
        print_json(overview)
        return 0
    print(f"sent {overview['sent']}, waiting {overview['waiting']}")
    for row in overview["failing"]:
        print(
            f"  {row['id']}  attempts {row['attempts']}  next {row['next_attempt_at']}  {row['last_error']}"
        )
    for row in overview["failed"]:
        print(f"  {row['id']}  cannot be sent: {mask(row['last_error'])}")
    return 0
