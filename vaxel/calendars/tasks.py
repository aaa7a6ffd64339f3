"""Calendar jobs on the huey queue: reading a calendar just connected, and
synchronising due calendars every minute (each feed about every two minutes,
VAXEL_CALENDAR_SYNC_SECONDS)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from vaxel.calendars.models import Calendar
from vaxel.calendars.services import calendar_sync, calendars_sync_due


@db_task()
def read_calendar(calendar_id: int) -> dict | None:
    """A calendar just connected, or asked to be read now: read by the worker, never in
    the person's request (a hostile feed costs the worker, bounded, not the web server)."""
    calendar = Calendar.objects.filter(pk=calendar_id).select_related("person__unit").first()
    return None if calendar is None else calendar_sync(calendar)


@db_periodic_task(crontab(minute="*"))
@lock_task("calendars-sync")  # one sync at a time, however many workers
def sync_calendars() -> int:
    return calendars_sync_due()
