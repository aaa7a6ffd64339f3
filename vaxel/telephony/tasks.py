"""Telephony jobs on the huey queue: the check for diversions that ended while the
phone still goes unanswered."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.telephony.services import forgotten_diversions_nudge


@db_periodic_task(crontab(minute="*/10"))
def nudge_forgotten_diversions() -> int:
    return forgotten_diversions_nudge()
