"""What every app's `vaxel` verbs share. An app's `cli.py` has `register(verbs)`, which
adds its verbs, each a parser and the handler beside it; `vaxel/cli.py` lists the apps
in one place. A handler parses what argparse cannot, calls one service or selector and
prints; a domain error becomes one line on stderr and exit 1 (in `vaxel/cli.py`)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

Handler = Callable[[argparse.Namespace], int]


class Verbs:
    """The verbs at one level of the command line. `group` gives a level below, shared
    by the apps that add to it (`vaxel report compliance`, `vaxel report service-level`)."""

    def __init__(self, subparsers: argparse._SubParsersAction) -> None:
        self._subparsers = subparsers
        self._groups: dict[str, Verbs] = {}

    def verb(self, name: str, handler: Handler, *, help: str) -> argparse.ArgumentParser:
        parser = self._subparsers.add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, *, help: str) -> Verbs:
        if name not in self._groups:
            parser = self._subparsers.add_parser(name, help=help, description=help)
            self._groups[name] = Verbs(
                parser.add_subparsers(dest=f"{name}_verb", required=True, metavar="ACTION")
            )
        return self._groups[name]


def yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "ja", "y", "true", "1"):
        return True
    if value in ("no", "nej", "n", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: answer yes or no")


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def at_of(args: argparse.Namespace) -> datetime:
    """The verb's --at, or now."""
    from vaxel.core.time import now, parse_instant

    return parse_instant(args.at, field="--at") if getattr(args, "at", None) else now()
