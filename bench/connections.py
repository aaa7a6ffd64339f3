"""PostgreSQL connections under ASGI: `vaxel serve --workers 2` under a steady load of
N clients (a search, a routing decision and a message each round), with the connection
pool (VAXEL_DB_POOL_SIZE, the default) against persistent connections per thread
(CONN_MAX_AGE=60, what Växel did before, VAXEL_DB_POOL_SIZE=0), in the same run:
the peak and the final count of connections in pg_stat_activity, requests per second,
latency, and failed requests.

    .venv/bin/python bench/connections.py [--clients 4] [--seconds 25] [--pool 8]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres); each scenario has a database of
its own, dropped after.
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import collections
import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "faults"))

from fault_instance import ROUTE, Instance, connections  # the fault suite's real-process helpers


def scenario(name: str, pool: int, *, clients: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Instance(  # rate limits high: this measures connections, not refusals
            Path(folder),
            postgres=True,
            VAXEL_DB_POOL_SIZE=str(pool),
            VAXEL_API_RATE="100000/min",
            VAXEL_API_ADDRESS_RATE="100000/min",
        )
        try:
            token = instance.set_up()
            pbx = instance.route_token()
            instance.serve("--workers", "2", "--no-worker")
            timings: list[float] = []
            statuses: list[int] = []
            peak, done = 0, threading.Event()

            def count() -> None:
                nonlocal peak
                while not done.is_set():
                    with contextlib.suppress(psycopg.OperationalError):  # full: not even we get in
                        peak = max(peak, connections(instance.database))
                    time.sleep(0.2)

            def client(number: int) -> None:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    for method, path, body, key in [
                        ("GET", "/api/v1/search/?q=anna", None, token),
                        ("GET", ROUTE, None, pbx),
                        (
                            "POST",
                            "/api/v1/messages/",
                            {
                                "subject": f"Last {number}",
                                "caller_number": "036-123456",
                                "for_person": "anna@example.se",
                            },
                            token,
                        ),
                    ]:
                        started = time.perf_counter()
                        statuses.append(instance.request(method, path, key, body)[0])
                        timings.append(time.perf_counter() - started)

            counter = threading.Thread(target=count)
            counter.start()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            time.sleep(5)
            done.set()
            counter.join()
            after = connections(instance.database)
            timings.sort()
            # A refusal is no answer either: each status that was not one, how often.
            failed = collections.Counter(s for s in statuses if s not in (200, 201))
            failures = ", ".join(f"{n} × {s}" for s, n in sorted(failed.items())) or "none"
            print(
                f"{name:38} peak {peak:3d} connections, {after:3d} after 5 s idle; "
                f"{len(statuses) / elapsed:6.0f} requests/s, "
                f"p50 {statistics.median(timings) * 1000:5.1f} ms, "
                f"p99 {timings[int(len(timings) * 0.99)] * 1000:6.1f} ms; failed: {failures}"
            )
        finally:
            instance.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--pool", type=int, default=8)
    args = parser.parse_args()
    print(f"vaxel serve --workers 2 on PostgreSQL, {args.clients} clients for {args.seconds:.0f} s")
    scenario(f"pool of {args.pool} per process", args.pool, clients=args.clients, seconds=args.seconds)
    scenario("persistent per thread (CONN_MAX_AGE=60)", 0, clients=args.clients, seconds=args.seconds)


if __name__ == "__main__":
    main()
