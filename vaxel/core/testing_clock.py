"""The test suite's one clock: time-machine, driven by a marker, a fixture and an option.

- `@pytest.mark.clock("2026-11-30T14:00")`: the test runs with the clock at that
  Stockholm wall time (ISO 8601, an offset is allowed), ticking from there unless
  `tick=False`. A test that writes a literal date and compares it with "now" sets
  the clock this way, so it passes on any day at any hour.
- The `clock` fixture gives that traveller to the test (`clock.shift(...)`,
  `clock.move_to(...)`); without the marker it starts from the current instant.
- `pytest --clock-at 2026-12-31T23:59` (or `VAXEL_TEST_CLOCK`) starts the whole run
  at that instant, ticking: `.ci/run` runs the suite so at hard instants (the night
  the clocks go back, midsummer eve, New Year's Eve) to prove that no test depends
  on the real date or time of day.

time-machine patches the clock of the whole process, so servers that tests run in a
thread (uvicorn, pytest-django's live server, aiosmtpd) see the same clock as the
test. Processes a test starts itself (the job worker, Kamailio, the CLI on a fresh
file) are given explicit times (`--at`) where they depend on the clock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

ENVIRON = "VAXEL_TEST_CLOCK"
_STOCKHOLM = ZoneInfo("Europe/Stockholm")
_RUN_KEY = pytest.StashKey[time_machine.travel]()


def instant(text: str) -> datetime:
    """An aware instant from ISO 8601; without an offset it is Stockholm wall time."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=_STOCKHOLM)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        metavar="ISO",
        help="start the whole run's clock at this instant (Stockholm wall time unless an offset "
        "is given), ticking; the same as VAXEL_TEST_CLOCK",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "clock(at, tick=True): run the test with the clock at this Stockholm wall time (ISO 8601)",
    )
    at = config.getoption("--clock-at") or os.environ.get(ENVIRON)
    if at:
        traveller = time_machine.travel(instant(at), tick=True)
        traveller.start()
        config.stash[_RUN_KEY] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_RUN_KEY, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    at = config.getoption("--clock-at") or os.environ.get(ENVIRON)
    return f"clock: the run starts at {instant(at).isoformat()}" if at else None


@pytest.fixture(autouse=True)
def _clock_marker(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield None
        return
    with time_machine.travel(instant(marker.args[0]), tick=marker.kwargs.get("tick", True)) as traveller:
        yield traveller


@pytest.fixture
def clock(_clock_marker: time_machine.Traveller | None) -> Iterator[time_machine.Traveller]:
    """The test's clock, to shift or move; where the marker put it, or at the present."""
    if _clock_marker is not None:
        yield _clock_marker
        return
    from vaxel.core.time import now

    with time_machine.travel(now(), tick=True) as traveller:
        yield traveller
