"""Background work on the huey queue: sending the outbox, reminders and escalations,
the daily digest, the question about absences "until further notice". The worker runs
them (`vaxel worker`); in tests they run at once."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.messaging.outbox import outbox_deliver  # the outbox's own job, deliver_outbox, lives there
from vaxel.messaging.services import digest_send, follow_up_run, open_absences_nudge

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def deliver_outbox_retries() -> int:
    """Retries whatever is due (a failed send waits for its back-off)."""
    return outbox_deliver()


@db_periodic_task(crontab(minute="*/5"))
def follow_up() -> dict:
    return follow_up_run()


@db_periodic_task(crontab(minute="*/5"))
def daily_digest() -> int | None:
    return digest_send()


@db_periodic_task(crontab(minute="15", hour="8"))
def nudge_open_absences() -> int:
    return open_absences_nudge()
