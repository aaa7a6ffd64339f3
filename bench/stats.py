"""Call statistics at scale (C2). Targets: a unit's monthly report under 0.5 s, the whole
organisation's yearly report under 5 s, both counted in the database.

    .venv/bin/python bench/stats.py [--case town|town-postgres|city] [--postgres URL]

- town: a municipality of 1,000 employees with one year of calls (about 300,000),
  reported as call events and made into call records the way the API does it, on
  SQLite (the embedded default); town-postgres: the same on PostgreSQL.
- city: 40,000 employees and 10 million calls in one year on PostgreSQL. Reporting
  40 million events through the API would take hours here, so the call records are
  generated in the database directly (the reports read only those).

Without --case it runs all three, each in a process of its own.
"""

import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import random
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
PER_UNIT = 25  # employees per unit


def postgres_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def setup_django(database: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VAXEL_DATA_DIR"] = tempfile.mkdtemp(prefix="vaxel-bench-stats-")
    os.environ.pop("DATABASE_URL", None)
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
    os.environ.setdefault("VAXEL_CLI", "1")
    os.environ.setdefault("VAXEL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def directory(employees: int):
    """Units of 25 with a shared number each, everyone with a direct number; the
    switchboard open weekdays 08–16:30."""
    from vaxel.availability.services import opening_hours_set
    from vaxel.directory.models import NumberGroup, NumberKind, Organisation, Person, PhoneNumber, Unit

    Organisation.objects.create(name="Benchby kommun", switchboard_number="+46370300000")
    opening_hours_set(weekly="mon-fri 08:00-16:30")
    units = Unit.objects.bulk_create(Unit(name=f"Enhet {u}") for u in range(employees // PER_UNIT))
    people = Person.objects.bulk_create(
        Person(name=f"Person {i}", email=f"p{i}@bench.example", unit=units[i // PER_UNIT])
        for i in range(employees)
    )
    groups = NumberGroup.objects.bulk_create(NumberGroup(name=f"Grupp {u.pk}", unit=u) for u in units)
    PhoneNumber.objects.bulk_create(
        [PhoneNumber(e164=f"+4637040{i:05d}", kind=NumberKind.DIRECT, person=p) for i, p in enumerate(people)]
        + [
            PhoneNumber(e164=f"+4637050{i:05d}", kind=NumberKind.SHARED, group=g)
            for i, g in enumerate(groups)
        ],
        batch_size=5000,
    )
    return units


def town_events(employees: int, calls_per_employee: int, seed: int = 7):
    """One year of calls as the PBX reports them: arrived, then answered and ended (or
    transferred), or abandoned; most in working hours, a few at night."""
    from vaxel.telephony.models import CallEvent

    rng = random.Random(seed)
    start = datetime(YEAR, 1, 1, tzinfo=UTC)
    for n in range(employees * calls_per_employee):
        day = start + timedelta(days=rng.randrange(365))
        hour = rng.choice([6, 7, *range(8, 17), *range(8, 17), 18, 21])
        arrived = day + timedelta(hours=hour - 1, seconds=rng.randrange(3600))
        who = rng.randrange(employees)
        pick = rng.random()
        called = (
            "+46370300000"
            if pick < 0.2
            else f"+4637050{who // PER_UNIT:05d}"
            if pick < 0.35
            else f"+4637040{who:05d}"
        )
        calling = f"+4637040{rng.randrange(employees):05d}" if rng.random() < 0.05 else "+46361234567"
        steps = [("arrived", arrived)]
        if rng.random() < 0.88:
            answered = arrived + timedelta(seconds=int(rng.expovariate(1 / 14)))
            ended = answered + timedelta(seconds=int(rng.expovariate(1 / 150)))
            steps += [("answered", answered), ("transferred" if rng.random() < 0.15 else "ended", ended)]
        else:
            steps.append(("abandoned", arrived + timedelta(seconds=rng.randrange(5, 90))))
        for kind, at in steps:
            yield CallEvent(
                event_id=f"call-{n}-{kind}",
                call_id=f"call-{n}",
                kind=kind,
                at=at,
                called=called,
                calling=calling,
            )


def load_town(employees: int) -> None:
    from itertools import islice

    from vaxel.servicelevels.services import call_records_refresh
    from vaxel.telephony.models import CallEvent

    directory(employees)
    began = time.perf_counter()
    events = town_events(employees, 300)
    while chunk := list(islice(events, 20000)):
        CallEvent.objects.bulk_create(chunk)
    stored = time.perf_counter()
    calls = call_records_refresh(CallEvent.objects.values_list("call_id", flat=True).distinct())
    done = time.perf_counter()
    print(
        f"  {CallEvent.objects.count():,} events stored in {stored - began:.1f} s; "
        f"{calls:,} call records made from them in {done - stored:.1f} s "
        f"({calls / (done - stored):,.0f} calls/s)"
    )


CITY_SQL = """
INSERT INTO servicelevels_callrecord
    (call_id, scope, number_id, unit_id, caller_unit_id, internal, arrived_at, day, hour,
     open, telephone_hours, answered, wait_seconds, talk_seconds, abandoned, transferred)
SELECT 'city-' || g, 'direct', p.number_id, p.unit_id,
       CASE WHEN g %% 20 = 0 THEN p.unit_id END, g %% 20 = 0,
       t.at, (t.at AT TIME ZONE 'Europe/Stockholm')::date,
       extract(hour FROM t.at AT TIME ZONE 'Europe/Stockholm'),
       extract(isodow FROM t.at AT TIME ZONE 'Europe/Stockholm') < 6
         AND extract(hour FROM t.at AT TIME ZONE 'Europe/Stockholm') BETWEEN 8 AND 15,
       g %% 7 = 0,
       r.answered, CASE WHEN r.answered THEN (r.x * r.x * 90)::int END,
       CASE WHEN r.answered THEN (r.x * 400)::int END,
       NOT r.answered, r.answered AND g %% 9 = 0
FROM generate_series(1, %(calls)s) AS g
CROSS JOIN LATERAL (SELECT random() + 0 * g < 0.88 AS answered, random() + 0 * g AS x) AS r
CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 00:00+01'
                    + (g::float / %(calls)s * 365 * 86400) * interval '1 second' AS at) AS t
JOIN (SELECT row_number() OVER (ORDER BY n.id) - 1 AS k, n.id AS number_id, pe.unit_id
      FROM directory_phonenumber n JOIN directory_person pe ON pe.id = n.person_id) AS p
  ON p.k = (g::bigint * 7919) %% %(employees)s
"""


def load_city(employees: int, calls: int) -> None:
    from django.db import connection

    directory(employees)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(CITY_SQL, {"calls": calls, "employees": employees})
        cursor.execute("VACUUM ANALYZE servicelevels_callrecord")
    print(f"  {calls:,} call records generated in the database in {time.perf_counter() - began:.0f} s")


def timed(run, times: int) -> tuple[float, float]:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent), max(spent)


def measure() -> None:
    from django.db.models import Count

    from vaxel.servicelevels.models import CallRecord
    from vaxel.servicelevels.selectors import statistics_report, statistics_scope

    busiest = (
        CallRecord.objects.exclude(unit=None).values("unit").annotate(n=Count("id")).order_by("-n").first()
    )
    unit = statistics_scope(unit=str(busiest["unit"]))
    everyone = statistics_scope()
    month = (date(YEAR, 3, 1), date(YEAR, 3, 31))
    result = statistics_report(unit, first=month[0], last=month[1])
    median, worst = timed(lambda: statistics_report(unit, first=month[0], last=month[1]), 7)
    print(
        f"  a unit's monthly report ({unit.label}, {result.total.offered:,} calls): "
        f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms  (target < 500 ms)"
    )
    year = statistics_report(everyone, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31))
    median, worst = timed(
        lambda: statistics_report(everyone, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31)), 3
    )
    total = year.total
    print(
        f"  the organisation's yearly report ({total.offered:,} calls, {total.answered_in_time_percent} % "
        f"in time, p90 {year.p90_wait} s): median {median:.2f} s, worst {worst:.2f} s  (target < 5 s)"
    )


def run_case(case: str, postgres: str) -> None:
    database = (
        None if case == "town" else postgres_database(postgres, "vaxel_bench_stats_" + case.replace("-", "_"))
    )
    setup_django(database)
    if case == "city":
        print("City: 40,000 employees, 10 million calls, PostgreSQL")
        load_city(40000, 10_000_000)
    else:
        print(f"Town: 1,000 employees, one year of calls, {'PostgreSQL' if database else 'SQLite'}")
        load_town(1000)
    measure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["town", "town-postgres", "city"])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("VAXEL_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.postgres)
        return
    for case in ("town", "town-postgres", "city"):
        subprocess.run([sys.executable, __file__, "--case", case, "--postgres", args.postgres], check=True)


if __name__ == "__main__":
    main()
