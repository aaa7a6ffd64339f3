"""PostgreSQL connections under ASGI: `vaxel serve --workers 2` under a steady load of
four clients holds a bounded number of connections (its pools), never runs the server
out of them, and answers every request. A real multi-process server on a PostgreSQL
database of the test's own; the connections are counted in pg_stat_activity."""

import socket
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from fault_instance import ROUTE, Stream, connections, signed_in, until

from vaxel.core.time import local_date, now
from vaxel.telephony.sip_udp import request
from vaxel.telephony.tests.conftest import Caller

pytestmark = pytest.mark.processes

POOL = 4
SECONDS = 8


def load(instance, token: str, pbx: str, *, clients: int, seconds: float) -> list[int]:
    statuses: list[int] = []
    until = time.monotonic() + seconds

    def client(number: int) -> None:
        while time.monotonic() < until:
            statuses.append(instance.request("GET", "/api/v1/search/?q=anna", token)[0])
            statuses.append(instance.request("GET", ROUTE, pbx)[0])
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
    pbx = instance.route_token()  # before counting: the command line has a connection too
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
        statuses = load(instance, token, pbx, clients=4, seconds=SECONDS)
    finally:
        done.set()
        counter.join(timeout=10)
    assert statuses and set(statuses) == {200, 201}, Counter(statuses)
    assert statuses.count(201) > 10  # the messages were taken
    # Two processes, each its pool and its live-update listener.
    assert peak <= 2 * (POOL + 1), peak
    assert "too many clients" not in instance.log("server.log")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_s1_open_consoles_and_callers_in_the_queue_leave_the_pool_its_connections(instances):
    """A console's live stream and the media endpoint's work each kept a pooled connection
    for as long as their thread lived: with more consoles or callers than the pool, the
    server's answers waited 10 s for a connection and failed (seen in bench/calls.py on
    PostgreSQL: after the first 20 calls at once no call was routed any more)."""
    pool = 2
    instance = instances(postgres=True, VAXEL_DB_POOL_SIZE=str(pool))
    token = instance.set_up()
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):  # open all day, past midnight too
        instance.vx("opening-hours", "exception", "add", day.isoformat(), "--hours", "00:00-24:00")
    media = _free_udp_port()
    instance.serve("--no-worker", "--media", f"127.0.0.1:{media}")
    opener = signed_in(instance)
    url = f"http://127.0.0.1:{instance.port}/konsol/handelser/"
    consoles = [Stream(opener, url) for _n in range(pool + 2)]
    assert all(until(lambda c=c: c.saw("live", '"up": true'), seconds=15) for c in consoles)

    callers = [Caller(media) for _n in range(pool + 2)]
    assert [caller.invite("queue")[0] for caller in callers] == [200] * len(callers)  # all queued
    assert all(until(lambda c=c: c.saw("queue"), seconds=15) for c in consoles)  # shown live
    assert len(instance.request("GET", "/api/v1/calls/", token)[1]) == len(callers)
    status, answer = instance.request("GET", ROUTE, instance.route_token())
    assert status == 200, answer  # the PBX is still answered at once
    for caller in callers:  # they hang up: abandoned, as the media endpoint records
        bye = request("BYE", "queue", "+46361234567", host="127.0.0.1", port=media, call_id=caller.call_id)
        caller.sip.sendto(bye, caller.media)
    assert until(lambda: instance.request("GET", "/api/v1/calls/", token)[1] == [], seconds=15)  # abandoned
    assert until(lambda: connections(instance.database) <= pool + 1, seconds=5)  # the pool, LISTEN
    assert "couldn't get a connection" not in instance.log("server.log")
