"""`vaxel`: the administrator's command line. Each verb parses its arguments, calls one
service or selector, and prints. Bad input: a one-line message on stderr, exit 1,
nothing written."""

import argparse
import os
import sys
from collections.abc import Sequence


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "ja", "y", "true", "1"):
        return True
    if value in ("no", "nej", "n", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: answer yes or no")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vaxel", description="Växel: switchboard and availability.")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    sub.add_parser("migrate", help="create or upgrade the database schema")
    p = sub.add_parser("serve", help="run the web server (ASGI, uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-worker", action="store_true", help="do not start the job worker beside the server")
    sub.add_parser("worker", help="run the job worker (e-mail, reminders, digests)")
    p = sub.add_parser("demo", help="fill an empty database with the demo municipality")
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--people", type=int, default=1000)

    org = sub.add_parser("organisation", help="the organisation's name and switchboard number")
    org_sub = org.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = org_sub.add_parser("set", help="set the name and/or the switchboard number")
    p.add_argument("--name")
    p.add_argument("--switchboard-number")
    org_sub.add_parser("show", help="show the organisation")

    unit = sub.add_parser("unit", help="units (förvaltningar, enheter)")
    unit_sub = unit.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = unit_sub.add_parser("add", help="add a unit")
    p.add_argument("name")
    p.add_argument("--parent", help="the unit above this one")
    p.add_argument("--keywords", help='services it handles, comma separated: "bygglov,detaljplan"')
    p.add_argument("--telephone-hours", help='weekly telephone hours, e.g. "mon-fri 08:30-10:00"')

    person = sub.add_parser("person", help="employees")
    person_sub = person.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = person_sub.add_parser("add", help="add an employee")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--title", default="")
    p.add_argument("--direct-number")
    p.add_argument("--mobile")
    p.add_argument("--mobile-consent", type=_yes_no, help="may the mobile be given to callers (S3): yes|no")
    p.add_argument(
        "--consent-record", default="", help="with yes: the owner's written consent on record (S3)"
    )
    p.add_argument("--manager", action="store_true", help="the person manages their unit")
    p = person_sub.add_parser(
        "consent", help="record the owner's written consent to give out their mobile (S3)"
    )
    p.add_argument("email")
    p.add_argument("consent", type=_yes_no, help="yes|no")
    p.add_argument("--record", default="", help="with yes: what the written consent is, e.g. a signed form")

    p = person_sub.add_parser("deactivate", help="the person has left (E1): calls go to the switchboard")
    p.add_argument("email")
    number = sub.add_parser("number", help="direct numbers")
    number_sub = number.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = number_sub.add_parser("reassign", help="give a direct number to someone else (E1)")
    p.add_argument("number")
    p.add_argument("--to", required=True, help="the new owner's e-mail address")

    shared = sub.add_parser("shared-number", help="shared (group) numbers")
    shared_sub = shared.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = shared_sub.add_parser("add", help="add a shared number with its group")
    p.add_argument("number")
    p.add_argument("--unit", required=True)
    p.add_argument("--members", required=True, help="e-mail addresses, comma separated")
    p.add_argument("--name", help="the group's name (default: the unit's)")

    absence = sub.add_parser("absence", help="absences (diversions)")
    absence_sub = absence.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = absence_sub.add_parser("add", help="add an absence; touching ones merge (E3)")
    p.add_argument("email")
    p.add_argument("--reason", required=True, help="meeting, lunch, … or möte, lunch, …")
    p.add_argument("--from", dest="starts", required=True, help="ISO 8601; without offset: Stockholm time")
    p.add_argument("--until", help="ISO 8601; leave out for until further notice")
    p.add_argument("--note", default="")
    p.add_argument("--divert-to", default="switchboard", help="switchboard | voicemail | colleague:EMAIL")
    p = absence_sub.add_parser("list", help="current and coming absences, merged (E3)")
    p.add_argument("email")
    p.add_argument("--at", help="list from this time (default: now)")
    p.add_argument("--json", action="store_true")
    p = absence_sub.add_parser("clear", help="end the current absence now")
    p.add_argument("email")
    p.add_argument("--upcoming", action="store_true", help="also remove planned absences")

    hours = sub.add_parser("opening-hours", help="the switchboard's opening hours (S4)")
    hours_sub = hours.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = hours_sub.add_parser("set", help="set weekly hours and/or hours on days before holidays")
    p.add_argument("--weekly", help='e.g. "mon-thu 08:00-16:30, fri 08:00-15:00"')
    p.add_argument("--eve-hours", help='e.g. "08:00-12:00"; "" removes them')
    hours_sub.add_parser("show", help="show the opening hours")
    exc = hours_sub.add_parser("exception", help="dated exceptions")
    exc_sub = exc.add_subparsers(dest="exception_action", required=True, metavar="ACTION")
    p = exc_sub.add_parser("add", help="close a day, or open it only some hours")
    p.add_argument("date", help="YYYY-MM-DD")
    p.add_argument("--closed", action="store_true")
    p.add_argument("--hours", help="HH:MM-HH:MM")
    p.add_argument("--unit", help="an exception to this unit's telephone hours instead")

    user = sub.add_parser("user", help="logins and their roles")
    user_sub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = user_sub.add_parser("add", help="add a login")
    p.add_argument("username")
    p.add_argument("--person", help="link the login to this person (e-mail): an employee")
    p.add_argument("--roles", help="operator, administrator (comma separated)")
    p.add_argument("--password", help="default: generated and printed once")
    p = user_sub.add_parser(
        "sso-link", help="link a login to its single sign-on identity (operators and administrators)"
    )
    p.add_argument("username")
    p.add_argument("--subject", required=True, help="the 'sub' claim of the login's tokens at the provider")

    token = sub.add_parser("token", help="API tokens for integrations")
    token_sub = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = token_sub.add_parser("create", help="create a token; its secret is printed once")
    p.add_argument("--owner", required=True, help="the login whose rights the token never exceeds")
    p.add_argument(
        "--scopes", required=True, help="route, events, directory:read, directory:write, absences:write"
    )
    p.add_argument("--name", default="", help="what it is for, e.g. 'Kamailio' or 'Intranät'")
    token_sub.add_parser("list", help="list tokens (never their secrets)")
    p = token_sub.add_parser("revoke", help="revoke a token at once")
    p.add_argument("key_id", help="the key id shown by 'vaxel token list'")

    message = sub.add_parser("message", help="messages and callbacks (S2, E4, E5)")
    message_sub = message.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = message_sub.add_parser("take", help="take a message; it is e-mailed at once")
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
    p = message_sub.add_parser("list", help="messages, newest first")
    p.add_argument("--for", dest="for_person", metavar="EMAIL")
    p.add_argument("--caller", help="a caller's number: their earlier messages")
    p.add_argument("--open", action="store_true", help="only those not handled")
    p.add_argument("--json", action="store_true")
    p = message_sub.add_parser("mark", help="read, called_back, no_answer or closed")
    p.add_argument("reference")
    p.add_argument("step", choices=["read", "called_back", "no_answer", "closed"])
    p.add_argument("--note", default="")
    p = sub.add_parser("outbox", help="e-mail delivery: what waits, what failed and why")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("next-opening", help="when the switchboard opens next (S4)")
    p.add_argument("--at", help="ISO 8601 (default: now)")
    p.add_argument("--json", action="store_true")

    cal = sub.add_parser("calendar", help="employees' calendars: busy events become absences")
    cal_sub = cal.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = cal_sub.add_parser("add", help="connect a calendar to a person")
    p.add_argument("email")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="an iCalendar feed (https:// or webcal://)")
    where.add_argument("--caldav", help="a CalDAV calendar's address")
    where.add_argument("--file", help="an .ics file")
    p.add_argument("--username", default="")
    p.add_argument("--password", default=os.environ.get("VAXEL_CALDAV_PASSWORD", ""))
    p = cal_sub.add_parser("import", help="connect many feeds: a CSV file with email,url per line")
    p.add_argument("csv")
    cal_sub.add_parser("list", help="calendars and how their last reading went")
    p = cal_sub.add_parser("sync", help="read calendars now (default: those that are due)")
    p.add_argument("--all", action="store_true", help="every calendar, due or not")

    events = sub.add_parser("call-events", help="what the telephone system reports about calls")
    events_sub = events.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = events_sub.add_parser(
        "import",
        help="import a call-detail CSV: id,call_id,event,at,called,calling,answered_by,transferred_to",
    )
    p.add_argument("csv")
    p.add_argument("--skip-bad", action="store_true", help="store the good rows even if some are bad")
    p = events_sub.add_parser(
        "recount", help="count calls again for the statistics (after directory or hours corrections)"
    )
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")

    report = sub.add_parser("report", help="reports on the telephone routine")
    report_sub = report.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = report_sub.add_parser("compliance", help="the routine's rules as checks, per unit and person")
    p.add_argument("--unit", help="one unit (and the units below it); default: all")
    p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = report_sub.add_parser(
        "service-level", help="call statistics against the service level (C2): a unit, a number, or all"
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

    p = sub.add_parser("media", help="the announcement and voicemail endpoint (SIP/RTP over UDP)")
    p.add_argument("--listen", default=os.environ.get("VAXEL_MEDIA_HOST", "127.0.0.1:5080"), help="host:port")

    p = sub.add_parser("simulate", help="feed simulated calls to a running Växel (the call simulator)")
    p.add_argument("--rate", type=float, required=True, help="calls a minute, on average over a working day")
    p.add_argument("--url", default=os.environ.get("VAXEL_BASE_URL", "http://127.0.0.1:8000"))
    p.add_argument(
        "--token", default=os.environ.get("VAXEL_TOKEN"), help="an events token (default: a new one)"
    )
    p.add_argument("--count", type=int, help="stop after this many calls")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.add_argument("--seed", type=int, help="the same seed gives the same calls")
    p.add_argument("--flat", action="store_true", help="the same rate all day and night (load tests)")
    p.add_argument("--patience", type=float, default=180.0, help="the longest a caller waits, in seconds")

    p = sub.add_parser("route", help="where a call goes now, and what the caller hears")
    p.add_argument("--to", required=True, dest="called", help="the dialled number")
    p.add_argument("--from", dest="calling", help="the caller's number")
    p.add_argument("--at", help="ISO 8601 (default: now)")
    p.add_argument("--json", action="store_true")
    return parser


def _verb_key(args: argparse.Namespace) -> tuple[str, ...]:
    key = [args.verb]
    if getattr(args, "action", None):
        key.append(args.action)
    if getattr(args, "exception_action", None):
        key.append(args.exception_action)
    return tuple(key)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verb != "serve":
        os.environ.setdefault("VAXEL_CLI", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # a second setup would bind logging to whatever stderr is now
        django.setup()
    from django.conf import settings
    from django.utils import translation

    from vaxel.commands import VERBS
    from vaxel.core.errors import VaxelError

    translation.activate(settings.LANGUAGE_CODE)
    try:
        return VERBS[_verb_key(args)](args)
    except VaxelError as error:
        print(f"vaxel: {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
