"""Every process `vaxel serve` starts stops with it: on SIGTERM (systemd's stop), on
SIGINT (Ctrl-C), and even when the server itself is killed with SIGKILL."""

import os
import signal

import pytest
from fault_instance import alive, children_of, descendants_of_session, until

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
