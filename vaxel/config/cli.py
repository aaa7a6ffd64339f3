"""`vaxel migrate`, `vaxel serve`, `vaxel worker`: the database and the processes."""

import argparse
import contextlib
import ctypes
import signal
import subprocess
import sys

from django.core.management import call_command

from vaxel.config.serving import server_options
from vaxel.core.cli import Verbs

PR_SET_PDEATHSIG = 1  # linux/prctl.h


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


def _dies_with_parent() -> None:
    """In the job worker's process, before it runs: the kernel ends it if the server dies
    without stopping it (SIGKILL, a crash), so no worker is ever left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    call_command("collectstatic", interactive=False, verbosity=0)
    # uvicorn handles SIGTERM and SIGINT itself, then raises the signal again once it has
    # shut down; this handler turns that into an exit that runs `finally` below, so the
    # worker is stopped (without it the default action ended the server and left it).
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    worker = (
        None
        if args.no_worker
        else subprocess.Popen(
            [sys.executable, "-m", "vaxel.cli", "worker"],
            preexec_fn=_dies_with_parent if sys.platform == "linux" else None,
        )
    )
    try:
        uvicorn.run(
            "vaxel.config.asgi:application",
            **server_options(host=args.host, port=args.port, workers=args.workers),
        )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def worker(args: argparse.Namespace) -> int:
    call_command("run_huey")
    return 0
