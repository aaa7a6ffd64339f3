"""Every process `vaxel serve` starts stops with it: on SIGTERM (systemd's stop), on
SIGINT (Ctrl-C), and even when the server itself is killed with SIGKILL."""

import os
import signal
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fault_instance import Stream, alive, children_of, descendants_of_session, signed_in, until

from vaxel.telephony.tests.conftest import Caller

pytestmark = pytest.mark.processes


def started(instances, *extra: str):
    instance = instances()
    instance.set_up()
    server = instance.serve(*extra)
    workers = until(lambda: [p for p in children_of(server.pid) if alive(p)], seconds=20)
    assert workers, "serve started no job worker"
    return instance, server


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
@pytest.mark.parametrize("web_workers", ["1", "2"])
def test_serve_stops_every_process_it_started(instances, stop, web_workers):
    instance, server = started(instances, "--workers", web_workers)
    os.kill(server.pid, stop)
    server.wait(timeout=40)
    left = until(lambda: not descendants_of_session(instance.processes), seconds=15)
    assert left, f"still running after {stop.name}: {descendants_of_session(instance.processes)}"


def test_a_killed_server_leaves_no_job_worker_behind(instances):
    instance, server = started(instances)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    assert until(lambda: not descendants_of_session(instance.processes), seconds=15), (
        "the job worker outlived its server"
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_the_demos_call_simulator_stops_first_and_leaves_no_caller_in_the_queue(instances, stop):
    """`make run` serves with `--simulate`: the queue moves, and stopping the server stops
    the simulator before the server, so it hangs up its callers while Växel still answers."""
    instance = instances()
    token = instance.set_up()
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    for day in (today, today + timedelta(days=1)):  # open, whatever the hour the test runs
        instance.vx("opening-hours", "exception", "add", day.isoformat(), "--hours", "00:00-24:00")
    server = instance.serve("--simulate", "600")
    simulator = until(
        lambda: [p for p in children_of(server.pid) if alive(p) and b"simulate" in cmdline(p)], seconds=20
    )
    assert simulator, instance.log("server.log")

    def queued():
        status, calls = instance.request("GET", "/api/v1/calls/", token)
        return status == 200 and [c for c in calls if c["state"] == "queued"]

    assert until(queued, seconds=30), instance.log("server.log")
    os.kill(server.pid, stop)
    server.wait(timeout=40)
    assert until(lambda: not alive(simulator[0]), seconds=15), "the simulator outlived its server"
    assert "Traceback" not in instance.log("server.log")
    restarted = instance.serve("--no-worker")
    assert not queued(), "a simulated caller was left waiting in the queue"
    restarted.terminate()
    restarted.wait(timeout=40)


def cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def test_s1_on_sqlite_a_caller_queued_by_the_media_endpoint_inside_the_server_shows_in_the_consoles(
    instances,
):
    instance = instances()
    instance.set_up()
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()  # the server runs on the real clock
    for day in (today, today + timedelta(days=1)):
        instance.vx("opening-hours", "exception", "add", day.isoformat(), "--hours", "00:00-24:00")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        media_port = probe.getsockname()[1]
    instance.serve("--no-worker", "--media", f"127.0.0.1:{media_port}")
    stream = Stream(signed_in(instance), f"http://127.0.0.1:{instance.port}/konsol/handelser/")
    time.sleep(1)
    caller = Caller(media_port)
    assert caller.invite("queue")[0] == 200  # the queue answers: greeting, then music
    assert until(lambda: stream.saw("queue", '"state": "queued"'), seconds=10), stream.events
    assert caller.hear(8000) >= 8000  # the greeting plays
