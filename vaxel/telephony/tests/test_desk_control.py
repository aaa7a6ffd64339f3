"""What the console tells an operator on a desk phone when Kamailio could not do all
it was asked (switchboard.cfg, route CONTROL): a peer on 127.0.0.1 plays Kamailio and
gives the answer under test to Växel's REFER or BYE."""

import socket
import threading

import pytest

from vaxel.core.time import now
from vaxel.telephony.errors import DeskPhoneNotEnded, DeskPhoneNotInCall, TelephoneUnreachable
from vaxel.telephony.models import SipTarget, SipTargetKind
from vaxel.telephony.moves import desk_phone_control
from vaxel.telephony.services import call_answer, call_arrive, call_end
from vaxel.testing import SWITCHBOARD, small_municipality

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open


@pytest.fixture
def kamailio(settings):
    """A UDP peer as Kamailio; `.answer` is the status line it gives (None: silence)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    settings.VAXEL_SIP_PROXY = f"127.0.0.1:{sock.getsockname()[1]}"
    peer = type("Peer", (), {"answer": None, "asked": []})()
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                data, address = sock.recvfrom(65535)
            except TimeoutError:
                continue
            peer.asked.append(data.split(b" ", 1)[0].decode())
            if peer.answer:
                sock.sendto(f"SIP/2.0 {peer.answer}\r\nContent-Length: 0\r\n\r\n".encode(), address)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield peer
    done.set()
    thread.join()
    sock.close()


@pytest.fixture
def town(db, settings):
    settings.VAXEL_TELEPHONY_DRIVER = "kamailio"
    return small_municipality()


@pytest.fixture
def on_the_desk_phone(town, logins):
    """A call the operator answered, which reached their desk phone."""
    call = call_arrive(caller="036-123456", called=SWITCHBOARD, external_id="d35k", driver="kamailio")
    call_answer(call_id=call.pk, actor=logins["operator"])
    SipTarget.objects.filter(call=call, kind=SipTargetKind.OPERATOR).update(used_at=now())
    call_end(call_id=call.pk, actor=logins["operator"])  # Avsluta
    return call


def test_s1_an_operator_whose_desk_phone_kamailio_could_not_free_is_told_to_hang_it_up(
    kamailio, on_the_desk_phone, logins
):
    kamailio.answer = "500 Desk Phone Not Ended"
    with pytest.raises(DeskPhoneNotEnded):  # "…: hang it up"
        desk_phone_control(call_id=on_the_desk_phone.pk, actor=logins["operator"], action="end")
    assert kamailio.asked[0] == "BYE"


def test_s1_an_operator_hears_when_kamailio_is_silent_or_the_call_left_the_desk_phone(
    kamailio, on_the_desk_phone, logins
):
    with pytest.raises(TelephoneUnreachable):
        desk_phone_control(call_id=on_the_desk_phone.pk, actor=logins["operator"], action="end")
    kamailio.answer = "481 Call Does Not Exist"
    with pytest.raises(DeskPhoneNotInCall):
        desk_phone_control(call_id=on_the_desk_phone.pk, actor=logins["operator"], action="end")
