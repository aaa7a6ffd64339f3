"""Background work on the huey queue: the W4 greeting reminders for work mobiles."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.mobiles.services import greeting_reminders_send


@db_periodic_task(crontab(minute="5", hour="8", day_of_week="1-5"))
def greeting_reminders() -> int:
    """Weekday mornings (08:05 UTC, huey's clock); each holder at most once a week."""
    return greeting_reminders_send()
