"""The queue's order and a callback's steps: pure functions over plain data, so the
fairness rules are tested as properties without a database (tests/test_queueing.py).

A caller's place is the moment they first reached the queue (`place_at`) and their
priority: whoever came earlier at the same priority is served first, whether they are
still on the line or asked to be called back (pressed 1). A callback is a state of the
call, never a second entry: asking again (a repeated key, a retransmitted INFO, a
double click) changes nothing, a failed attempt puts the callback back at its place,
and a caller who phones again while their callback waits takes over that place.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# Call states (CallState's values) as the rules below see them.
QUEUED, CALLBACK, ANSWERED, ENDED = "queued", "callback", "answered", "ended"
WAITING_STATES = (QUEUED, CALLBACK)  # in the consoles' queue, in one order


@dataclass(frozen=True)
class Entry:
    """One caller in the queue: `key` is the call's id (it breaks ties between two who
    came at the same instant), `callback` whether they wait to be called back."""

    key: int
    place_at: datetime
    priority: int = 0  # lower is served first; every switchboard caller has 0 today
    callback: bool = False


def queue_order(entries: Iterable[Entry]) -> list[Entry]:
    """The order the consoles show and the operators answer in."""
    return sorted(entries, key=lambda e: (e.priority, e.place_at, e.key))


def place_of(entries: Iterable[Entry], key: int) -> int | None:
    """The caller's number in the queue (1 is next), None when not in it."""
    for number, entry in enumerate(queue_order(entries), start=1):
        if entry.key == key:
            return number
    return None


@dataclass(frozen=True)
class CallbackStep:
    """What a step does to a call: its new state (None: refused, nothing changes) and
    whether the step is new (False: a repeat, which must not be logged or acted on)."""

    state: str | None
    new: bool = True


def callback_step(state: str, step: str, *, attempts: int = 0, most_attempts: int = 3) -> CallbackStep:
    """A callback's steps: `request` (the caller pressed 1: only a caller still waiting
    on the line may; again is a repeat), `start` (an operator places the call: only a
    waiting callback), `failed` (nobody answered the `attempts`-th call: back at its
    place, or given up after `most_attempts`), `done` (the caller answered: the call is
    an answered one)."""
    if step == "request":
        if state == QUEUED:
            return CallbackStep(CALLBACK)
        return CallbackStep(state, new=False) if state == CALLBACK else CallbackStep(None)
    if step == "start":
        return CallbackStep(ANSWERED) if state == CALLBACK else CallbackStep(None)
    if step == "failed":
        if state != ANSWERED:
            return CallbackStep(None)
        return CallbackStep(ENDED if attempts >= most_attempts else CALLBACK)
    if step == "done":
        return CallbackStep(ANSWERED) if state == ANSWERED else CallbackStep(None)
    raise ValueError(step)


def callback_offered(
    *, number_known: bool, expected_seconds: float | None, waited_seconds: float, after: int
) -> bool:
    """Whether the caller hears they may press 1: only when their number is known (a
    withheld number cannot be called back) and the wait is long, expected or already
    waited (`after` seconds; 0 turns the offer off)."""
    if not number_known or after <= 0:
        return False
    return waited_seconds >= after or (expected_seconds is not None and expected_seconds >= after)


def overflow_reason(
    *, present: int, waiting: int, waited_seconds: float, most_waiting: int | None, longest_wait: int | None
) -> str | None:
    """Why a caller in the queue goes on to the overflow now, or None: no operator is
    there, more callers wait than the queue takes (counting this one), or this one has
    waited longer than the longest wait allowed."""
    if present == 0:
        return "nobody"
    if most_waiting is not None and waiting > most_waiting:
        return "queue_full"
    if longest_wait is not None and waited_seconds >= longest_wait:
        return "waited"
    return None
