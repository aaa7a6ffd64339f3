"""`vaxel migrate`, `vaxel serve`, `vaxel worker`: the database and the processes."""

import argparse
import subprocess
import sys

from django.core.management import call_command

from vaxel.config.serving import server_options
from vaxel.core.cli import Verbs


def register(verbs: Verbs) -> None:
    verbs.verb("migrate", migrate, help="create or upgrade the database schema")
    p = verbs.verb("serve", serve, help="run the web server (ASGI, uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-worker", action="store_true", help="do not start the job worker beside the server")
    verbs.verb("worker", worker, help="run the job worker (e-mail, reminders, digests)")


def migrate(args: argparse.Namespace) -> int:
    call_command("migrate", interactive=False, verbosity=1)
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None if args.no_worker else subprocess.Popen([sys.executable, "-m", "vaxel.cli", "worker"])
    try:
        uvicorn.run(
            "vaxel.config.asgi:application",
            **server_options(host=args.host, port=args.port, workers=args.workers),
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    return 0


def worker(args: argparse.Namespace) -> int:
    call_command("run_huey")
    return 0
