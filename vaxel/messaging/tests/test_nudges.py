"""E3: an absence "until further notice" that has run for days is questioned, once."""

from datetime import datetime, timedelta

from vaxel.availability.services import absence_add
from vaxel.core.time import STOCKHOLM
from vaxel.messaging.models import OutboxEmail
from vaxel.messaging.services import open_absences_nudge

AT = datetime(2026, 10, 19, 8, 0, tzinfo=STOCKHOLM)


def test_an_absence_until_further_notice_is_questioned_once_after_three_days(town):
    absence_add(person=town.bjorn, reason="sick", starts_at=AT, ends_at=None)
    assert open_absences_nudge(at=AT + timedelta(hours=71)) == 0
    assert open_absences_nudge(at=AT + timedelta(hours=73)) == 1
    assert open_absences_nudge(at=AT + timedelta(hours=100)) == 0
    [email] = OutboxEmail.objects.all()
    assert email.recipients == [town.bjorn.email] and "tills vidare" in email.text
