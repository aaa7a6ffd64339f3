"""PostgreSQL connections under ASGI: `vaxel serve --workers 2` under a steady load of
four clients holds a bounded number of connections (its pools), never runs the server
out of them, and answers every request. A real multi-process server on a PostgreSQL
database of the test's own; the connections are counted in pg_stat_activity."""

import threading
import time

import psycopg
import pytest
from fault_instance import POSTGRES

pytestmark = pytest.mark.processes

POOL = 4
SECONDS = 8


def connections(database: str) -> int:
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchone()
        return int(row[0]) if row else 0


def load(instance, token: str, *, clients: int, seconds: float) -> list[int]:
    statuses: list[int] = []
    until = time.monotonic() + seconds

    def client(number: int) -> None:
        while time.monotonic() < until:
            statuses.append(instance.request("GET", "/api/v1/search/?q=anna", token)[0])
            statuses.append(
                instance.request("GET", "/pbx/route/?called=0370331000&calling=036123456", token)[0]
            )
            statuses.append(
                instance.request(
                    "POST",
                    "/api/v1/messages/",
                    token,
                    {
                        "subject": f"Last {number}",
                        "caller_number": "036-123456",
                        "for_person": "anna@example.se",
                    },
                )[0]
            )

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return statuses


def test_two_server_processes_under_load_hold_a_bounded_pool_of_connections(instances):
    instance = instances(postgres=True, VAXEL_DB_POOL_SIZE=str(POOL))
    token = instance.set_up()
    instance.serve("--workers", "2", "--no-worker")
    peak = 0
    done = threading.Event()

    def count() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, connections(instance.database))
            time.sleep(0.2)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        statuses = load(instance, token, clients=4, seconds=SECONDS)
    finally:
        done.set()
        counter.join(timeout=10)
    assert statuses and all(status < 500 for status in statuses), sorted(set(statuses))
    assert statuses.count(201) > 10  # the messages were taken
    # Two processes, each its pool and its live-update listener.
    assert peak <= 2 * (POOL + 1), peak
    assert "too many clients" not in instance.log("server.log")
