"""`vaxel route`: where a call goes now, and what the caller hears."""

import argparse

from vaxel.core.cli import Verbs, at_of, print_json
from vaxel.core.phone import display
from vaxel.routing.selectors import route_now


def register(verbs: Verbs) -> None:
    p = verbs.verb("route", route, help="where a call goes now, and what the caller hears")
    p.add_argument("--to", required=True, dest="called", help="the dialled number")
    p.add_argument("--from", dest="calling", help="the caller's number")
    p.add_argument("--at", help="ISO 8601 (default: now)")
    p.add_argument("--json", action="store_true")


def route(args: argparse.Namespace) -> int:
    decision = route_now(called=args.called, calling=args.calling, at=at_of(args))
    if args.json:
        print_json(decision.as_dict())
    else:
        numbers = ", ".join(display(d.number) or d.kind.value for d in decision.destinations)
        print(f"{decision.action.value} → {numbers or '-'}")
        if decision.announcement:
            print(decision.announcement)
    return 0
