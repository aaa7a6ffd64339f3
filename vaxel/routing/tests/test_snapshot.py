from datetime import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vaxel.availability.services import absence_add
from vaxel.core.time import STOCKHOLM
from vaxel.directory.services import person_add
from vaxel.routing.engine import decide
from vaxel.routing.snapshot import snapshot_build
from vaxel.routing.values import OwnerKind
from vaxel.testing import ANNA_DIRECT, ANNA_SECRET_MOBILE, BJORN_PUBLIC_MOBILE, SWITCHBOARD

TUESDAY_10 = datetime(2026, 12, 1, 10, tzinfo=STOCKHOLM)


def test_snapshot_holds_the_directory_and_hides_unconsented_mobiles(town):
    snapshot = snapshot_build(since=TUESDAY_10)
    assert snapshot.organisation == "Testby kommun" and snapshot.switchboard == SWITCHBOARD
    anna = snapshot.persons[town.anna.pk]
    assert anna.direct == ANNA_DIRECT and anna.public_mobile is None  # S3
    assert snapshot.persons[town.bjorn.pk].public_mobile == BJORN_PUBLIC_MOBILE
    assert snapshot.numbers[ANNA_SECRET_MOBILE].kind is OwnerKind.PERSON
    assert not snapshot.numbers[ANNA_SECRET_MOBILE].public
    assert snapshot.groups[town.group.pk].member_ids == tuple(sorted((town.anna.pk, town.bjorn.pk)))


def test_snapshot_takes_the_same_few_queries_whatever_the_size(town):
    with CaptureQueriesContext(connection) as small:
        snapshot_build(since=TUESDAY_10)
    for index in range(30):
        person = person_add(
            name=f"Person {index}",
            email=f"p{index}@example.se",
            unit="Bygglov",
            direct_number=f"0370-3320{index:02d}",
        )
        absence_add(person=person, reason="meeting", starts_at=TUESDAY_10, ends_at=None)
    with CaptureQueriesContext(connection) as large:
        snapshot_build(since=TUESDAY_10)
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_e3_route_from_the_database_uses_merged_absences(town):
    absence_add(person=town.anna, reason="meeting", starts_at=TUESDAY_10, ends_at=TUESDAY_10.replace(hour=12))
    absence_add(
        person=town.anna,
        reason="lunch",
        starts_at=TUESDAY_10.replace(hour=12),
        ends_at=TUESDAY_10.replace(hour=13),
    )
    decision = decide(snapshot_build(since=TUESDAY_10), called=ANNA_DIRECT, calling=None, at=TUESDAY_10)
    assert decision.announcement == "Anna Sjöberg är på möte och är tillbaka klockan 13.00."
