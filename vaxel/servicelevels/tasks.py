"""Statistics jobs on the huey queue: every minute the calls of the events stored since
the last runs are recorded (the switchboard's own steps are not recorded in the
callers' requests: those are the queue and the ringing, and held the write lock)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from vaxel.servicelevels.services import call_records_catch_up


@db_periodic_task(crontab(minute="*"))
@lock_task("call-records-catch-up")  # one at a time, however many workers
def record_calls() -> int:
    return call_records_catch_up()
