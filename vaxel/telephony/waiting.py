"""How long a caller in the queue can expect to wait, and how it is said: pure
functions over plain data (what the selector gathers from the calls of the last hours).

The estimate: operators free a caller each `h` seconds on average, `h` being the mean
time an operator spent on a call lately (answered until put through, message taken or
ended; the latest calls, selectors.LATEST_CALLS). With `c` operators at work, the
queue moves one place each h / c seconds; the callers ahead who find an operator free
go at once. So a caller with `ahead` callers before them waits about
max(0, ahead + 1 − free) · h / c. With too few recent calls to know `h`, or no
operator at work, there is no basis and nothing is said.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FEWEST_SAMPLES = 3  # recent calls needed before an estimate is said


@dataclass(frozen=True)
class WaitBasis:
    """`ahead`: callers before this one (on the line or waiting for a callback);
    `handling_seconds`: how long operators spent on each recent call; `operators`:
    operators at work now; `busy`: of them, those in a call now."""

    ahead: int
    handling_seconds: Sequence[float]
    operators: int
    busy: int = 0


def expected_wait(basis: WaitBasis) -> timedelta | None:
    if basis.operators < 1 or len(basis.handling_seconds) < FEWEST_SAMPLES:
        return None
    mean = sum(basis.handling_seconds) / len(basis.handling_seconds)
    free = max(0, basis.operators - basis.busy)
    turns = max(0, basis.ahead + 1 - free)
    return timedelta(seconds=turns * mean / basis.operators)


def spoken_minutes(wait: timedelta) -> int | None:
    """The wait as it is said: whole minutes, to the nearest minute up to ten, to the
    nearest five up to an hour; 0 is "less than a minute", None "more than an hour"."""
    seconds = wait.total_seconds()
    if seconds < 60:
        return 0
    if seconds > 3600:
        return None
    minutes = seconds / 60
    if minutes < 10:
        return max(1, math.floor(minutes + 0.5))
    return min(60, 5 * math.floor(minutes / 5 + 0.5))


def place_words(place: int, wait: timedelta | None, *, offer: bool) -> str:
    """What a waiting caller hears (in the language active): their place, the expected
    wait when there is a basis for one, and the offer to be called back when it is made."""
    words = [_("You are number %(place)d in the queue.") % {"place": place}]
    if wait is not None:
        minutes = spoken_minutes(wait)
        if minutes is None:
            words.append(_("The expected wait is more than an hour."))
        elif minutes == 0:
            words.append(_("The expected wait is less than a minute."))
        else:
            words.append(
                ngettext(
                    "The expected wait is about %(minutes)d minute.",
                    "The expected wait is about %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes}
            )
    if offer:
        words.append(
            _(
                "Press 1 to be called back on the number you are calling from. "
                "You keep your place in the queue."
            )
        )
    return " ".join(words)


def callback_confirmation() -> str:
    """What a caller who pressed 1 hears before the call ends."""
    return _(
        "We will call you back on the number you are calling from when it is your turn. "
        "You keep your place in the queue. You can hang up now."
    )
