"""Thinning (gallring) at scale on PostgreSQL: callers' numbers pseudonymised in 10
million call records (call events, the PBX's call-detail records, and the calls they
belong to) and 100,000 handled messages deleted with their events and e-mails, while a
client asks `vaxel serve`'s /pbx/route/ for a routing decision every 50 ms. Target:
under 5 minutes, and the PBX endpoint never held up (its latency during the run beside
its latency before).

    .venv/bin/python bench/records.py [--events 10000000] [--messages 100000] [--batch 5000]

The rows are generated in the database with SQL (going through the API would take
hours); all but the last 60 days are past the default periods. Needs PostgreSQL on
127.0.0.1:5432 (user postgres); the database is dropped after.
"""

import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
DATABASE = "vaxel_bench_records"


def database() -> str:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return POSTGRES + DATABASE


def drop() -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def setup_django(url: str, data: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(DATABASE_URL=url, VAXEL_DATA_DIR=data, VAXEL_CLI="1", VAXEL_LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(events: int, messages: int) -> None:
    """Calls of three events each over two years up to now (one in twelve internal, from
    Anna's direct number), and handled messages from 400 to 800 days old."""
    from django.db import connection

    from vaxel.directory.models import Person
    from vaxel.testing import small_municipality

    small_municipality()
    anna = Person.objects.get(email="anna.sjoberg@example.se").pk
    calls = events // 3
    span = 730 * 86400
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            """
            INSERT INTO telephony_call (external_id, driver, caller, caller_public, internal, called,
                asks_for, state, arrived_at, put_through_name)
            SELECT 'b' || i, 'bench', '+4636' || (1000000 + (i::bigint * 7919) %% 9000000), true, false,
                '+46370331000', 'Bygglov', 'ended',
                now() - ((%s - i::bigint * %s / %s) || ' seconds')::interval, ''
            FROM generate_series(1, %s) AS i
            """,
            [span, span, calls, calls],
        )
        cursor.execute(
            """
            INSERT INTO telephony_callevent (event_id, call_id, kind, at, called, calling, answered_by,
                transferred_to, source)
            SELECT 'b' || c || '-' || k, 'b' || c, (ARRAY['arrived','answered','ended'])[k + 1],
                now() - ((%s - c::bigint * %s / %s - k * 20) || ' seconds')::interval, '+46370331000',
                CASE WHEN c %% 12 = 0 THEN '+46370331001'
                     ELSE '+4636' || (1000000 + (c::bigint * 7919) %% 9000000) END,
                '', '', 'csv'
            FROM generate_series(1, %s) AS c, generate_series(0, 2) AS k
            """,
            [span, span, calls, calls],
        )
        cursor.execute(
            """
            INSERT INTO messaging_message (reference, taken_at, taken_by_name, caller_name, caller_number,
                caller_number_public, link_version, subject, details, person_id, kind, urgent, status,
                handled_at, recording)
            SELECT 'B-' || i, now() - ((400 + i %% 400) || ' days')::interval, 'bench', 'Greta Ek',
                '+4636' || (1000000 + i), true, 1, 'Bygglov garage', '', %s, 'callback', false, 'handled',
                now() - ((400 + i %% 400) || ' days')::interval + interval '2 hours', ''
            FROM generate_series(1, %s) AS i
            """,
            [anna, messages],
        )
        cursor.execute(
            """
            INSERT INTO messaging_messageevent (message_id, at, actor_name, kind, note)
            SELECT id, handled_at, 'bench', 'called_back', '' FROM messaging_message
            """
        )
        cursor.execute(
            """
            INSERT INTO messaging_outboxemail (created_at, recipients, subject, text, html, message_id,
                header_message_id, attachment, state, attempts, next_attempt_at, last_error)
            SELECT taken_at, '["anna.sjoberg@example.se"]', subject, 'text', '', id,
                '<' || reference || '@b>', '', 'sent', 1, taken_at, '' FROM messaging_message
            """
        )
        cursor.execute("ANALYZE")


class Prober(threading.Thread):
    """GET /pbx/route/ every 50 ms, as Kamailio asks for each call; latencies in ms."""

    def __init__(self, port: int, token: str):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/pbx/route/?to=%2B46370331001&from=%2B46361234567"
        self.token = token
        self.samples: list[tuple[float, float]] = []
        self.failures = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            request = urllib.request.Request(self.url, headers={"Authorization": f"Bearer {self.token}"})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                    answer.read()
            except OSError:
                self.failures += 1
            self.samples.append((started, (time.monotonic() - started) * 1000))
            self.stopped.wait(max(0.0, 0.05 - (time.monotonic() - started)))

    def between(self, first: float, last: float) -> list[float]:
        return [ms for at, ms in self.samples if first <= at <= last]


def figures(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name}: no samples"
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return (
        f"{name}: {len(samples)} requests, median {statistics.median(samples):.1f} ms, "
        f"p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms, max {ordered[-1]:.1f} ms"
    )


def serve(url: str, data: str) -> tuple[subprocess.Popen, int]:
    from vaxel.core.testing_smtp import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAXEL_")}
    env.update(
        DATABASE_URL=url,
        VAXEL_DATA_DIR=data,
        VAXEL_DEBUG="1",
        PYTHONPATH=str(ROOT),
        VAXEL_LOG_LEVEL="WARNING",
    )
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from vaxel.cli import main; sys.exit(main())", "serve",
         "--port", str(port), "--no-worker"],
        env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    url = database()
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="vaxel-bench-records-") as data:
            setup_django(url, data)
            started = time.monotonic()
            generate(args.events, args.messages)
            from vaxel.access.services import token_create, user_add
            from vaxel.telephony.models import Call, CallEvent

            events, calls = CallEvent.objects.count(), Call.objects.count()
            print(
                f"generated {events:,} call events, {calls:,} calls and {args.messages:,} messages "
                f"(with their events and e-mails) in {time.monotonic() - started:.0f} s"
            )
            user_add(username="kamailio", roles="")
            token = token_create(owner="kamailio", scopes="route", name="bench")[1]
            server, port = serve(url, data)
            prober = Prober(port, token)
            prober.start()
            time.sleep(10)
            before_end = time.monotonic()
            from vaxel.records.services import thinning_run

            result = thinning_run(batch=args.batch)
            thinned = time.monotonic()
            time.sleep(2)
            prober.stopped.set()
            prober.join()
            seconds = thinned - before_end
            print(f"thinned in {seconds:.1f} s (batches of {args.batch}):")
            previous = result.run.started_at
            for entry in result.run.entries.order_by("id"):
                if entry.count:
                    took = (entry.at - previous).total_seconds()
                    print(f"    {entry.kind:<16} {entry.action:<12} {entry.count:>11,} in {took:6.1f} s")
                previous = entry.at
            print(figures("/pbx/route/ before", prober.between(0, before_end)))
            print(figures("/pbx/route/ during", prober.between(before_end, thinned)))
            print(f"failed requests: {prober.failures}")
            verdict = "met" if seconds < 300 else "missed"
            print(f"target (under 5 minutes, {events:,} call events, {args.messages:,} messages): {verdict}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, 15)
            server.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
