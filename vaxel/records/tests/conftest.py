"""Records test parts: messages taken and handled at a given time, and the Tuesday of
calls the statistics' tests count by hand (vaxel/servicelevels/tests/conftest.py)."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings

from vaxel.core.time import now
from vaxel.messaging.models import Message
from vaxel.messaging.services import message_mark, message_take
from vaxel.servicelevels.tests.conftest import tuesday
from vaxel.telephony.tests.conftest import media

CALLER = "+46361234567"


def taken(
    *,
    days_ago: float,
    step: str | None = "called_back",
    kind: str = "callback",
    caller: str = CALLER,
    recording: bytes | None = None,
    at: datetime | None = None,
    subject: str = "Bygglov garage",
) -> Message:
    """A message for Anna taken `days_ago` days before `at` (now) and, with a step,
    handled a minute later."""
    when = (at or now()) - timedelta(days=days_ago)
    message = message_take(
        subject=subject,
        caller_name="Greta Ek",
        caller_number=caller,
        for_person="anna.sjoberg@example.se",
        kind=kind,
        at=when,
        recording=recording,
    )
    if step is not None:
        message = message_mark(message=message, step=step, note="klart", at=when + timedelta(minutes=1))
    return message


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    return tmp_path


def exists(message: Message) -> bool:
    return Message.objects.filter(pk=message.pk).exists()


__all__ = ["CALLER", "exists", "media", "settings", "taken", "tuesday"]
