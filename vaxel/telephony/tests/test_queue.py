"""The switchboard's queue at the media endpoint (Kamailio as the switchboard's own
telephone): a caller is held with the greeting and waiting music and shows in the
consoles' queue; when an operator answers, the caller is referred to that operator's
console; a caller who hangs up first has abandoned."""

import re
import shutil
import time
from datetime import timedelta

import pytest

from vaxel.access.services import token_create
from vaxel.core.time import now
from vaxel.telephony.models import Call, CallEvent, CallState
from vaxel.telephony.services import call_answer, call_arrive, call_end
from vaxel.telephony.sip_udp import request
from vaxel.telephony.switchboard import referrals_due, sip_uri
from vaxel.telephony.tests.conftest import Caller
from vaxel.testing import GROUP_NUMBER, SWITCHBOARD, small_municipality

pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("espeak-ng") and shutil.which("sox")),
        reason="scripts/ensure-telephony installs espeak-ng and sox",
    ),
    pytest.mark.clock("2026-12-01T10:00"),  # a Tuesday: the switchboard is open
]


@pytest.fixture
def town(transactional_db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    settings.VAXEL_SIP_DOMAIN = "vaxel.test"
    return small_municipality()


def sip_message(caller: Caller, method: str, seconds: float = 5.0) -> str:
    """The next SIP request `method` the caller's phone receives (RTP is on its own socket)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        caller.sip.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = caller.sip.recv(65535).decode()
        except TimeoutError:
            break
        if data.startswith(f"{method} "):
            return data
    raise AssertionError(f"no {method} reached the caller")


def reply(caller: Caller, message: str, status: str) -> None:
    kept = [
        line
        for line in message.split("\r\n")
        if line.split(":")[0] in ("Via", "From", "To", "Call-ID", "CSeq")
    ]
    answer = f"SIP/2.0 {status}\r\n" + "\r\n".join(kept) + "\r\nContent-Length: 0\r\n\r\n"
    caller.sip.sendto(answer.encode(), caller.media)


def referral_told(caller: Caller, port: int, status_line: str) -> None:
    """The caller's phone tells the media endpoint how its referral went (RFC 3515's
    NOTIFY, with the INVITE's final answer as a sipfrag)."""
    frag = f"{status_line}\r\n".encode()
    notify = request(
        "NOTIFY",
        "media",
        "+46361234567",
        host="127.0.0.1",
        port=port,
        call_id=caller.call_id,
        extra=(
            "Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n"
            "Content-Type: message/sipfrag\r\n"
        ),
    ).replace(b"Content-Length: 0\r\n\r\n", f"Content-Length: {len(frag)}\r\n\r\n".encode() + frag)
    caller.sip.sendto(notify, caller.media)


def queued(external_id: str) -> Call:
    for _ in range(100):
        call = Call.objects.filter(external_id=external_id).first()
        if call is not None:
            return call
        time.sleep(0.05)
    raise AssertionError("the call never reached the consoles' queue")


def test_s1_a_caller_is_held_in_the_queue_and_referred_to_the_console_that_answers(
    town, logins, media, client
):
    caller = Caller(media["port"])
    status, _port = caller.invite("queue")
    assert status == 200
    call = queued(caller.call_id)
    assert call.state == CallState.QUEUED and call.caller == "+46361234567"
    assert caller.hear(8000) >= 8000  # the greeting is spoken to the caller (a second of it)

    call_answer(call_id=call.pk, actor=logins["operator"])
    refer = sip_message(caller, "REFER")
    address = re.search(r"Refer-To: <sip:(op-[0-9a-f]+)@vaxel\.test>", refer)
    assert address, refer
    reply(caller, refer, "202 Accepted")

    # Kamailio asks Växel where the referred caller goes: that operator's console alone.
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    answer = client.get(
        "/pbx/route/", {"to": address.group(1), "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert answer["targets"] == f"sip:operator{logins['operator'].pk}@vaxel.test"

    # The console has the caller (NOTIFY with the INVITE's 200): the queue lets go.
    referral_told(caller, media["port"], "SIP/2.0 200 OK")
    assert sip_message(caller, "BYE")
    time.sleep(0.3)
    assert Call.objects.get(pk=call.pk).state == CallState.ANSWERED  # not abandoned: the operator has it


@pytest.fixture
def slow_poll(monkeypatch):
    """The media endpoint's own look at the answered calls, once in 30 s."""
    monkeypatch.setattr("vaxel.telephony.media.POLL_SECONDS", 30.0)


def test_s1_an_operators_answer_reaches_the_held_caller_at_once_not_at_the_next_look(
    town, logins, slow_poll, media
):
    caller = Caller(media["port"])
    assert caller.invite("queue")[0] == 200
    call = queued(caller.call_id)
    assert caller.hear(4000) >= 4000
    call_answer(call_id=call.pk, actor=logins["operator"])
    assert "Refer-To: <sip:op-" in sip_message(caller, "REFER", seconds=3)  # the live event woke it


def test_s1_a_caller_answered_before_their_phone_has_the_call_is_referred_once_it_has(town, logins, media):
    """A REFER that overtook the queue's 200 OK would find no call at the caller's phone
    and leave them waiting for good (seen when the greeting took long to speak)."""
    caller = Caller(media["port"])
    assert caller.invite("queue", acknowledge=False)[0] == 200
    call_answer(call_id=queued(caller.call_id).pk, actor=logins["operator"])  # at once
    assert sip_message(caller, "SIP/2.0 200")  # the answer again, as the caller has not acknowledged it
    with pytest.raises(AssertionError, match="no REFER"):
        sip_message(caller, "REFER", seconds=1.5)
    caller.acknowledge(caller.answer)
    assert "Refer-To: <sip:op-" in sip_message(caller, "REFER")


def test_s1_a_caller_whose_phone_refuses_the_referral_to_the_overflow_waits_at_their_place_again(
    town, media, settings
):
    settings.VAXEL_OVERFLOW_TO = GROUP_NUMBER  # and no console is open: the caller goes on at once
    caller = Caller(media["port"])
    assert caller.invite("queue")[0] == 200
    call = queued(caller.call_id)
    first = sip_message(caller, "REFER")
    assert "Refer-To: <sip:over-" in first
    again = sip_message(caller, "REFER")  # unanswered, it is sent again: the same request
    assert again.split("CSeq:")[1].split("\r\n")[0] == first.split("CSeq:")[1].split("\r\n")[0]
    reply(caller, again, "481 Call/Transaction Does Not Exist")
    for _ in range(100):
        call.refresh_from_db()
        if call.state == CallState.QUEUED:
            break
        time.sleep(0.05)
    assert call.state == CallState.QUEUED and call.ended_at is None  # in the consoles' queue again
    assert caller.hear(800) >= 800  # and still hearing the queue


def test_s1_a_caller_who_cannot_reach_the_answering_operators_telephone_waits_at_their_place_again(
    town, logins, media
):
    """The operator's telephone was not registered (the console's connection dropped, a
    desk phone switched off): the call must not stay with an operator who never had it."""
    caller = Caller(media["port"])
    assert caller.invite("queue")[0] == 200
    call = queued(caller.call_id)
    call_answer(call_id=call.pk, actor=logins["operator"])
    refer = sip_message(caller, "REFER")
    reply(caller, refer, "202 Accepted")
    referral_told(caller, media["port"], "SIP/2.0 480 Temporarily Unavailable")
    for _ in range(100):
        call.refresh_from_db()
        if call.state == CallState.QUEUED:
            break
        time.sleep(0.05)
    assert call.state == CallState.QUEUED and call.answered_by is None  # in every console's queue again
    assert caller.hear(800) >= 800  # still hearing the queue
    call_answer(call_id=call.pk, actor=logins["operator"])  # answered again, it is referred again
    assert "Refer-To: <sip:op-" in sip_message(caller, "REFER")


def test_s1_a_caller_who_hangs_up_while_waiting_has_abandoned(town, media):
    caller = Caller(media["port"])
    assert caller.invite("queue")[0] == 200
    call = queued(caller.call_id)
    bye = request(
        "BYE", "media", "+46361234567", host="127.0.0.1", port=media["port"], call_id=caller.call_id
    )
    caller.sip.sendto(bye, caller.media)
    for _ in range(100):
        call.refresh_from_db()
        if call.state != CallState.QUEUED:
            break
        time.sleep(0.05)
    assert call.state == CallState.ABANDONED


def test_s1_the_address_a_caller_is_referred_to_soon_expires(town, logins, client, clock):
    call = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="c1", driver="kamailio")
    call_answer(call_id=call.pk, actor=logins["operator"])
    [target] = referrals_due()
    user = sip_uri(target).split(":", 1)[1].split("@", 1)[0]
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    ask = lambda: client.get(  # noqa: E731
        "/pbx/route/", {"to": user, "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert ask().status_code == 200
    clock.shift(180)  # long enough to ring, too short to be of use to anyone later
    expired = ask()
    assert expired.status_code == 404 and expired.json()["error"]["id"] == "no_such_target"
    assert (
        client.get(
            "/pbx/route/", {"to": "op-0000", "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).status_code
        == 404
    )


def test_e4_a_key_sent_as_sip_info_and_retransmitted_makes_one_callback(town, logins, media, settings):
    settings.VAXEL_QUEUE_CALLBACK_SECONDS = 60
    operator = logins["operator"]
    for index in range(3):  # two minutes a call lately, and the operator busy: a long wait
        at = now() - timedelta(minutes=20 - 3 * index)
        earlier = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id=f"e{index}", at=at)
        call_answer(call_id=earlier.pk, actor=operator, at=at)
        call_end(call_id=earlier.pk, actor=operator, at=at + timedelta(minutes=2))
    call_answer(
        call_id=call_arrive(caller="036-99", called=SWITCHBOARD, external_id="busy").pk, actor=operator
    )
    caller = Caller(media["port"])  # offers no telephone-event: its keys come as INFO
    assert caller.invite("queue")[0] == 200
    call = queued(caller.call_id)
    assert caller.hear(4000) >= 4000
    info = request(
        "INFO",
        "media",
        "+46361234567",
        host="127.0.0.1",
        port=media["port"],
        call_id=caller.call_id,
        extra="Content-Type: application/dtmf-relay\r\n",
    ).replace(b"Content-Length: 0\r\n\r\n", b"Content-Length: 24\r\n\r\nSignal=1\r\nDuration=160\r\n")
    for _copy in range(3):  # the INFO retransmitted: the same CSeq each time
        caller.sip.sendto(info, caller.media)
    assert sip_message(caller, "BYE", seconds=30)  # after the confirmation
    call.refresh_from_db()
    assert call.state == CallState.CALLBACK
    assert CallEvent.objects.filter(call_id=call.external_id, kind="callback").count() == 1
