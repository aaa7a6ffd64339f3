"""The call simulator's rules, with no database and no clock."""

import random
from datetime import datetime, timedelta
from itertools import islice, pairwise, takewhile

from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.core.time import STOCKHOLM
from vaxel.telephony.simulation import Directory, arrivals, load_at

DIRECTORY = Directory(
    people=("Anna Sjöberg", "Björn Åberg", "Cecilia Öst"),
    units=("Bygglov", "Skolskjuts"),
    keywords=("bygglov", "skolskjuts", "detaljplan"),
    internal_numbers=("+46370331001", "+46370331002"),
)
MONDAY = datetime(2026, 11, 30, tzinfo=STOCKHOLM)


def day_of_calls(rate: float, start: datetime, seed: int = 7):
    end = start + timedelta(days=1)
    calls = arrivals(rng=random.Random(seed), start=start, rate=rate, directory=DIRECTORY)
    return list(takewhile(lambda c: c.at < end, calls))


def test_calls_follow_the_working_day_peaks_and_nights_are_quiet():
    calls = day_of_calls(2.0, MONDAY)
    by_hour = [sum(1 for c in calls if c.at.astimezone(STOCKHOLM).hour == h) for h in range(24)]
    assert by_hour[9] > by_hour[12] < by_hour[13]  # morning peak, lunch dip, afternoon peak
    assert sum(by_hour[0:6]) < by_hour[9] / 4
    # --rate is the mean over the working day (07-17): about 2 × 60 × 10 calls there.
    assert 1000 < sum(by_hour[7:17]) < 1400


def test_weekends_have_few_calls():
    assert len(day_of_calls(2.0, MONDAY - timedelta(days=1))) < len(day_of_calls(2.0, MONDAY)) / 5


def test_callers_ask_for_people_units_and_services_and_some_are_internal():
    calls = day_of_calls(2.0, MONDAY)
    asked = {c.asks_for for c in calls}
    assert {"Bygglov", "skolskjuts"} <= asked and "Anna Sjöberg" in asked
    assert "Anna Sjoberg" in asked or "Sjöberg" in asked  # heard without å/ä/ö, or the surname only
    internal = [c for c in calls if c.internal]
    assert 0.05 < len(internal) / len(calls) < 0.15
    assert {c.caller for c in internal} <= set(DIRECTORY.internal_numbers)
    assert any(c.caller == "" for c in calls)  # some withhold their number


def test_the_same_seed_gives_the_same_calls():
    assert day_of_calls(1.0, MONDAY, seed=3) == day_of_calls(1.0, MONDAY, seed=3)


@settings(max_examples=50, deadline=None)
@given(rate=st.floats(0.1, 100), seed=st.integers(0, 10**6))
def test_calls_come_in_order_and_callers_are_patient_for_a_while(rate, seed):
    calls = list(
        islice(arrivals(rng=random.Random(seed), start=MONDAY, rate=rate, directory=DIRECTORY, flat=True), 50)
    )
    assert all(a.at <= b.at for a, b in pairwise(calls))
    assert all(30 <= c.patience <= 180 and 20 <= c.talk <= 90 for c in calls)  # the default: 3 minutes


def test_flat_load_is_the_same_day_and_night():
    assert load_at(MONDAY.replace(hour=3), flat=True) == load_at(MONDAY.replace(hour=9), flat=True) == 1.0
    assert load_at(MONDAY.replace(hour=3)) < load_at(MONDAY.replace(hour=9))
