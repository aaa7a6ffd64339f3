"""Idempotency-Key: a client that retries a write (its connection dropped before the
answer came) never makes a second message, callback, call or absence."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from vaxel.access.idempotency import idempotent_requests_forget
from vaxel.access.models import IdempotentRequest
from vaxel.availability.models import Absence
from vaxel.core.time import now
from vaxel.messaging.models import Message, OutboxEmail
from vaxel.telephony.models import Call
from vaxel.testing import PASSWORD

pytestmark = pytest.mark.django_db


def operator(logins) -> APIClient:
    client = APIClient()
    client.login(username=logins["operator"].username, password=PASSWORD)
    return client


def message(town, subject: str = "Garage") -> dict:
    return {"subject": subject, "caller_number": "036-123456", "for_person": town.anna.email}


def test_s2_a_message_sent_twice_with_one_key_is_taken_once(town, logins):
    client = operator(logins)
    first = client.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # the same reference: what the operator told the caller
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 1 and OutboxEmail.objects.count() == 1
    other = client.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 201 and Message.objects.count() == 2
    without = client.post("/api/v1/messages/", message(town), format="json")
    assert without.status_code == 201 and Message.objects.count() == 3


def test_s2_a_key_reused_for_another_request_is_refused_and_writes_nothing(town, logins):
    client = operator(logins)
    client.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    answer = client.post(
        "/api/v1/messages/", message(town, "Bygglov"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["id"] == "idempotency_key_reused"
    assert Message.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "ä-nyckel"])
def test_s2_a_bad_key_is_refused_with_what_to_send(town, logins, key):
    answer = operator(logins).post(
        "/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["id"] == "invalid_idempotency_key"
    assert "UUID" in answer.json()["error"]["message"]
    assert not Message.objects.exists()


def test_s2_keys_are_per_client(town, logins):
    """One client's key is not another's: two operators may pick the same."""
    operator(logins).post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = APIClient()
    other.login(username=logins["administrator"].username, password=PASSWORD)
    answer = other.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer
    assert Message.objects.count() == 2


def test_s2_a_refused_request_keeps_its_key_free_for_the_corrected_one(town, logins):
    client = operator(logins)
    bad = client.post(
        "/api/v1/messages/",
        {**message(town), "for_person": "nobody@example.se"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert bad.status_code >= 400
    good = client.post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 201 and Message.objects.count() == 1


def test_e3_an_absence_and_a_call_sent_twice_with_a_key_are_stored_once(town, logins):
    client = operator(logins)
    starts = now() + timedelta(hours=1)
    absence = {
        "reason": "meeting",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
    }
    for _attempt in range(2):
        answer = client.post(
            f"/api/v1/people/{town.cecilia.pk}/absences/", absence, format="json", HTTP_IDEMPOTENCY_KEY="a"
        )
        assert answer.status_code == 201
    assert Absence.objects.filter(person=town.cecilia).count() == 1
    call = {"caller": "036-123456", "called": "0370-331000"}
    for _attempt in range(2):
        assert client.post("/api/v1/calls/", call, format="json", HTTP_IDEMPOTENCY_KEY="c").status_code == 201
    assert Call.objects.count() == 1


def test_s2_keys_are_forgotten_after_a_day(town, logins):
    operator(logins).post("/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert idempotent_requests_forget(at=now() + timedelta(hours=23)) == 0
    assert idempotent_requests_forget(at=now() + timedelta(hours=25)) == 1
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_s2_the_same_message_sent_twice_at_once_is_taken_once(town, logins):
    """Two copies of one request racing (a client's retry while the first is still on
    its way): they meet at the key, and both get the one message's answer."""
    answers = []

    def send():
        try:
            answers.append(
                operator(logins).post(
                    "/api/v1/messages/", message(town), format="json", HTTP_IDEMPOTENCY_KEY="k"
                )
            )
        finally:
            connection.close()  # the thread's own

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["reference"] == answers[1].json()["reference"]
    assert Message.objects.count() == 1
