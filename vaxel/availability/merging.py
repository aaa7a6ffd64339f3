"""E3: a person's absences that touch or overlap are one absence for the whole time.

Meeting 10–12 and lunch 12–13 are one absence 10–13 that lists both reasons, so a
caller at 10:30 hears that the person is back at 13.00, not at 12.00. This applies
to a person's own absences only; a shared number's availability is its members'.
"""

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AbsencePart:
    """One absence as entered. ends_at None means "until further notice"."""

    starts_at: datetime
    ends_at: datetime | None
    reason: str
    id: int | None = None
    note: str = ""
    divert_to: str = "switchboard"
    divert_colleague_id: int | None = None
    manual: bool = True  # False: made from a calendar event

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


@dataclass(frozen=True)
class MergedAbsence:
    starts_at: datetime
    ends_at: datetime | None
    parts: tuple[AbsencePart, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.reason for p in self.parts))

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)

    def part_at(self, at: datetime) -> AbsencePart:
        """The entered absence that explains `at`: of those covering it, one entered by
        hand before one from a calendar (what a person says wins over their calendar),
        then the latest-starting; in a gap that cannot exist inside a merged absence,
        the one before it."""
        covering = [p for p in self.parts if p.covers(at)]
        candidates = covering or [p for p in self.parts if p.starts_at <= at] or list(self.parts)
        return max(candidates, key=lambda p: (p.manual, p.starts_at))


def _ends_no_earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return None
    return max(a, b)


def merge_absences(parts: Iterable[AbsencePart]) -> list[MergedAbsence]:
    """Merge touching or overlapping absences; the result is sorted and disjoint,
    with a gap of more than zero between any two."""
    ordered = sorted(parts, key=lambda p: p.starts_at)
    merged: list[MergedAbsence] = []
    for part in ordered:
        last = merged[-1] if merged else None
        if last is not None and (last.ends_at is None or part.starts_at <= last.ends_at):
            merged[-1] = MergedAbsence(
                starts_at=last.starts_at,
                ends_at=_ends_no_earlier(last.ends_at, part.ends_at),
                parts=(*last.parts, part),
            )
        else:
            merged.append(MergedAbsence(part.starts_at, part.ends_at, (part,)))
    return merged


def absence_at(merged: Sequence[MergedAbsence], at: datetime) -> MergedAbsence | None:
    """The merged absence covering `at`, by binary search over a merge_absences result."""
    index = bisect.bisect_right(merged, at, key=lambda m: m.starts_at) - 1
    if index >= 0 and merged[index].covers(at):
        return merged[index]
    return None
