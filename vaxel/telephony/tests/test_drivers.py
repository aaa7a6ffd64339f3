"""The SIP driver: the operator's "put through" becomes a REFER (RFC 3515) to the PBX,
which must accept it; if it does not, the operator is told and the call stays."""

import socket
import threading
from datetime import datetime

import pytest

from vaxel.core.errors import Conflict
from vaxel.core.testing import SWITCHBOARD
from vaxel.core.time import STOCKHOLM
from vaxel.directory.models import NumberKind
from vaxel.telephony.models import Call, CallState
from vaxel.telephony.services import call_answer, call_arrive, call_put_through


@pytest.fixture
def pbx(settings):
    """A PBX's SIP control port on 127.0.0.1 that answers REFERs as told."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    state = {"answer": "202 Accepted", "received": []}

    def serve():
        while True:
            try:
                data, addr = sock.recvfrom(65535)
            except OSError:
                return
            state["received"].append(data.decode())
            lines = data.decode().split("\r\n")
            keep = [line for line in lines if line.split(":")[0] in ("Via", "From", "To", "Call-ID", "CSeq")]
            sock.sendto(
                (
                    "SIP/2.0 "
                    + state["answer"]
                    + "\r\n"
                    + "\r\n".join(keep)
                    + "\r\nContent-Length: 0\r\n\r\n"
                ).encode(),
                addr,
            )

    threading.Thread(target=serve, daemon=True).start()
    settings.VAXEL_TELEPHONY_DRIVER = "sip"
    settings.VAXEL_PBX_CONTROL = f"127.0.0.1:{sock.getsockname()[1]}"
    settings.VAXEL_PBX_GATEWAY = "pbx.testby.se"
    yield state
    sock.close()


def answered_call(logins):
    call = call_arrive(
        caller="036-123456",
        called=SWITCHBOARD,
        external_id="a84b4c76e66710@pbx",
        at=datetime(2026, 12, 1, 10, tzinfo=STOCKHOLM),
    )
    return call_answer(call_id=call.pk, actor=logins["operator"])


def test_putting_through_asks_the_pbx_to_transfer_the_call(pbx, town, logins):
    call = answered_call(logins)
    direct = town.bjorn.numbers.get(kind=NumberKind.DIRECT)
    call_put_through(call_id=call.pk, number_id=direct.pk, actor=logins["operator"])
    [refer] = pbx["received"]
    assert refer.startswith("REFER sip:switchboard@pbx.testby.se SIP/2.0")
    assert "Refer-To: <sip:+46370331002@pbx.testby.se>" in refer and "Call-ID: a84b4c76e66710@pbx" in refer
    assert Call.objects.get().state == CallState.PUT_THROUGH


def test_when_the_pbx_refuses_the_operator_is_told_and_the_call_stays(pbx, town, logins):
    pbx["answer"] = "603 Decline"
    call = answered_call(logins)
    with pytest.raises(Conflict) as refused:
        call_put_through(
            call_id=call.pk,
            number_id=town.bjorn.numbers.get(kind=NumberKind.DIRECT).pk,
            actor=logins["operator"],
        )
    assert refused.value.error_id == "pbx_refused" and "603" in refused.value.message
    assert Call.objects.get().state == CallState.ANSWERED
