"""Asking the job worker to do something now, after a write has committed. The write is
the truth: if the queue cannot be reached (Redis down) the request that made it does not
fail, and the periodic job that looks for the same work does it once the queue is back."""

import logging

from django.conf import settings

from vaxel.core.outage import REDIS, is_connection_error

logger = logging.getLogger(__name__)


def enqueue_soon(task, *args) -> bool:
    """`task(*args)` on the worker; False when the queue is away or refused it."""
    on_redis = bool(settings.VAXEL_REDIS_URL)
    if on_redis and not REDIS.available():
        return False
    try:
        task(*args)
    except Exception as error:
        if on_redis and is_connection_error(error):
            REDIS.failed(error)
        else:
            logger.exception("Could not queue %s; the periodic job will do it", getattr(task, "name", task))
        return False
    if on_redis:
        REDIS.succeeded()
    return True
