"""A dependency that may be down (Redis: the job queue, live updates, the cache), as
each process sees it. While it is down, callers skip it for a back-off instead of
paying a failed connection on every request, and the log says so once when the outage
begins, a short summary at most every few minutes while it lasts, and once when it is
over: never a traceback per attempt."""

import logging
import threading
import time

logger = logging.getLogger("vaxel.outage")


class Outage:
    def __init__(
        self, what: str, *, first_retry: float = 1.0, longest_retry: float = 30.0, summary: float = 300.0
    ):
        self.what = what
        self.first_retry = first_retry
        self.longest_retry = longest_retry
        self.summary = summary
        self._lock = threading.Lock()
        self._since: float | None = None  # monotonic time the outage began
        self._failures = 0
        self._retry_at = 0.0
        self._said_at = 0.0
        self._recoveries: list = []

    def on_recovery(self, callback) -> None:
        """Have `callback()` called (once per outage) when the dependency is back."""
        self._recoveries.append(callback)

    @property
    def down(self) -> bool:
        return self._since is not None

    def available(self) -> bool:
        """Worth trying now: up, or down with its back-off passed."""
        return self._since is None or time.monotonic() >= self._retry_at

    def retry_in(self) -> float:
        """Seconds until the next try is worth it (0 when up)."""
        return 0.0 if self._since is None else max(self._retry_at - time.monotonic(), 0.0)

    def failed(self, error: BaseException) -> None:
        at = time.monotonic()
        with self._lock:
            self._failures += 1
            first = self._since is None
            since = self._since = at if self._since is None else self._since
            delay = min(self.first_retry * 2 ** min(self._failures - 1, 16), self.longest_retry)
            self._retry_at = at + delay
            due = first or at - self._said_at >= self.summary
            if due:
                self._said_at = at
            failures = self._failures
        if first:
            logger.error(
                "%s is not reachable (%s: %s); carrying on without it and trying again with back-off",
                self.what,
                type(error).__name__,
                error,
            )
        elif due:
            logger.error(
                "%s is still not reachable after %.0f s (%d failed attempts)", self.what, at - since, failures
            )

    def succeeded(self) -> None:
        if self._since is None:
            return
        with self._lock:
            since, failures = self._since, self._failures
            self._since, self._failures, self._retry_at = None, 0, 0.0
        if since is None:
            return  # another thread ended this outage first
        seconds = time.monotonic() - since
        logger.warning(
            "%s is reachable again after %.0f s (%d failed attempts)", self.what, seconds, failures
        )
        for callback in list(self._recoveries):
            try:
                callback()
            except Exception:
                logger.exception("A recovery step after %s's outage failed", self.what)


REDIS = Outage("Redis")


def is_connection_error(error: BaseException) -> bool:
    """An error that means the server could not be reached (not a bug to trace)."""
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        return isinstance(error, OSError)
    return isinstance(error, redis.ConnectionError | redis.TimeoutError | OSError)


class OutageLogFilter(logging.Filter):
    """On the log's handler, for the job queue's own loggers (huey's consumer and
    scheduler log a full traceback on every poll while Redis is down, some 200 lines a
    second): such a record counts as a failure of the outage, said once as above, and is
    otherwise dropped. A task executed again means the queue is back."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("huey"):
            return True
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_connection_error(error):
            REDIS.failed(error)
            return False
        if REDIS.down and record.levelno == logging.INFO and str(record.msg).startswith("Executing"):
            REDIS.succeeded()
        return True
