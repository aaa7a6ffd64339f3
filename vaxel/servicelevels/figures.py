"""Call statistics' figures and targets (C2): pure functions over counts the database
has already aggregated per day, so a period, a week or a month is a sum of days."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

# Time-to-answer classes (seconds) for the distribution chart; the last is open-ended.
WAIT_CLASSES = (0, 10, 20, 30, 45, 60, 90, 120, 180)


@dataclass(frozen=True)
class Targets:
    """A unit's service level (C2)."""

    answer_within_seconds: int
    answer_share_percent: int
    callback_working_hours: int


@dataclass(frozen=True)
class Tally:
    """Counts for some days. Shares and averages are taken over calls that arrived while
    the switchboard was open; a call outside opening hours is only counted as such."""

    offered: int = 0  # every call that arrived
    open_calls: int = 0  # arrived while the switchboard was open
    outside_hours: int = 0
    answered: int = 0
    answered_in_time: int = 0  # open calls answered within the target seconds
    abandoned: int = 0  # open calls the caller gave up on
    transferred: int = 0
    internal: int = 0  # internal calls through the switchboard (E8)
    wait_total: int = 0  # seconds, over answered calls
    telephone_hours_calls: int = 0  # answered calls that arrived in telephone hours (E6)
    telephone_hours_talk: int = 0  # their length, seconds
    messages: int = 0
    callbacks_due: int = 0
    callbacks_on_time: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def answered_in_time_percent(self) -> float | None:
        return _percent(self.answered_in_time, self.open_calls)

    @property
    def abandoned_percent(self) -> float | None:
        return _percent(self.abandoned, self.open_calls)

    @property
    def average_wait(self) -> float | None:
        return self.wait_total / self.answered if self.answered else None

    @property
    def average_talk_in_telephone_hours(self) -> float | None:
        return self.telephone_hours_talk / self.telephone_hours_calls if self.telephone_hours_calls else None

    @property
    def callbacks_on_time_percent(self) -> float | None:
        return _percent(self.callbacks_on_time, self.callbacks_due)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def tally_sum(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


@dataclass(frozen=True)
class Verdict:
    """Whether a period met its targets; None where there was nothing to measure."""

    answer_met: bool | None
    callbacks_met: bool | None

    @property
    def met(self) -> bool | None:
        known = [v for v in (self.answer_met, self.callbacks_met) if v is not None]
        return all(known) if known else None


def verdict(tally: Tally, targets: Targets) -> Verdict:
    """C2: enough open calls answered within the seconds, and every callback due done in
    time (the callback target is "within N working hours", for every callback)."""
    share = tally.answered_in_time_percent
    return Verdict(
        answer_met=None if share is None else share >= targets.answer_share_percent,
        callbacks_met=None if not tally.callbacks_due else tally.callbacks_on_time == tally.callbacks_due,
    )


def week_of(day: date) -> date:
    """The Monday a day's ISO week starts on."""
    return date.fromordinal(day.toordinal() - day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def grouped(days: Mapping[date, Tally], key) -> dict[date, Tally]:
    """Days summed into weeks (key=week_of) or months (key=month_of), in order."""
    out: dict[date, Tally] = {}
    for day in sorted(days):
        out[key(day)] = out.get(key(day), Tally()) + days[day]
    return out


def percentile(histogram: Mapping[int, int], share: float) -> int | None:
    """The smallest value with at least `share` (0–1) of the counts at or below it."""
    total = sum(histogram.values())
    if not total:
        return None
    needed, seen = share * total, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= needed:
            return value
    return max(histogram)


def wait_classes(histogram: Mapping[int, int]) -> list[tuple[str, int]]:
    """Answered calls per time-to-answer class ("0–10 s", …, "180+ s")."""
    bounds = [*WAIT_CLASSES[1:], None]
    rows = []
    for low, high in zip(WAIT_CLASSES, bounds, strict=True):
        count = sum(n for w, n in histogram.items() if w >= low and (high is None or w < high))
        rows.append((f"{low}–{high} s" if high is not None else f"{low}+ s", count))
    return rows
