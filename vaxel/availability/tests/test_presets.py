from datetime import date, datetime, time

import pytest

from vaxel.availability.presets import preset_absence
from vaxel.availability.schedule import Schedule, parse_weekly
from vaxel.core.time import STOCKHOLM

WORK = Schedule(weekly=parse_weekly("mon-fri 08:00-17:00"))
FRIDAY_15 = datetime(2026, 12, 4, 15, tzinfo=STOCKHOLM)


def test_e3_presets_put_the_back_time_where_a_caller_expects_it():
    assert preset_absence("lunch", at=FRIDAY_15, working=WORK)[2] == datetime(
        2026, 12, 4, 16, tzinfo=STOCKHOLM
    )
    assert preset_absence("meeting_until", at=FRIDAY_15, working=WORK, until_clock=time(16, 30))[
        2
    ] == datetime(2026, 12, 4, 16, 30, tzinfo=STOCKHOLM)
    assert preset_absence("gone_for_the_day", at=FRIDAY_15, working=WORK)[2] == datetime(
        2026, 12, 7, 8, tzinfo=STOCKHOLM
    )
    reason, start, end = preset_absence(
        "day_off_tomorrow", at=datetime(2026, 12, 3, 12, tzinfo=STOCKHOLM), working=WORK
    )
    assert (reason, start, end) == (
        "day_off",
        datetime(2026, 12, 4, 0, tzinfo=STOCKHOLM),
        datetime(2026, 12, 7, 8, tzinfo=STOCKHOLM),
    )
    # vacation over christmas: back on the first working day after it
    _reason, _start, back = preset_absence(
        "vacation", at=FRIDAY_15, working=WORK, first_day=date(2026, 12, 21), last_day=date(2026, 12, 30)
    )
    assert back == datetime(2027, 1, 4, 8, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"preset": "meeting_until"},
        {"preset": "meeting_until", "until_clock": time(14)},
        {"preset": "vacation", "first_day": date(2026, 12, 10), "last_day": date(2026, 12, 9)},
        {"preset": "fika"},
    ],
)
def test_e3_a_preset_without_what_it_needs_is_refused(kwargs):
    with pytest.raises(ValueError):
        preset_absence(at=FRIDAY_15, working=WORK, **kwargs)
