"""Work-mobile usage at scale (W2). Targets: a year of usage for 3,000 subscriptions
(about 3 million lines) imported in under 60 s, the report of unusual use in under 2 s.

    .venv/bin/python bench/mobiles.py [--subscriptions 3000] [--lines-per-day 4] [--postgres URL]

The operator's specification comes as one file a month (Telia's columns, semicolons,
Windows-1252, as the business portal exports it); the twelve files are imported one
after another through the same service `vaxel mobile usage import` calls, and the times
summed. Writing the files is not timed. The registry itself (people, subscriptions,
holders) is set up with bulk inserts: it is not what is measured.
"""

import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import random
import tempfile
import time
from calendar import monthrange
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
PER_UNIT = 30
HEADER = "Anknytning;Datum;Klockslag;Tjänst;Till nummer;Samtalstid;Volym (kB);Belopp;Land;Moms\n"


def setup_django(database: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VAXEL_DATA_DIR"] = tempfile.mkdtemp(prefix="vaxel-bench-mobiles-")
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


def registry(count: int) -> list[str]:
    """Units, people with a work mobile each, handed out. Returns the numbers."""
    from datetime import UTC, datetime

    from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber, Unit
    from vaxel.mobiles.models import Assignment, Subscription

    Organisation.objects.create(name="Benchby kommun", switchboard_number="+46370331000")
    units = Unit.objects.bulk_create([Unit(name=f"Enhet {i}") for i in range(count // PER_UNIT + 1)])
    people = Person.objects.bulk_create(
        [
            Person(name=f"Person {i}", email=f"p{i}@example.se", unit=units[i // PER_UNIT])
            for i in range(count)
        ]
    )
    numbers = [f"+4670{5000000 + i:07d}" for i in range(count)]
    PhoneNumber.objects.bulk_create(
        [PhoneNumber(e164=n, kind=NumberKind.MOBILE, person=p) for n, p in zip(numbers, people, strict=True)]
    )
    subscriptions = Subscription.objects.bulk_create(
        [Subscription(number=n, operator="Telia", iccid=f"8946{i:016d}") for i, n in enumerate(numbers)]
    )
    since = datetime(YEAR - 1, 6, 1, tzinfo=UTC)
    Assignment.objects.bulk_create(
        [
            Assignment(subscription=s, person=p, since=since)
            for s, p in zip(subscriptions, people, strict=True)
        ]
    )
    return numbers


def month_file(numbers: list[str], month: int, per_day: int, rng: random.Random) -> bytes:
    """One month's specification: calls, SMS and data on working days mostly in working
    hours; a few subscriptions misused (premium numbers, roaming, evenings, a spike)."""
    days = monthrange(YEAR, month)[1]
    misused = set(rng.sample(range(len(numbers)), k=max(1, len(numbers) // 100)))
    out = [HEADER]
    for index, number in enumerate(numbers):
        shown = f"0{number[3:5]}-{number[5:8]} {number[8:10]} {number[10:]}"
        bad = index in misused
        for day in range(1, days + 1):
            stamp = f"{YEAR}-{month:02d}-{day:02d}"
            for _ in range(per_day * (3 if bad else 1)):
                hour = rng.randint(19, 23) if bad and rng.random() < 0.6 else rng.randint(8, 16)
                clock = f"{hour:02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                pick = rng.random()
                if pick < 0.6:
                    to = (
                        "0900123456"
                        if bad and rng.random() < 0.05
                        else f"07{rng.randint(0, 9)}{rng.randint(0, 9999999):07d}"
                    )
                    secs = rng.randint(10, 900)
                    out.append(
                        f"{shown};{stamp};{clock};Samtal;{to};{secs};;{secs * 0.02:.2f}".replace(".", ",")
                        + ";;0\n"
                    )
                elif pick < 0.85:
                    to = "72550" if bad and rng.random() < 0.05 else f"070{rng.randint(0, 9999999):07d}"
                    out.append(f"{shown};{stamp};{clock};SMS;{to};;;0,69;;0\n")
                else:
                    land = "Schweiz" if bad and rng.random() < 0.2 else ""
                    kb = rng.randint(100, 50_000)
                    out.append(f"{shown};{stamp};{clock};Data;;;{kb};0,00;{land};0\n")
    return "".join(out).encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=3000)
    parser.add_argument("--lines-per-day", type=int, default=3, help="per subscription and day, on average")
    parser.add_argument("--postgres", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    setup_django(args.postgres)
    from vaxel.core.time import now
    from vaxel.mobiles.imports import anomalies_find, usage_import
    from vaxel.mobiles.models import UsageMonth, UsageRecord
    from vaxel.mobiles.selectors import anomaly_report

    rng = random.Random(2014)
    numbers = registry(args.subscriptions)
    print(f"{len(numbers)} subscriptions; writing twelve monthly specifications …", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="vaxel-bench-usage-"))
    files = []
    for month in range(1, 13):
        path = folder / f"telia-{YEAR}-{month:02d}.csv"
        path.write_bytes(month_file(numbers, month, args.lines_per_day, rng))
        files.append(path)
    size = sum(p.stat().st_size for p in files) / 1e6

    import_seconds = 0.0
    for path in files:
        started = time.perf_counter()
        result = usage_import(data=path.read_bytes(), file_name=path.name, preset="telia")
        took = time.perf_counter() - started
        import_seconds += took
        print(
            f"  {path.name}: {result.rows:,} lines in {took:.1f} s, {result.anomalies} unusual uses",
            flush=True,
        )
    lines = UsageRecord.objects.count()
    print(f"import: {lines:,} lines ({size:.0f} MB) in {import_seconds:.1f} s "
          f"= {lines / import_seconds:,.0f} lines/s (target < 60 s)")  # fmt: skip

    keys = set(UsageMonth.objects.values_list("subscription_id", "month"))
    started = time.perf_counter()
    anomalies_find(keys=keys, at=now())
    detect = time.perf_counter() - started
    started = time.perf_counter()
    rows = anomaly_report(unreviewed=True)
    report = time.perf_counter() - started
    started = time.perf_counter()
    unit_rows = anomaly_report(unit_ids={1}, unreviewed=True)
    unit_report = time.perf_counter() - started
    print(f"anomalies found again over the whole year: {detect:.2f} s")
    print(f"report, whole organisation: {len(rows):,} rows in {report:.2f} s (target < 2 s)")
    print(f"report, one unit: {len(unit_rows)} rows in {unit_report:.3f} s")


if __name__ == "__main__":
    main()
