"""Routing decision latency over a 100,000-person directory, in-process.

Builds a Snapshot (the engine's input) of N people in N/15 units, with a quarter of
them absent (meetings merged with lunches, vacations, until-further-notice), shared
numbers of five members, and replays a mix of calls: the switchboard, direct numbers
of available and absent people, shared numbers and unknown numbers, at times spread
over open and closed hours. Prints p50/p99 per decision and decisions per second.

    .venv/bin/python bench/route.py [--people 100000] [--calls 50000]
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")

import django

django.setup()

from django.utils import translation

from vaxel.availability.merging import AbsencePart, merge_absences
from vaxel.availability.schedule import Schedule, parse_hours, parse_weekly
from vaxel.core.time import STOCKHOLM
from vaxel.routing.engine import decide
from vaxel.routing.values import (
    GroupEntry,
    NumberOwner,
    OwnerKind,
    PersonEntry,
    Snapshot,
    UnitEntry,
)

SWITCHBOARD = "+46370300000"
MONDAY = datetime(2026, 11, 30, tzinfo=STOCKHOLM)


def build(people: int, rng: random.Random) -> tuple[Snapshot, list[str], list[str]]:
    units = {u: UnitEntry(u, f"Enhet {u}") for u in range(max(1, people // 15))}
    persons, numbers, directs = {}, {}, []
    for pid in range(people):
        direct = f"+4637{10_000_000 + pid}"
        parts = []
        roll = rng.random()
        day = MONDAY + timedelta(days=rng.randrange(5))
        if roll < 0.10:  # meeting then lunch: merged
            parts = [
                AbsencePart(day.replace(hour=10), day.replace(hour=12), "meeting"),
                AbsencePart(day.replace(hour=12), day.replace(hour=13), "lunch"),
            ]
        elif roll < 0.18:
            parts = [AbsencePart(MONDAY - timedelta(days=3), MONDAY + timedelta(days=10), "vacation")]
        elif roll < 0.22:
            parts = [AbsencePart(day.replace(hour=7), None, "sick", divert_to="voicemail")]
        elif roll < 0.25:
            parts = [
                AbsencePart(day.replace(hour=h), day.replace(hour=h + 1), "meeting") for h in (8, 10, 14)
            ]
        persons[pid] = PersonEntry(
            pid, f"Person {pid}", pid % len(units), direct, absences=tuple(merge_absences(parts))
        )
        numbers[direct] = NumberOwner(OwnerKind.PERSON, pid)
        directs.append(direct)
    groups, shared = {}, []
    for gid in range(people // 50):
        number = f"+4637{30_000_000 + gid}"
        groups[gid] = GroupEntry(
            gid, f"Grupp {gid}", number, gid % len(units), tuple(rng.sample(range(people), 5))
        )
        numbers[number] = NumberOwner(OwnerKind.GROUP, gid)
        shared.append(number)
    snapshot = Snapshot(
        organisation="Benchby kommun",
        switchboard=SWITCHBOARD,
        opening_hours=Schedule(
            parse_weekly("mon-thu 08:00-16:30, fri 08:00-15:00"), {}, parse_hours("08:00-12:00")
        ),
        persons=persons,
        groups=groups,
        units=units,
        numbers=numbers,
    )
    return snapshot, directs, shared


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50_000)
    args = parser.parse_args()
    rng = random.Random(42)
    started = time.perf_counter()
    snapshot, directs, shared = build(args.people, rng)
    built = time.perf_counter() - started

    calls = []
    for _ in range(args.calls):
        roll = rng.random()
        called = (
            SWITCHBOARD
            if roll < 0.3
            else rng.choice(shared)
            if roll < 0.4
            else "+46370999999"
            if roll < 0.45
            else rng.choice(directs)
        )
        calling = rng.choice(directs) if rng.random() < 0.2 else "+4636" + str(rng.randrange(10**6, 10**7))
        at = (MONDAY + timedelta(minutes=rng.randrange(7 * 24 * 60))).astimezone(UTC)
        calls.append((called, calling, at))

    translation.activate("sv")
    for called, calling, at in calls[:1000]:  # warm caches (holidays, translations)
        decide(snapshot, called=called, calling=calling, at=at)
    timings = []
    actions: dict[str, int] = {}
    wall = time.perf_counter()
    for called, calling, at in calls:
        t0 = time.perf_counter_ns()
        decision = decide(snapshot, called=called, calling=calling, at=at)
        timings.append(time.perf_counter_ns() - t0)
        actions[decision.action.value] = actions.get(decision.action.value, 0) + 1
    wall = time.perf_counter() - wall

    timings.sort()
    p50 = timings[len(timings) // 2] / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    print(
        f"directory: {args.people} people, {len(snapshot.groups)} shared numbers, "
        f"{sum(1 for p in snapshot.persons.values() if p.absences)} with absences (built in {built:.1f} s)"
    )
    print(f"calls: {args.calls}  mix: {dict(sorted(actions.items()))}")
    print(
        f"route decision: p50 {p50:.1f} µs  p99 {p99:.1f} µs  mean {statistics.fmean(timings) / 1000:.1f} µs"
    )
    print(f"throughput: {args.calls / wall:,.0f} decisions/s (one core, in-process)")
    print(f"target p99 < 1000 µs: {'met' if p99 < 1000 else 'MISSED'}")


if __name__ == "__main__":
    main()
