"""The PBX's endpoint: one line of JSON per call, from the in-memory snapshot that
forgets itself on every change; and the spoken prompts (espeak-ng, sox)."""

import json
import shutil
import struct
from datetime import timedelta

import pytest

from vaxel.access.services import token_create
from vaxel.availability.services import absence_add, schedule_exception_add
from vaxel.core.time import local_date, now
from vaxel.telephony.models import CallEvent
from vaxel.testing import ANNA_DIRECT, GROUP_NUMBER, SWITCHBOARD


@pytest.fixture
def pbx(client, logins):
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def route(client, to, **extra):
    response = client.get("/pbx/route/", {"to": to, "gw": "10.0.0.5", **extra})
    assert b"\n" not in response.content  # one line, for Kamailio's json module
    return response.status_code, json.loads(response.content)


def open_today():
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")


def test_the_pbx_endpoint_needs_a_route_token(client, logins):
    assert client.get("/pbx/route/", {"to": ANNA_DIRECT}).status_code == 401
    for scopes in ("directory:read", "route,directory:read"):  # the PBX's key opens this door only
        _token, secret = token_create(owner="operator", scopes=scopes)
        answer = client.get("/pbx/route/", {"to": ANNA_DIRECT}, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert answer.status_code == 403 and answer.json()["error"]["id"] == "route_token_only"


def test_a_present_person_is_rung_directly(pbx):
    status, answer = route(pbx, ANNA_DIRECT)
    assert status == 200 and answer["action"] == "redirect"
    assert answer["contact"] == "<sip:+46370331001@10.0.0.5>;q=1.0" and answer["diversion"] == ""


def test_e3_an_absent_person_is_diverted_with_reason_and_back_time(pbx, town):
    open_today()
    back = (now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    absence_add(person=town.anna, reason="meeting", starts_at=now() - timedelta(minutes=5), ends_at=back)
    _status, answer = route(pbx, ANNA_DIRECT)  # the snapshot notices the change at once
    assert answer["contact"] == f"<sip:{SWITCHBOARD}@10.0.0.5>;q=1.0"
    assert answer["diversion"].startswith(
        "<sip:+46370331001@10.0.0.5>;reason=do-not-disturb;counter=1;x-back="
    )
    assert "är på möte" in answer["text"] and answer["prompt"].startswith("http")


def test_a_shared_number_rings_its_available_members_at_once(pbx, town, settings):
    _status, answer = route(pbx, GROUP_NUMBER)
    assert answer["contact"] == "<sip:+46370331001@10.0.0.5>;q=1.0, <sip:+46370331002@10.0.0.5>;q=1.0"
    settings.VAXEL_PBX_FORK = "serial"
    assert route(pbx, GROUP_NUMBER)[1]["contact"].endswith(";q=0.9")


@pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="espeak-ng is installed by scripts/ensure-telephony"
)
def test_s4_after_hours_the_caller_hears_the_next_opening_as_8khz_alaw(pbx, town, client):
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, closed=True)
    _status, answer = route(pbx, SWITCHBOARD)
    assert answer["action"] == "announce" and answer["contact"].startswith("<sip:announcement@")
    assert "stängd" in answer["text"]
    wav = b"".join(client.get(answer["prompt"].split("8000", 1)[-1]).streaming_content)
    channels, rate = struct.unpack("<HI", wav[22:28])
    assert wav[:4] == b"RIFF" and struct.unpack("<H", wav[20:22])[0] == 6  # G.711 A-law
    assert (channels, rate) == (1, 8000) and len(wav) > 8000  # more than a second of speech


def test_a_forged_prompt_address_is_refused(client, db):
    assert client.get("/pbx/prompts/forged.wav").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_under_asgi_the_route_is_answered_before_the_middleware_the_same_way(town, logins):
    from asgiref.testing import ApplicationCommunicator

    from vaxel.config.asgi import application
    from vaxel.testing import run_async

    _token, secret = token_create(owner="operator", scopes="route")

    async def ask(authorization: bytes) -> tuple[int, dict]:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/pbx/route/",
            "query_string": b"to=%2B46370331001&gw=10.0.0.5",
            "headers": [(b"authorization", authorization)],
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=10)
        body = await communicator.receive_output(timeout=10)
        return start["status"], json.loads(body["body"])

    assert run_async(ask(b""))[0] == 401
    status, answer = run_async(ask(f"Bearer {secret}".encode()))
    assert status == 200 and answer["contact"] == "<sip:+46370331001@10.0.0.5>;q=1.0"


def test_a_change_during_a_snapshot_build_is_never_lost(town, monkeypatch):
    """A snapshot built while a change arrives serves that one question and is not kept."""
    from vaxel.routing import cache

    built = []
    real_build = cache.snapshot_build

    def build_while_someone_changes(*, since):
        snapshot = real_build(since=since)
        if not built:
            cache.forget()  # the change is announced mid-build
        built.append(snapshot)
        return snapshot

    monkeypatch.setattr(cache, "snapshot_build", build_while_someone_changes)
    monkeypatch.setattr(cache.live, "backend_name", lambda: "redis")  # no version check: events only
    monkeypatch.setitem(cache._state, "listening", True)
    cache.snapshot_current(now())
    cache.snapshot_current(now())
    assert len(built) == 2  # the first was not kept
    cache.snapshot_current(now())
    assert len(built) == 2  # the second was


def test_calls_arriving_at_the_queue_do_not_drop_the_routing_snapshot(db):
    from vaxel.routing import cache

    cache._state["snapshot"] = marker = object()
    cache.forget({"kind": "queue", "call": 1})
    assert cache._state["snapshot"] is marker
    cache.forget({"kind": "change", "id": 2})
    assert cache._state["snapshot"] is None


def test_s1_kamailio_telling_a_put_through_call_ended_gets_clear_answers_for_bad_input(pbx, client, logins):
    assert client.post("/pbx/route/", {"event": "ended"}, HTTP_AUTHORIZATION="").status_code == 401
    wrong = pbx.post("/pbx/route/", {"event": "answered", "target": "xfer-1"})
    assert wrong.status_code == 400 and wrong.json()["error"]["id"] == "invalid_event"
    for target in ("xfer-00000000", "op-1", "", "xfer-'; DROP TABLE x;--"):
        unknown = pbx.post("/pbx/route/", {"event": "ended", "target": target})
        assert unknown.status_code == 404 and unknown.json()["error"]["id"] == "no_such_target"
    assert not CallEvent.objects.exists()
