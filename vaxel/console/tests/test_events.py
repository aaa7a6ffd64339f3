"""The console's live stream (Server-Sent Events): a change made anywhere reaches an
open console as it commits; only operators and administrators may listen."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client

from vaxel.availability.services import absence_add
from vaxel.core.time import now, parse_instant
from vaxel.telephony.services import call_arrive
from vaxel.testing import PASSWORD, SWITCHBOARD, run_async

OPEN_DAY = parse_instant("2026-12-01T10:00")


@pytest.mark.django_db(transaction=True)
def test_c1_a_change_and_a_call_reach_an_open_console_at_once(town, logins, settings):
    settings.VAXEL_LIVE_BACKEND = "memory"

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(logins["operator"])
        response = await client.get("/konsol/handelser/")
        assert response["Content-Type"] == "text/event-stream"
        stream = aiter(response.streaming_content)
        assert (await anext(stream)).startswith(b"retry:")
        # The console is live from the server's first event, not from the connection's
        # opening: a change right after it reaches the console, with no wait and no resync.
        listening = await asyncio.wait_for(anext(stream), timeout=5)
        assert listening.startswith(b"event: live\n") and b'"up": true' in listening
        received = asyncio.ensure_future(anext(stream))
        start = now()
        await sync_to_async(absence_add)(
            person=town.anna, reason="lunch", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        change = await asyncio.wait_for(received, timeout=5)
        received = asyncio.ensure_future(anext(stream))
        await sync_to_async(call_arrive)(caller="036-123456", called=SWITCHBOARD, at=OPEN_DAY)
        queue = await asyncio.wait_for(received, timeout=5)
        await response.streaming_content.aclose()
        await sync_to_async(connections.close_all)()  # the worker thread's, before the database goes
        return change.decode(), queue.decode()

    change, queue = run_async(scenario())
    assert change.startswith("event: change\n") and '"entity": "absence"' in change
    assert queue.startswith("event: queue\n") and '"state": "queued"' in queue


@pytest.mark.parametrize(("role", "status"), [("employee", 403), ("manager", 403), ("nobody", 403)])
def test_only_the_switchboard_may_listen(client: Client, logins, role, status):
    client.login(username=logins[role].username, password=PASSWORD)
    assert client.get("/konsol/handelser/").status_code == status


def test_signed_out_the_stream_asks_to_sign_in(client: Client, db):
    response = client.get("/konsol/handelser/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
