"""Background work on the huey queue: the managers' weekly e-mails."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.compliance.services import weekly_reports_send


@db_periodic_task(crontab(minute="*/15"))
def weekly_reports() -> int | None:
    return weekly_reports_send()
