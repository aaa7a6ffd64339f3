"""`vaxel simulate` against a running Växel: calls arrive through the call-events API,
callers who are not answered give up, and the simulator's own token is revoked after."""

from datetime import timedelta

import pytest

from vaxel.access.models import ApiToken
from vaxel.availability.services import schedule_exception_add
from vaxel.cli import main
from vaxel.core.time import local_date, now
from vaxel.telephony.models import Call, CallState
from vaxel.testing import small_municipality


@pytest.fixture
def open_town(transactional_db):
    town = small_municipality()
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")
    return town


def test_simulated_callers_queue_and_give_up_when_nobody_answers(open_town, live_server, capsys):
    argv = ["simulate", "--rate", "600", "--flat", "--count", "4", "--seed", "2", "--patience", "0.6"]
    assert main([*argv, "--url", live_server.url]) == 0
    out = capsys.readouterr().out
    assert "arrived: 4, queued: 4, closed: 0, abandoned: 4" in out
    calls = list(Call.objects.all())
    assert len(calls) == 4 and {c.state for c in calls} == {CallState.ABANDONED}
    assert all(c.asks_for for c in calls) and {c.driver for c in calls} == {"simulator"}
    assert ApiToken.objects.get().revoked_at is not None  # its token lived only for the run


def test_simulate_refuses_bad_input_and_writes_nothing(open_town, live_server, capsys):
    assert main(["simulate", "--rate", "0", "--url", live_server.url]) == 1
    assert main(["simulate", "--rate", "5", "--url", "ftp://example"]) == 1
    assert "http://" in capsys.readouterr().err
    assert not Call.objects.exists() and not ApiToken.objects.exists()


def test_the_simulator_waits_for_vaxel_to_start_and_says_so_when_it_does_not(open_town, live_server, capsys):
    """The demo (`vaxel serve --simulate`) starts the simulator beside the server."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = ["simulate", "--rate", "5", "--wait", "0.5", "--url", f"http://127.0.0.1:{port}"]
    assert main(argv) == 1
    assert "did not answer" in capsys.readouterr().err
    assert not ApiToken.objects.exists()
    argv = ["simulate", "--rate", "600", "--flat", "--count", "1", "--seed", "2", "--patience", "0.3"]
    assert main([*argv, "--wait", "5", "--url", live_server.url]) == 0
    assert Call.objects.count() == 1
