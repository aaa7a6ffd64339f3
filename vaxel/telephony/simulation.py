"""The call simulator's rules: when calls arrive through the day and what callers ask
for. Plain Python over plain data; `vaxel simulate` feeds the calls to a running Växel
through the same call-events API a telephone system uses."""

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from vaxel.core.time import local

# Share of the busiest hour's calls in each local hour of a working day: a morning peak
# after nine, a dip at lunch, a second peak after one.
DAY_PROFILE = {7: 0.15, 8: 0.7, 9: 1.0, 10: 0.95, 11: 0.7, 12: 0.4, 13: 0.85, 14: 0.8, 15: 0.6, 16: 0.35}
NIGHT = 0.03
WEEKEND = 0.1
MEAN_DAY_LOAD = sum(DAY_PROFILE.values()) / len(DAY_PROFILE)

VAGUE_REQUESTS = (
    _("someone about an invoice"),
    _("whoever handles parking permits"),
    _("does not know who to ask"),
)


@dataclass(frozen=True)
class Directory:
    """What callers may ask for, and the organisation's own numbers (internal callers, E8)."""

    people: tuple[str, ...]
    units: tuple[str, ...]
    keywords: tuple[str, ...]
    internal_numbers: tuple[str, ...]


@dataclass(frozen=True)
class SimulatedCall:
    at: datetime
    caller: str  # E.164, or "" when the number is withheld
    internal: bool
    asks_for: str
    patience: float  # seconds the caller waits in the queue before hanging up
    talk: float  # seconds they stay on with the operator if not put through


def load_at(at: datetime, *, flat: bool = False) -> float:
    """How busy the switchboard is at `at`, relative to the busiest hour."""
    if flat:
        return 1.0
    moment = local(at)
    load = DAY_PROFILE.get(moment.hour, NIGHT)
    return load * WEEKEND if moment.weekday() >= 5 else load


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _misheard(rng: random.Random, name: str) -> str:
    """How an operator may hear and type a name: no å/ä/ö, the surname only, a slip."""
    roll = rng.random()
    if roll < 0.2:
        return _strip_marks(name)
    if roll < 0.3:
        return name.split()[-1]
    if roll < 0.4 and len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def _asks_for(rng: random.Random, directory: Directory) -> str:
    roll = rng.random()
    if roll < 0.55 and directory.people:
        return _misheard(rng, rng.choice(directory.people))
    if roll < 0.75 and directory.units:
        return rng.choice(directory.units)
    if roll < 0.95 and directory.keywords:
        return rng.choice(directory.keywords)
    return str(rng.choice(VAGUE_REQUESTS))


def _caller(rng: random.Random, directory: Directory) -> tuple[str, bool]:
    roll = rng.random()
    if roll < 0.1 and directory.internal_numbers:
        return rng.choice(directory.internal_numbers), True
    if roll < 0.15:
        return "", False
    if roll < 0.6:
        return f"+467{rng.choice('0236')}{rng.randrange(10**7):07d}", False
    return f"+46{rng.choice(['370', '36', '31', '8'])}{rng.randrange(10**6):06d}", False


def arrivals(
    *,
    rng: random.Random,
    start: datetime,
    rate: float,
    directory: Directory,
    flat: bool = False,
    patience: float = 180.0,
) -> Iterator[SimulatedCall]:
    """Calls as a Poisson process whose rate follows the day: `rate` calls a minute on
    average over the working day, more in the peaks, few at night and at weekends.
    Callers wait between a sixth of `patience` and all of it (seconds) before giving up."""
    if rate <= 0:
        return
    peak = rate / (1.0 if flat else MEAN_DAY_LOAD)  # calls a minute in the busiest hour
    at = start
    while True:
        at += timedelta(seconds=rng.expovariate(peak / 60))
        if rng.random() < load_at(at, flat=flat):
            caller, internal = _caller(rng, directory)
            yield SimulatedCall(
                at=at,
                caller=caller,
                internal=internal,
                asks_for=_asks_for(rng, directory),
                patience=rng.uniform(patience / 6, patience),
                talk=rng.uniform(patience / 9, patience / 2),
            )
