"""A diversion that ended while calls to the direct number go unanswered is questioned
(the telephone system's call events), once; an answered call leaves it alone."""

from datetime import datetime, timedelta

from vaxel.availability.services import absence_add
from vaxel.core.time import STOCKHOLM
from vaxel.messaging.models import OutboxEmail
from vaxel.telephony.models import CallEvent
from vaxel.telephony.services import forgotten_diversions_nudge


def stockholm(*args):
    return datetime(*args, tzinfo=STOCKHOLM)


def test_a_diversion_that_ended_while_calls_go_unanswered_is_questioned(town):
    lunch_end = stockholm(2026, 12, 1, 13)
    absence_add(person=town.anna, reason="lunch", starts_at=stockholm(2026, 12, 1, 12), ends_at=lunch_end)
    for n, minute in enumerate((5, 20)):
        for kind in ("arrived", "ended"):
            CallEvent.objects.create(
                event_id=f"{n}{kind}",
                call_id=f"c{n}",
                kind=kind,
                at=lunch_end + timedelta(minutes=minute),
                called="+46370331001",
            )
    assert (
        forgotten_diversions_nudge(at=lunch_end + timedelta(minutes=10)) == 0
    )  # one call is not yet a pattern
    assert forgotten_diversions_nudge(at=lunch_end + timedelta(minutes=30)) == 1
    assert forgotten_diversions_nudge(at=lunch_end + timedelta(minutes=40)) == 0  # asked once
    [email] = OutboxEmail.objects.all()
    assert email.recipients == [town.anna.email] and "13:00" in email.text


def test_a_diversion_followed_by_an_answered_call_is_left_alone(town):
    lunch_end = stockholm(2026, 12, 1, 13)
    absence_add(person=town.anna, reason="lunch", starts_at=stockholm(2026, 12, 1, 12), ends_at=lunch_end)
    for n, kind in enumerate(("ended", "ended", "answered")):
        CallEvent.objects.create(
            event_id=str(n),
            call_id=f"c{n}",
            kind=kind,
            at=lunch_end + timedelta(minutes=5 + n),
            called="+46370331001",
        )
    assert forgotten_diversions_nudge(at=lunch_end + timedelta(minutes=30)) == 0
