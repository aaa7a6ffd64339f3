"""`vaxel migrate`, `vaxel serve`, `vaxel worker`: the database and the processes."""

import argparse
import contextlib
import ctypes
import signal
import subprocess
import sys
import threading

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
    p.add_argument(
        "--simulate",
        type=float,
        metavar="RATE",
        help="also run the call simulator at RATE calls a minute, day and night (the demo)",
    )
    p.add_argument(
        "--media",
        metavar="HOST:PORT",
        help="also run the switchboard's media endpoint (queue, announcements) in this process",
    )
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

    if args.media and args.workers != 1:
        print("vaxel serve: --media needs --workers 1; with more, run vaxel media beside.", file=sys.stderr)
        return 2
    call_command("collectstatic", interactive=False, verbosity=0)
    # uvicorn handles SIGTERM and SIGINT itself, then raises the signal again once it has
    # shut down; this handler turns that into an exit that runs `finally` below, so the
    # worker is stopped (without it the default action ended the server and left it).
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    children = []
    if not args.no_worker:
        children.append(_child("worker"))
    options = server_options(host=args.host, port=args.port, workers=args.workers)
    if args.media:
        _media_beside(args.media)
    try:
        if args.simulate and args.workers == 1:
            # The simulator waits for the server, then feeds it calls as a PBX would (its
            # own token, revoked when it stops). In a session of its own, so Ctrl-C reaches
            # the server, which stops the simulator first: it hangs up its calls still on
            # the line while the server still answers, and no caller is left queued.
            url = f"http://{args.host}:{args.port}"
            rate = f"{args.simulate:g}"
            simulator = _child("simulate", "--rate", rate, "--flat", "--url", url, "--wait", "60", alone=True)
            children.append(simulator)
            config = uvicorn.Config("vaxel.config.asgi:application", **options)
            with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run does: Ctrl-C is no error
                _server_stopping_first(config, simulator).run()
        else:
            uvicorn.run("vaxel.config.asgi:application", **options)
    finally:
        for child in reversed(children):  # the simulator first: it still needs the server
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def _media_beside(listen: str) -> None:
    """The media endpoint in a thread of this server process, so the calls it queues
    reach the consoles live without a broker between processes (SQLite, no Redis)."""
    from vaxel.telephony.media_endpoint import media_endpoint_forever

    threading.Thread(target=media_endpoint_forever, args=(listen,), name="media", daemon=True).start()


def _child(*verb: str, alone: bool = False) -> subprocess.Popen:
    """A `vaxel` verb beside the server, ended with it (and by the kernel if it dies);
    `alone`: in a session of its own, out of reach of the terminal's Ctrl-C."""
    return subprocess.Popen(  # noqa: S603 (Växel's own verbs and numbers, no text from outside)
        [sys.executable, "-m", "vaxel.cli", *verb],
        preexec_fn=_dies_with_parent if sys.platform == "linux" else None,
        start_new_session=alone,
    )


def _server_class():
    import uvicorn

    class ServerStoppingFirst(uvicorn.Server):
        """uvicorn, which on Ctrl-C or SIGTERM first stops `first` (the simulator) and
        goes on serving until it has ended (at most 15 s), then shuts down."""

        def __init__(self, config: uvicorn.Config, first: subprocess.Popen):
            super().__init__(config)
            self.first = first

        def handle_exit(self, sig, frame) -> None:
            if self.first.poll() is not None or self.should_exit:
                super().handle_exit(sig, frame)
                return
            self.first.terminate()

            def then_exit() -> None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.first.wait(timeout=15)
                super(ServerStoppingFirst, self).handle_exit(sig, frame)

            threading.Thread(target=then_exit, daemon=True).start()

    return ServerStoppingFirst


def _server_stopping_first(config, first: subprocess.Popen):
    """uvicorn is imported only by `vaxel serve`, so its subclass is made when needed."""
    return _server_class()(config, first)


def worker(args: argparse.Namespace) -> int:
    call_command("run_huey")
    return 0
