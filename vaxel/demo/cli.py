"""`vaxel demo`: the demo municipality, for trying Växel out."""

import argparse
import os

from vaxel.core.cli import Verbs
from vaxel.core.time import now
from vaxel.demo.municipality import demo_admin_create, demo_load, demo_open_today


def register(verbs: Verbs) -> None:
    p = verbs.verb("demo", demo, help="fill an empty database with the demo municipality")
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--people", type=int, default=1000)
    p.add_argument(
        "--open-today",
        action="store_true",
        help="keep the switchboard open all of today and tomorrow, so simulated calls queue at any hour",
    )


def demo(args: argparse.Namespace) -> int:
    print(demo_load(seed=args.seed, people=args.people))
    logins = demo_admin_create(password=os.environ.get("VAXEL_DEMO_PASSWORD"))
    if logins:
        password, lines = logins
        print(f"Logins, all with the password {password} (sign in at /login/):")
        for line in lines:
            print(f"  {line}")
    if args.open_today:
        days = demo_open_today(at=now())
        print(f"The switchboard is open all day {days[0]} and {days[1]} (opening-hours exceptions).")
    return 0
