"""Live updates: an event leaves only after its transaction commits, and reaches every
open stream, through each broker a deployment may use (in-process, Redis, PostgreSQL)."""

import asyncio
import json
import threading
import time

import pytest
import redis
from django.db import connection

from vaxel.core import live
from vaxel.testing import run_async

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_an_event_waits_for_its_transaction_to_commit(db, django_capture_on_commit_callbacks):
    with live.captured() as events:
        with django_capture_on_commit_callbacks() as pending:
            live.notify("change", id=7)
        assert events == []  # not yet: the change could still be rolled back
        for callback in pending:
            callback()
    assert [(e["kind"], e["id"]) for e in events] == [("change", 7)]


async def _received(count: int, publish, ready=None) -> list[str]:
    """Open `count` streams, publish once from another thread, collect what each gets."""
    streams = [live.subscribe(heartbeat=5) for _ in range(count)]
    for stream in streams:  # each says first that it listens: nothing published after is lost
        assert json.loads(await anext(stream))["kind"] == live.BROKER_EVENT
    first = [asyncio.ensure_future(anext(stream)) for stream in streams]
    if ready is not None:
        await asyncio.to_thread(ready)
    await asyncio.to_thread(publish)
    try:
        return list(await asyncio.wait_for(asyncio.gather(*first), timeout=5))
    finally:
        for stream in streams:
            await stream.aclose()


def test_memory_broker_reaches_every_open_stream_in_this_process(settings):
    settings.VAXEL_LIVE_BACKEND = "memory"
    raw = json.dumps({"kind": "queue", "call": 1})
    assert run_async(_received(3, lambda: live._publish(raw))) == [raw] * 3


def _wait_for_subscriber(client, channel: str) -> None:
    deadline = time.monotonic() + 5
    while dict(client.pubsub_numsub(channel)).get(channel.encode(), 0) < 1:
        assert time.monotonic() < deadline, "the listener never subscribed"
        time.sleep(0.02)


def test_redis_broker_carries_events_between_server_processes(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (scripts/ensure-services redis starts it)")
    settings.VAXEL_LIVE_BACKEND, settings.VAXEL_REDIS_URL = "redis", REDIS_URL
    raw = json.dumps({"kind": "change", "id": 42})
    # Published by a plain Redis client: what another server process would send.
    received = run_async(
        _received(
            2, lambda: client.publish(live.CHANNEL, raw), lambda: _wait_for_subscriber(client, live.CHANNEL)
        )
    )
    assert received == [raw, raw]


@pytest.mark.django_db(transaction=True)
def test_postgres_broker_carries_events_between_server_processes(settings):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    import psycopg

    settings.VAXEL_LIVE_BACKEND = "postgres"
    raw = json.dumps({"kind": "change", "id": 43})
    db = connection.settings_dict
    dsn = {"dbname": db["NAME"], "user": db["USER"] or None, "host": db["HOST"], "port": db["PORT"] or None}

    def another_process_notifies():
        deadline = time.monotonic() + 5
        with psycopg.connect(autocommit=True, **{k: v for k, v in dsn.items() if v}) as other:
            while not other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query = %s", [f"LISTEN {live.CHANNEL}"]
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the listener never started listening"
                time.sleep(0.02)
            other.execute("SELECT pg_notify(%s, %s)", [live.CHANNEL, raw])

    assert run_async(_received(2, another_process_notifies)) == [raw, raw]


def test_a_process_has_one_broker_connection_however_many_requests_ask_at_once(settings, monkeypatch):
    """Requests that register a cache at once each started a listener: the fault test of
    two server processes counted one PostgreSQL connection more than their pools."""
    settings.VAXEL_LIVE_BACKEND, settings.VAXEL_REDIS_URL = "redis", REDIS_URL
    live.listeners_stop()
    started = []

    class SlowToMake(live.threading.Thread):  # widens the moment between "none yet" and "made"
        def __init__(self, *args, **kwargs):
            time.sleep(0.02)
            super().__init__(*args, **kwargs)

        def start(self):
            started.append(self)
            super().start()

    askers = [threading.Thread(target=live._ensure_listener) for _ in range(8)]
    monkeypatch.setattr(live.threading, "Thread", SlowToMake)
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(timeout=5)
    monkeypatch.undo()
    try:
        assert len(started) == 1
    finally:
        live.listeners_stop()
