"""Redis down (the job queue, live updates and the API's throttle counts at scale): no
committed write ever fails its request, the log says so once instead of a traceback per
poll, consoles are told they are not live and resync, and everything comes back by
itself when Redis does. A real `vaxel serve` with its job worker, a Redis of the test's
own that the test stops and starts, and a real SMTP server."""

import re
import time

import pytest
from fault_instance import Stream, signed_in, until

from vaxel.core.testing_smtp import SmtpServer

pytestmark = pytest.mark.processes

CALL = {"caller": "036-123456", "called": "0370-331000"}
MESSAGE = {"subject": "Garage", "caller_number": "036-123456", "for_person": "anna@example.se"}


def received_references(smtp: SmtpServer) -> list[str]:
    return [
        found.group(0)
        for _to, mail in smtp.inbox.received
        if "Meddelande från växeln" in mail["Subject"]  # not the digest, sent by the real clock's hour
        for found in [re.search(r"M-[0-9A-Z]{5}", mail.get_body(("plain",)).get_content())]
        if found
    ]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def town(instances, redis_server, smtp):
    instance = instances(VAXEL_REDIS_URL=redis_server.url, VAXEL_SMTP_PORT=str(smtp.port))
    token = instance.set_up()
    instance.serve()
    return instance, token


def test_s2_with_redis_down_messages_are_taken_and_mailed_once_it_is_back(town, redis_server, smtp):
    instance, token = town
    status, first = instance.request("POST", "/api/v1/messages/", token, MESSAGE)
    assert status == 201
    assert until(lambda: first["reference"] in received_references(smtp), seconds=30)

    redis_server.stop()
    taken = []
    for number in range(5):
        status, answer = instance.request(
            "POST", "/api/v1/messages/", token, MESSAGE, **{"Idempotency-Key": f"m-{number}"}
        )
        assert status == 201, answer  # committed, so answered as such
        taken.append(answer["reference"])
    status, again = instance.request(
        "POST", "/api/v1/messages/", token, MESSAGE, **{"Idempotency-Key": "m-0"}
    )
    assert status == 201 and again["reference"] == taken[0]  # the operator's retry made nothing new
    by_cli = instance.vx(
        "message", "take", "--for", "anna@example.se", "--about", "Ring", "--caller-number", "036-123457"
    )
    taken.append(by_cli.stdout.split(":")[0])  # the reference, and no traceback
    assert "Traceback" not in by_cli.stderr
    time.sleep(3)  # the worker polls meanwhile
    log = instance.log("server.log")
    assert "Traceback" not in log
    assert log.count("Redis is not reachable") <= 3  # once per process: server, worker, command line
    assert not set(taken) & set(received_references(smtp))  # nothing sent while the queue is away

    redis_server.start()
    instance.request("GET", "/api/v1/messages/?open=true", token)  # the server finds Redis back
    assert until(lambda: set(taken) <= set(received_references(smtp)), seconds=90), received_references(smtp)
    sent = received_references(smtp)
    assert all(sent.count(reference) == 1 for reference in taken)  # each once
    assert "Redis is reachable again" in instance.log("server.log")


def test_a_console_is_told_it_is_not_live_while_redis_is_down_and_is_live_again_after(town, redis_server):
    instance, token = town
    stream = Stream(signed_in(instance), f"http://127.0.0.1:{instance.port}/konsol/handelser/")
    assert until(lambda: stream.saw("live", '"up": true'), seconds=10), stream.events  # it listens
    assert instance.request("POST", "/api/v1/calls/", token, CALL)[0] == 201
    assert until(lambda: stream.saw("queue"), seconds=10), stream.events  # live

    stopped = time.monotonic()
    redis_server.stop()
    down = until(lambda: stream.saw("live", '"up": false', after=stopped), seconds=10)
    assert down, stream.events  # the console's badge says "not live" and it resyncs every 5 s
    assert instance.request("POST", "/api/v1/calls/", token, CALL)[0] == 201  # still queued

    started = time.monotonic()
    redis_server.start()
    up = until(lambda: stream.saw("live", '"up": true', after=started), seconds=10)
    assert up, stream.events
    assert instance.request("POST", "/api/v1/calls/", token, CALL)[0] == 201
    assert until(lambda: stream.saw("queue", after=up), seconds=10), stream.events  # live again
