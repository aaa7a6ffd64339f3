"""A Tuesday of calls in the small town, reported as the PBX reports them."""

from datetime import datetime

import pytest

from vaxel.core.time import STOCKHOLM
from vaxel.telephony.events import call_event_checked
from vaxel.telephony.services import call_events_store
from vaxel.testing import ANNA_DIRECT, BJORN_DIRECT, GROUP_NUMBER, SWITCHBOARD

CECILIA_DIRECT = "+46370331003"


def at(text: str) -> str:
    """Stockholm time unless the text carries its offset."""
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)).isoformat()


def report_calls(*calls: tuple[str, str, list[tuple[str, str]]], calling: str = "") -> None:
    """Each call: (id, number called, [(event, Stockholm time), …]), stored as the PBX reports them."""
    events = [
        call_event_checked(
            {"call_id": call_id, "event": kind, "at": at(when), "called": called, "calling": calling},
            source="api",
        )
        for call_id, called, steps in calls
        for kind, when in reversed(steps)  # out of order on purpose
    ]
    call_events_store(events)


@pytest.fixture
def tuesday(town):
    report_calls(
        # In telephone hours (08:30–10:00), answered in 15 s, 3 minutes long.
        (
            "c1",
            ANNA_DIRECT,
            [
                ("arrived", "2026-11-24T09:00:00"),
                ("answered", "2026-11-24T09:00:15"),
                ("ended", "2026-11-24T09:03:15"),
            ],
        ),
        # The shared number, answered in 40 s (late) and passed on after 20 s.
        (
            "c2",
            GROUP_NUMBER,
            [
                ("arrived", "2026-11-24T09:30:00"),
                ("answered", "2026-11-24T09:30:40"),
                ("transferred", "2026-11-24T09:31:00"),
            ],
        ),
        # After telephone hours; the caller gives up.
        ("c3", BJORN_DIRECT, [("arrived", "2026-11-24T11:00:00"), ("abandoned", "2026-11-24T11:00:30")]),
        # Late at night, answered after midnight: it counts on Tuesday, outside opening hours.
        (
            "c4",
            ANNA_DIRECT,
            [
                ("arrived", "2026-11-24T23:59:50"),
                ("answered", "2026-11-25T00:00:05"),
                ("ended", "2026-11-25T00:05:05"),
            ],
        ),
        # Another unit's call.
        ("c5", CECILIA_DIRECT, [("arrived", "2026-11-24T09:10:00")]),
    )
    # Cecilia (Skolskjuts) asks the switchboard for someone: internal (E8).
    report_calls(
        ("c6", SWITCHBOARD, [("arrived", "2026-11-24T10:00:00"), ("answered", "2026-11-24T10:00:05")]),
        calling=CECILIA_DIRECT,
    )
    return town
