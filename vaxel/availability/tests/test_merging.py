from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from vaxel.availability.merging import AbsencePart, absence_at, merge_absences
from vaxel.core.time import STOCKHOLM

DAY = datetime(2026, 12, 1, tzinfo=STOCKHOLM)


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def part(start: datetime, end: datetime | None, reason: str = "meeting") -> AbsencePart:
    return AbsencePart(starts_at=start, ends_at=end, reason=reason)


def test_e3_meeting_10_12_and_lunch_12_13_are_one_absence_10_13():
    merged = merge_absences([part(at(12), at(13), "lunch"), part(at(10), at(12), "meeting")])
    assert len(merged) == 1
    assert (merged[0].starts_at, merged[0].ends_at) == (at(10), at(13))
    assert merged[0].reasons == ("meeting", "lunch")


def test_e3_overlapping_absences_merge_and_the_reason_follows_the_clock():
    merged = merge_absences([part(at(9), at(11), "meeting"), part(at(10, 30), at(14), "home_visit")])
    assert len(merged) == 1
    assert merged[0].ends_at == at(14)
    assert merged[0].part_at(at(9, 15)).reason == "meeting"
    assert merged[0].part_at(at(13)).reason == "home_visit"


def test_e3_absences_with_a_gap_stay_apart():
    merged = merge_absences([part(at(8), at(9)), part(at(9, 1), at(10))])
    assert len(merged) == 2
    assert (
        absence_at(
            merged,
            at(
                9,
                0,
            ),
        )
        is None
    )
    assert absence_at(merged, at(9, 30)).starts_at == at(9, 1)


def test_e3_until_further_notice_swallows_everything_after_it():
    merged = merge_absences(
        [
            part(at(8), None, "sick"),
            part(at(15), at(16)),
            part(DAY + timedelta(days=3), DAY + timedelta(days=4)),
        ]
    )
    assert len(merged) == 1
    assert merged[0].ends_at is None
    assert absence_at(merged, DAY + timedelta(days=30)) is merged[0]


def test_e3_back_time_is_the_end_of_the_whole_merged_absence():
    merged = merge_absences([part(at(10), at(12)), part(at(12), at(13), "lunch")])
    assert absence_at(merged, at(10, 30)).ends_at == at(13)
    assert absence_at(merged, at(13)) is None


# --- properties -----------------------------------------------------------------------------

BASE = datetime(2026, 1, 1, tzinfo=UTC)
parts_strategy = st.lists(
    st.tuples(st.integers(0, 500), st.one_of(st.none(), st.integers(1, 120))).map(
        lambda t: part(
            BASE + timedelta(minutes=t[0]), None if t[1] is None else BASE + timedelta(minutes=t[0] + t[1])
        )
    ),
    max_size=12,
)


def covered(parts, minute: int) -> bool:
    instant = BASE + timedelta(minutes=minute)
    return any(p.covers(instant) for p in parts)


@given(parts_strategy)
def test_e3_merged_absences_never_touch_or_overlap(parts):
    merged = merge_absences(parts)
    for left, right in pairwise(merged):
        assert left.ends_at is not None and left.ends_at < right.starts_at


@given(parts_strategy)
def test_e3_merge_covers_exactly_the_union(parts):
    merged = merge_absences(parts)
    for minute in range(0, 700, 7):
        assert covered(parts, minute) == covered(merged, minute)
    assert sum(len(m.parts) for m in merged) == len(parts)


@given(parts_strategy)
def test_e3_merge_is_idempotent_and_order_free(parts):
    merged = merge_absences(parts)
    again = merge_absences(part(m.starts_at, m.ends_at) for m in merged)
    assert [(m.starts_at, m.ends_at) for m in again] == [(m.starts_at, m.ends_at) for m in merged]
    reversed_result = merge_absences(reversed(parts))
    assert [(m.starts_at, m.ends_at) for m in reversed_result] == [(m.starts_at, m.ends_at) for m in merged]
