"""The console's caller history over many calls. Target: under 10 ms per history (the
console asks for two on every queue refresh), with a plan that uses the indexes.

    .venv/bin/python bench/caller_history.py [--calls 100000] [--lookups 500] [--postgres URL]

Generates a directory of 1,000 employees and N calls over the last 90 days (the
default retention of callers' numbers) from 20,000 outside numbers and the employees'
own, with Zipf-like frequencies (a few numbers call every day, most once), put
through, messages taken, hung up; a tenth of them handled or open messages. Then asks
`console.selectors.caller_history` for calls from numbers drawn the same way (the
frequent callers weigh most) and prints p50/p95/max, the queries per history and the
database's plan for the earlier calls. SQLite in a temporary data folder unless
--postgres is given (it creates and drops a database `vaxel_bench_history`).
"""

import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMPLOYEES = 1000
OUTSIDE = 20000


def setup_django(postgres: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VAXEL_DATA_DIR"] = tempfile.mkdtemp(prefix="vaxel-bench-history-")
    os.environ.pop("DATABASE_URL", None)
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "vaxel_bench_history" WITH (FORCE)')
            conn.execute('CREATE DATABASE "vaxel_bench_history"')
        os.environ["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/vaxel_bench_history"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
    os.environ.setdefault("VAXEL_CLI", "1")
    os.environ.setdefault("VAXEL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def numbers(rng: random.Random) -> tuple[list[str], list[float]]:
    """Every caller's number with its weight: outside numbers and the employees' own."""
    outside = [f"+4636{1_000_000 + i}" for i in range(OUTSIDE)]
    internal = [f"+4637040{i:05d}" for i in range(EMPLOYEES)]
    everyone = outside + internal
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(everyone))]
    rng.shuffle(weights)
    return everyone, weights


def load(calls: int, rng: random.Random):
    from vaxel.core.time import now
    from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber, Unit
    from vaxel.messaging.models import Message, MessageKind, MessageStatus
    from vaxel.telephony.models import Call, CallState

    Organisation.objects.create(name="Benchby kommun", switchboard_number="+46370300000")
    units = Unit.objects.bulk_create(Unit(name=f"Enhet {u}") for u in range(EMPLOYEES // 25))
    people = Person.objects.bulk_create(
        Person(name=f"Person {i}", email=f"p{i}@bench.example", unit=units[i // 25]) for i in range(EMPLOYEES)
    )
    directs = PhoneNumber.objects.bulk_create(
        PhoneNumber(e164=f"+4637040{i:05d}", kind=NumberKind.DIRECT, person=p) for i, p in enumerate(people)
    )
    owner = {n.e164: people[i] for i, n in enumerate(directs)}
    everyone, weights = numbers(rng)
    at = now()
    states = [CallState.PUT_THROUGH] * 70 + [CallState.MESSAGE] * 10 + [CallState.ABANDONED] * 15
    states += [CallState.ENDED] * 5
    rows, messages = [], []
    for n, caller in enumerate(rng.choices(everyone, weights, k=calls)):
        arrived = at - timedelta(seconds=rng.randrange(90 * 86400))
        state = rng.choice(states)
        target = rng.randrange(EMPLOYEES)
        rows.append(
            Call(
                external_id=f"bench-{n}",
                driver="bench",
                caller=caller,
                caller_person=owner.get(caller),
                internal=caller in owner,
                called="+46370300000",
                state=state,
                arrived_at=arrived,
                ended_at=arrived + timedelta(minutes=1),
                put_through_to=directs[target] if state == CallState.PUT_THROUGH else None,
                put_through_name=people[target].name if state == CallState.PUT_THROUGH else "",
            )
        )
        if state == CallState.MESSAGE or rng.random() < 0.02:
            handled = rng.random() < 0.7
            messages.append(
                Message(
                    reference=f"M-{n:07d}",
                    taken_at=arrived,
                    taken_by_name="bench",
                    caller_number=caller,
                    subject="Ring tillbaka",
                    person=people[target],
                    kind=MessageKind.CALLBACK,
                    status=MessageStatus.HANDLED if handled else MessageStatus.NEW,
                    handled_at=arrived + timedelta(hours=3) if handled else None,
                    due_at=arrived + timedelta(hours=8),
                )
            )
    Call.objects.bulk_create(rows, batch_size=5000)
    Message.objects.bulk_create(messages, batch_size=5000)
    return everyone, weights, len(messages)


def plan(queryset) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (else SQLite)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django(args.postgres)

    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from vaxel.console.caller_history import period_start
    from vaxel.console.selectors import caller_history
    from vaxel.core.time import now
    from vaxel.directory.models import Person
    from vaxel.messaging.models import Message
    from vaxel.telephony.models import Call, CallState

    rng = random.Random(args.seed)
    began = time.perf_counter()
    everyone, weights, messages = load(args.calls, rng)
    print(
        f"{connection.vendor}: {args.calls:,} calls over 90 days from {len(everyone):,} numbers and "
        f"{messages:,} messages, generated in {time.perf_counter() - began:.1f} s"
    )
    current = Call.objects.bulk_create(
        Call(
            external_id=f"now-{i}",
            driver="bench",
            caller=caller,
            called="+46370300000",
            state=CallState.QUEUED,
        )
        for i, caller in enumerate(rng.choices(everyone, weights, k=args.lookups))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings, found, queries, slowest = [], [], [], []
    for call in current:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            history = caller_history(call.pk, now())
            timings.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
        slowest.append([float(q["time"]) * 1000 for q in captured.captured_queries])
        found.append(history.calls_in_period if history else 0)
    timings.sort()
    busiest = max(range(len(current)), key=lambda i: found[i])
    print(
        f"caller_history, {args.lookups} lookups: p50 {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms, max {timings[-1]:.2f} ms; "
        f"{max(queries)} queries each"
    )
    print(
        f"earlier calls in the period: median {statistics.median(found):.0f}, "
        f"most {found[busiest]} (the busiest caller)"
    )
    print(
        "the busiest caller's queries (call, rules, count, last calls, open messages): "
        + ", ".join(f"{ms:.1f}" for ms in slowest[busiest])
        + " ms"
    )
    caller = current[busiest].caller
    since = period_start(now(), kept_days=90)
    print("plan for the earlier calls of the busiest caller:")
    print(plan(Call.objects.filter(caller=caller, arrived_at__gte=since).order_by("-arrived_at")[:5]))
    person = Person.objects.order_by("pk").first()
    wanted = Q(caller_number=caller) | Q(person_id=person.pk if person else 0)
    print("plan for the open messages from the number or for a person:")
    print(plan(Message.objects.filter(wanted).exclude(status="handled").order_by().values("reference")[:100]))
    if args.postgres:
        import psycopg

        connection.close()
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "vaxel_bench_history" WITH (FORCE)')


if __name__ == "__main__":
    main()
