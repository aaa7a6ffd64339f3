"""Background work on the huey queue: sending the outbox, reminders and escalations,
the daily digest, the question about absences "until further notice". The worker runs
them (`vaxel worker`); in tests they run at once."""

import logging

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from vaxel.messaging.outbox import outbox_deliver  # the outbox's own job, deliver_outbox, lives there
from vaxel.messaging.services import digest_send, follow_up_run, open_absences_nudge

logger = logging.getLogger(__name__)


@HUEY.on_startup()
def deliver_outbox_on_start() -> None:
    """A worker (re)started sends what is due at once, without waiting for the minute:
    a worker that was killed mid-send is usually restarted right away (systemd)."""
    try:
        outbox_deliver()
    finally:
        close_old_connections()  # each worker thread runs this; leave no connection open


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
