"""Search-as-you-type over 100,000 people plus units and keywords: latency and top-1
accuracy on a fixed list of typo queries, for Växel's index, PostgreSQL pg_trgm and
SQLite FTS5 (trigram tokenizer), on the same data in the same run.

    .venv/bin/python bench/search.py [--people 100000] [--queries 300] [--postgres URL]

PostgreSQL is skipped (and says so) when it cannot be reached.
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import random
import sqlite3
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")

import django

django.setup()

import json

from vaxel.directory.search import Entry, SearchIndex, fold, trigrams

DATA = json.loads((Path(__file__).parent.parent / "vaxel/demo/demo_data/municipality.json").read_text())
PREFIXES = [
    "Sjö",
    "Lind",
    "Berg",
    "Ek",
    "Al",
    "Björk",
    "Ström",
    "Hag",
    "Ny",
    "Öst",
    "Väst",
    "Sand",
    "Sten",
    "Gran",
    "Lund",
    "Dahl",
    "Holm",
    "Ås",
    "Ängs",
    "Hed",
    "Fors",
    "Löv",
    "Rosen",
    "Wall",
    "Kvarn",
]
SUFFIXES = [
    "berg",
    "ström",
    "qvist",
    "gren",
    "lund",
    "man",
    "dahl",
    "holm",
    "sson",
    "blad",
    "fors",
    "näs",
    "vall",
    "bäck",
    "mark",
    "by",
    "ryd",
    "hed",
    "sjö",
    "lin",
    "stedt",
    "höök",
    "gård",
    "ling",
]


def directory(people: int, rng: random.Random) -> tuple[list[Entry], list[str]]:
    units = DATA["units"] + [c for u in DATA["units"] for c in u.get("children", [])]
    entries = [Entry("unit", i, " ".join([u["name"], *u["keywords"]]), 1.1) for i, u in enumerate(units)]
    first = DATA["first_names"] + [
        "Agnes",
        "Wilma",
        "Edvin",
        "Ludvig",
        "Sixten",
        "Märit",
        "Signe",
        "Åsa-Lena",
        "Göran",
        "Björn",
        "Kjell",
        "Örjan",
        "Ingegärd",
        "Solveig",
        "Tyra",
        "Vera",
    ]
    last = DATA["last_names"] + [p + s for p in PREFIXES for s in SUFFIXES]
    titles = ["handläggare", "socialsekreterare", "lärare", "undersköterska", "ekonom", "bygglovshandläggare"]
    names = []
    for pid in range(people):
        name = f"{rng.choice(first)} {rng.choice(last)}"
        names.append(name)
        unit = units[pid % len(units)]["name"]
        entries.append(Entry("person", pid, f"{name} {rng.choice(titles)} {unit}", name=name))
    return entries, names


def typo(name: str, rng: random.Random) -> str:
    """One realistic mistake: no å/ä/ö, a letter missing, a letter added, two swapped,
    the surname first, or typed in lower case."""
    first, last = name.split(" ", 1)
    kind = rng.randrange(6)
    if kind == 0:
        return fold(name)
    if kind == 1 and len(last) > 4:
        i = rng.randrange(1, len(last) - 1)
        return f"{first} {last[:i]}{last[i + 1 :]}"
    if kind == 2:
        return f"{first} {last}h"
    if kind == 3 and len(last) > 3:
        i = rng.randrange(1, len(last) - 2)
        return f"{first} {last[:i]}{last[i + 1]}{last[i]}{last[i + 2 :]}"
    if kind == 4:
        return f"{last} {first}"
    return name.lower()


def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def run(label: str, search, queries: list[tuple[str, str]]) -> None:
    timings, correct = [], 0
    for query, expected in queries:
        started = time.perf_counter()
        top = search(query)
        timings.append(time.perf_counter() - started)
        correct += top is not None and fold(top) == fold(expected)
    p50, p95 = percentiles(timings)
    print(f"{label:<28} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   top-1 {100 * correct / len(queries):5.1f} %")


def vaxel_engine(entries: list[Entry], names: list[str]):
    started = time.perf_counter()
    index = SearchIndex.build(entries)
    print(f"Växel index built in {time.perf_counter() - started:.1f} s")

    def search(query: str) -> str | None:
        hits = index.search(query, limit=10)
        people = [e for e, _s in hits if e.kind == "person"]
        return names[people[0].id] if people else None

    return search


def fts5(names: list[str]):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE people USING fts5(name, tokenize='trigram')")
    db.executemany(
        "INSERT INTO people(rowid, name) VALUES (?, ?)", ((i, fold(n)) for i, n in enumerate(names))
    )

    def search(query: str) -> str | None:
        grams = [g for g in trigrams(fold(query).replace(" ", "")) if " " not in g]
        if not grams:
            return None
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        row = db.execute(
            "SELECT rowid FROM people WHERE people MATCH ? ORDER BY rank LIMIT 1", (match,)
        ).fetchone()
        return names[row[0]] if row else None

    return search


def pg_trgm(names: list[str], url: str):
    import psycopg

    admin = psycopg.connect(url, autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS vaxel_bench_search")
    admin.execute("CREATE DATABASE vaxel_bench_search")
    admin.close()
    db = psycopg.connect(url.rsplit("/", 1)[0] + "/vaxel_bench_search", autocommit=True)
    db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    db.execute("CREATE TABLE people (id int PRIMARY KEY, name text, folded text)")
    with db.cursor().copy("COPY people (id, name, folded) FROM STDIN") as copy:
        for i, name in enumerate(names):
            copy.write_row((i, name, fold(name)))
    db.execute("CREATE INDEX people_trgm ON people USING gist (folded gist_trgm_ops)")
    db.execute("ANALYZE people")

    def search(query: str) -> str | None:
        row = db.execute("SELECT id FROM people ORDER BY folded <-> %s LIMIT 1", (fold(query),)).fetchone()
        return names[row[0]] if row else None

    return search, lambda: (db.close(), _drop(url))


def _drop(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS vaxel_bench_search")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("VAXEL_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()
    rng = random.Random(2014)
    entries, names = directory(args.people, rng)
    targets = rng.sample(range(args.people), args.queries)
    queries = [(typo(names[t], rng), names[t]) for t in targets]
    print(
        f"{args.people} people, {len(entries) - args.people} units; {len(queries)} typo queries, e.g. "
        + ", ".join(repr(q) for q, _e in queries[:4])
    )
    run("Växel (in-memory trigrams)", vaxel_engine(entries, names), queries)
    run("SQLite FTS5 trigram", fts5(names), queries)
    try:
        search, close = pg_trgm(names, args.postgres)
    except Exception as error:
        print(f"PostgreSQL pg_trgm            skipped: {type(error).__name__}: {error}")
    else:
        run("PostgreSQL pg_trgm (<->)", search, queries)
        close()
    print("targets: p95 < 20 ms, top-1 >= 95 %")


if __name__ == "__main__":
    main()
