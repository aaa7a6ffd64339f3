"""The access app's periodic job: forgetting Idempotency-Keys past their day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.access.idempotency import idempotent_requests_forget


@db_periodic_task(crontab(minute="7"))
def forget_idempotency_keys() -> int:
    return idempotent_requests_forget()
