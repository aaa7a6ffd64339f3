"""The nightly thinning (gallring) on the huey queue: asked every ten minutes, it runs
once a night from VAXEL_THINNING_AT, Stockholm time (huey's crontab is in UTC)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.records.services import thinning_nightly


@db_periodic_task(crontab(minute="*/10"))
def thin_nightly() -> dict | None:
    result = thinning_nightly()
    return result.counts if result is not None else None
