"""`vaxel`: the administrator's command line. Each app keeps its verbs in its own
`cli.py`, parser and handler side by side; this is where they are gathered, in APPS.
A verb parses its arguments, calls one service or selector, and prints. Bad input: a
one-line message on stderr, exit 1, nothing written."""

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

APPS = (
    "config",
    "directory",
    "availability",
    "routing",
    "access",
    "messaging",
    "telephony",
    "calendars",
    "servicelevels",
    "compliance",
    "mobiles",
    "records",
    "demo",
)


def build_parser() -> argparse.ArgumentParser:
    from vaxel.core.cli import Verbs

    parser = argparse.ArgumentParser(prog="vaxel", description="Växel: switchboard and availability.")
    verbs = Verbs(parser.add_subparsers(dest="verb", required=True, metavar="VERB"))
    for app in APPS:
        import_module(f"vaxel.{app}.cli").register(verbs)
    return parser


def _setup(argv: Sequence[str]) -> None:
    if not argv or argv[0] != "serve":  # the server needs its key; the other verbs sign little
        os.environ.setdefault("VAXEL_CLI", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # a second setup would bind logging to whatever stderr is now
        django.setup()


def _migrations_missing(error: Exception) -> bool:
    """The database lacks migrations this Växel has (never migrated, or upgraded)."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup(argv)
    from django.conf import settings
    from django.db import DatabaseError
    from django.utils import translation
    from django.utils.translation import gettext as _

    from vaxel.core.errors import VaxelError

    args = build_parser().parse_args(argv)
    translation.activate(settings.LANGUAGE_CODE)
    try:
        return args.handler(args)
    except VaxelError as error:
        print(f"vaxel: {error.message}", file=sys.stderr)
        return 1
    except DatabaseError as error:
        if not _migrations_missing(error):
            raise  # a real bug: its traceback is what a developer needs
        message = _(
            "the database at %(name)s is not set up or is older than this Växel; "
            "run `vaxel migrate` (nothing was written)."
        ) % {"name": settings.DATABASES["default"]["NAME"]}
        print(f"vaxel: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
