"""`vaxel media|phone-credentials|simulate|call-events import`: the telephony side."""

import argparse
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from django.conf import settings

from vaxel.access.services import token_revoke
from vaxel.core import live
from vaxel.core.cli import Verbs
from vaxel.core.phone import display
from vaxel.core.time import STOCKHOLM
from vaxel.telephony.events import call_events_from_file
from vaxel.telephony.media_endpoint import media_endpoint_forever
from vaxel.telephony.selectors import simulator_directory
from vaxel.telephony.services import call_events_store, simulation_switchboard, simulator_token_issue
from vaxel.telephony.simulator_client import ApiError, Client, client_for, run
from vaxel.telephony.switchboard import operator_phone_credentials, phone_credentials


def register(verbs: Verbs) -> None:
    events = verbs.group("call-events", help="what the telephone system reports about calls")
    p = events.verb(
        "import",
        call_events_import,
        help="import a call-detail CSV: id,call_id,event,at,called,calling,answered_by,transferred_to",
    )
    p.add_argument("csv")
    p.add_argument("--skip-bad", action="store_true", help="store the good rows even if some are bad")

    p = verbs.verb("media", media, help="the announcement and voicemail endpoint (SIP/RTP over UDP)")
    p.add_argument("--listen", default=os.environ.get("VAXEL_MEDIA_HOST", "127.0.0.1:5080"), help="host:port")

    p = verbs.verb(
        "phone-credentials",
        phone_credentials_show,
        help="SIP credentials for a desk or soft phone: a directory number's, or an operator's",
    )
    whose = p.add_mutually_exclusive_group(required=True)
    whose.add_argument("number", nargs="?", help="the number the phone answers, e.g. 0370-331002")
    whose.add_argument("--operator", metavar="LOGIN", help="the operator whose calls the phone answers")
    p.add_argument("--days", type=int, default=365, help="how long they hold (365)")

    p = verbs.verb("simulate", simulate, help="feed simulated calls to a running Växel (the call simulator)")
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
    p.add_argument(
        "--wait", type=float, default=0.0, help="wait up to this many seconds for Växel to start listening"
    )


def call_events_import(args: argparse.Namespace) -> int:
    """A PBX that only exports files: its call-detail records, stored once each."""
    events, problems = call_events_from_file(Path(args.csv))
    for problem in problems:
        print(f"vaxel: {problem}", file=sys.stderr)
    if problems and not args.skip_bad:
        print("Nothing was imported; correct the rows above or use --skip-bad.", file=sys.stderr)
        return 1
    stored, duplicates = call_events_store(events)
    print(f"{stored} events stored, {duplicates} already there")
    return 0


def media(args: argparse.Namespace) -> int:
    """The announcement and voicemail endpoint Kamailio sends calls to."""
    if live.backend_name() == "memory":
        print(
            "vaxel media: with SQLite and no VAXEL_REDIS_URL, the calls it queues reach no "
            "console live from this process; run it inside the server instead "
            "(vaxel serve --media HOST:PORT) or set VAXEL_REDIS_URL.",
            file=sys.stderr,
        )
    media_endpoint_forever(args.listen)
    return 0


def phone_credentials_show(args: argparse.Namespace) -> int:
    """What to type into a phone's SIP account settings (printed once, never stored)."""
    if args.operator:
        credentials = operator_phone_credentials(args.operator, days=args.days)
    else:
        credentials = phone_credentials(args.number, days=args.days)
    print(f"SIP address:    {credentials['uri']}")
    print(f"Registrar:      {settings.VAXEL_SIP_DOMAIN} (Kamailio, UDP)")
    print(f"User name:      {credentials['authorization_user']}")
    print(f"Password:       {credentials['password']}")
    print(f"Valid until:    {datetime.fromtimestamp(int(credentials['expires']), STOCKHOLM):%Y-%m-%d %H:%M}")
    return 0


def _listening(url: str, *, within: float) -> bool:
    """Whether the server at `url` takes connections within `within` seconds (the demo
    starts the simulator beside the server, which needs a moment to start)."""
    import socket
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80))
    deadline = time.monotonic() + within
    while True:
        try:
            with socket.create_connection(address, timeout=1):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.25)


def simulate(args: argparse.Namespace) -> int:

    switchboard = simulation_switchboard(rate=args.rate, patience=args.patience, count=args.count)
    client: Client = client_for(args.url, args.token or "")
    # A service manager's stop (SIGTERM) ends the run like Ctrl-C: calls are hung up.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.wait and not _listening(args.url, within=args.wait):
        print(f"Växel did not answer at {args.url} within {args.wait:g} s", file=sys.stderr)
        return 1
    issued = None if args.token else simulator_token_issue()
    if issued is not None:
        client.token = issued[1]
    print(f"Simulating about {args.rate:g} calls a minute to {display(switchboard)} at {args.url}")
    print("Ctrl-C stops; calls still on the line are then hung up.")
    try:
        tally = run(
            client=client,
            switchboard=switchboard,
            directory=simulator_directory(),
            rate=args.rate,
            count=args.count,
            duration=args.duration,
            seed=args.seed,
            flat=args.flat,
            patience=args.patience,
        )
    except KeyboardInterrupt:
        tally = None
    except ApiError as error:
        print(f"Växel did not answer as expected: {error}", file=sys.stderr)
        return 1
    finally:
        if issued is not None:
            token_revoke(prefix=issued[0].prefix)
    if tally is not None:
        print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in tally.items()))
    return 0
