"""Live updates: the one notifier services call, and the broker that carries its events
to every server process's open consoles.

A service calls `notify(kind, **data)` inside its transaction; the event leaves only
after the transaction commits. The broker is chosen by the environment:

- Redis pub/sub when VAXEL_REDIS_URL is set (several server processes at scale);
- PostgreSQL LISTEN/NOTIFY when the database is PostgreSQL and there is no Redis;
- in-process delivery otherwise (the embedded SQLite default, one server process).

Each server process runs one listener thread that fans events out to its local
subscribers (one per open console stream), so 50 consoles cost one broker connection.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from redis.backoff import NoBackoff
from redis.retry import Retry

from vaxel.core.outage import REDIS, Outage

logger = logging.getLogger(__name__)

CHANNEL = "vaxel_live"
BROKER_EVENT = "live"  # {"kind": "live", "up": bool}: this process's broker came or went
LISTENER_RETRY = 1.0
# Redis fails fast when it is down: one try, a second to connect (redis-py would retry
# three times with back-off on every call otherwise).
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5, "retry": Retry(NoBackoff(), 0)}
POSTGRES_LISTENER = Outage("PostgreSQL's LISTEN connection for live updates")


def backend_name() -> str:
    chosen = getattr(settings, "VAXEL_LIVE_BACKEND", "")
    if chosen:
        return chosen
    if getattr(settings, "VAXEL_REDIS_URL", ""):
        return "redis"
    if connection.vendor == "postgresql":
        return "postgres"
    return "memory"


# Local fan-out: (event loop, queue) per open stream in this process.
_subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
_lock = threading.Lock()
_listeners: dict[str, threading.Thread] = {}
_listeners_lock = threading.Lock()
_stopping = threading.Event()
_captures: list[list[dict[str, Any]]] = []
_broker_up = True  # memory: always; Redis or PostgreSQL: as the listener last found it


# Process-wide callbacks (caches that must forget): called with each event, and with
# None when events may have been missed (a broker connection was lost and remade).
_callbacks: list = []


def on_event(callback) -> None:
    """Have `callback(event_or_None)` called for every event this process hears of."""
    _callbacks.append(callback)
    _ensure_listener()


def off_event(callback) -> None:
    """No more events for `callback` (given to on_event)."""
    with contextlib.suppress(ValueError):
        _callbacks.remove(callback)


def _tell(raw: str | None) -> None:
    for callback in list(_callbacks):
        try:
            callback(None if raw is None else json.loads(raw))
        except Exception:
            logger.exception("A live-update callback failed")


def _deliver(raw: str) -> None:
    _tell(raw)
    _deliver_local(raw)


def _deliver_local(raw: str) -> None:
    with _lock:
        targets = list(_subscribers)
    for loop, queue in targets:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, raw)
        except RuntimeError:  # that stream's loop has closed
            with _lock:
                _subscribers.discard((loop, queue))


def _publish(raw: str) -> None:
    for capture in _captures:
        capture.append(json.loads(raw))
    backend = backend_name()
    # A lost live update is healed by the consoles' resync (more often while the broker
    # is down, as the stream tells them); the write that made it stands.
    if backend == "redis":
        if not REDIS.available():
            return
        try:
            _redis().publish(CHANNEL, raw)
        except Exception as error:
            REDIS.failed(error)
        else:
            REDIS.succeeded()
        return
    try:
        if backend == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, raw])
        else:
            _deliver(raw)
    except Exception:
        logger.exception("Could not publish a live update through %s", backend)


def notify(kind: str, **data: Any) -> None:
    """Announce a change to every open console once the current transaction commits."""
    raw = json.dumps({"kind": kind, "at": time.time(), **data}, default=str)
    transaction.on_commit(lambda: _publish(raw))


@contextmanager
def captured() -> Iterator[list[dict[str, Any]]]:
    """Tests: collect the events published while inside (after their commits)."""
    events: list[dict[str, Any]] = []
    _captures.append(events)
    try:
        yield events
    finally:
        _captures.remove(events)


_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.VAXEL_REDIS_URL, **REDIS_OPTIONS)
    return _redis_client


def _broker(up: bool) -> None:
    """The broker connection came or went: every open stream of this process is told
    (the console shows whether it is live and resyncs often while it is not)."""
    global _broker_up
    if up == _broker_up:
        return
    _broker_up = up
    _deliver_local(json.dumps({"kind": BROKER_EVENT, "up": up, "at": time.time()}))


def _listen_redis(url: str) -> None:
    import redis

    while not _stopping.is_set():
        try:
            client = redis.Redis.from_url(url, socket_keepalive=True, **REDIS_OPTIONS)
            with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                pubsub.subscribe(CHANNEL)
                REDIS.succeeded()
                _broker(up=True)
                _tell(None)  # anything said while we were not listening is unknown
                while not _stopping.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        data = message["data"]
                        _deliver(data.decode() if isinstance(data, bytes) else data)
        except Exception as error:
            REDIS.failed(error)
            _broker(up=False)
            _stopping.wait(LISTENER_RETRY)  # a second: live again soon after Redis is back


def _listen_postgres(db: dict[str, Any]) -> None:
    import psycopg

    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    while not _stopping.is_set():
        try:
            with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                POSTGRES_LISTENER.succeeded()
                _broker(up=True)
                _tell(None)
                while not _stopping.is_set():
                    for notice in conn.notifies(timeout=1.0):
                        _deliver(notice.payload)
        except Exception as error:
            POSTGRES_LISTENER.failed(error)
            _broker(up=False)
            _stopping.wait(LISTENER_RETRY)


def _ensure_listener() -> None:
    """One listener per process and broker, however many threads ask at once (requests
    registering their caches raced here and opened a second broker connection)."""
    backend = backend_name()
    if backend == "memory":
        return
    with _listeners_lock:
        running = _listeners.get(backend)
        if running is not None and running.is_alive():
            return
        if backend == "redis":
            thread = threading.Thread(target=_listen_redis, args=(settings.VAXEL_REDIS_URL,), daemon=True)
        else:  # NOTIFY reaches only listeners on the same database: the one this process uses
            thread = threading.Thread(
                target=_listen_postgres, args=(dict(connection.settings_dict),), daemon=True
            )
        _listeners[backend] = thread
        thread.start()


def listeners_stop() -> None:
    """End this process's broker connections (tests, before their database is dropped)."""
    with _listeners_lock:
        _stopping.set()
        for thread in _listeners.values():
            thread.join(timeout=5)
        _listeners.clear()
        _stopping.clear()


async def subscribe(heartbeat: float = 15.0) -> AsyncIterator[str | None]:
    """The raw events for one open stream, in order; None when nothing happened for
    `heartbeat` seconds (the stream sends a keep-alive then).

    The first event is this process's broker state ({"kind": "live", "up": ...}), sent
    once the stream listens: from then on it misses nothing, so a console shows itself
    live on that event, not when the connection opens (a call arriving in between would
    otherwise wait for the next resync)."""
    _ensure_listener()
    queue: asyncio.Queue[str] = asyncio.Queue()
    entry = (asyncio.get_running_loop(), queue)
    with _lock:
        _subscribers.add(entry)
    try:
        yield json.dumps({"kind": BROKER_EVENT, "up": _broker_up, "at": time.time()})
        while True:
            try:
                yield await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except TimeoutError:
                yield None
    finally:
        with _lock:
            _subscribers.discard(entry)
