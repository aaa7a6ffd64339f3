"""`vaxel demo`: the demo municipality, for trying Växel out."""

import argparse
import os

from vaxel.core.cli import Verbs
from vaxel.demo.municipality import demo_admin_create, demo_load


def register(verbs: Verbs) -> None:
    p = verbs.verb("demo", demo, help="fill an empty database with the demo municipality")
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--people", type=int, default=1000)


def demo(args: argparse.Namespace) -> int:
    print(demo_load(seed=args.seed, people=args.people))
    password = demo_admin_create(password=os.environ.get("VAXEL_DEMO_PASSWORD"))
    if password:
        print(f"Logins: admin (administrator) and telefonist (operator), password {password}")
    return 0
