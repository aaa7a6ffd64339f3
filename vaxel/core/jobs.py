"""Asking the job worker to do something now, after a write has committed. The write is
the truth: if the queue cannot be reached (Redis down) the request that made it does not
fail; what was asked for meanwhile is asked for again as soon as this process finds Redis
back (once per task and arguments), and the periodic job that looks for the same work
does it in any case."""

import logging
import threading

from django.conf import settings

from vaxel.core.outage import REDIS, is_connection_error

logger = logging.getLogger(__name__)

_missed: dict[tuple, tuple] = {}
_missed_lock = threading.Lock()


def _ask_again() -> None:
    with _missed_lock:
        missed = list(_missed.values())
        _missed.clear()
    for task, args in missed:
        enqueue_soon(task, *args)


REDIS.on_recovery(_ask_again)


def _remember(task, args: tuple) -> None:
    with _missed_lock:
        _missed[(getattr(task, "name", repr(task)), args)] = (task, args)


def enqueue_soon(task, *args, delay: float | None = None) -> bool:
    """`task(*args)` on the worker, now or after `delay` seconds; False when the queue
    is away or refused it."""
    on_redis = bool(settings.VAXEL_REDIS_URL)
    if on_redis and not REDIS.available():
        _remember(task, args)
        return False
    try:
        if delay is None:
            task(*args)
        else:
            task.schedule(args=args, delay=delay)
    except Exception as error:
        if on_redis and is_connection_error(error):
            _remember(task, args)
            REDIS.failed(error)
        else:
            logger.exception("Could not queue %s; the periodic job will do it", getattr(task, "name", task))
        return False
    if on_redis:
        REDIS.succeeded()
    return True
