"""The telephony driver interface: how Växel asks the telephone system to act on a call.

Calls come in through the call-events API (`POST /api/v1/calls/`), whoever the telephone
system is; what the operator decides (put the call through) goes out through the driver
named by VAXEL_TELEPHONY_DRIVER. The simulator is the driver until a PBX is connected.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from vaxel.core.text import identifier
from vaxel.telephony.errors import PbxRefused
from vaxel.telephony.models import Call
from vaxel.telephony.sip_udp import SipClient

logger = logging.getLogger(__name__)


class TelephonyDriver(Protocol):
    name: str

    def put_through(self, call: Call, number: str) -> None:
        """Connect the caller to `number` (E.164) and leave the switchboard."""

    def hang_up(self, call: Call) -> None:
        """End the call at the switchboard."""


class SimulatorDriver:
    """Simulated calls: nothing rings, the caller is simply connected. The number is not
    logged, since it may be a mobile without consent (S3)."""

    name = "simulator"

    def put_through(self, call: Call, number: str) -> None:
        logger.info("Simulated call %s put through", call.external_id)

    def hang_up(self, call: Call) -> None:
        logger.info("Simulated call %s ended by the switchboard", call.external_id)


class SipDriver:
    """Real calls: the PBX is asked to transfer the call with an out-of-dialog SIP REFER
    (RFC 3515) naming the call by its Call-ID, sent to VAXEL_PBX_CONTROL (host:port). The
    PBX must accept it (202) within three seconds, or the operator is told and the call
    stays where it is. The number goes only to the PBX, never to a browser (S3)."""

    name = "sip"

    def _send(self, call: Call, method: str, extra: str) -> int:
        import secrets
        import socket

        host, _sep, port = settings.VAXEL_PBX_CONTROL.rpartition(":")
        client = SipClient(host or settings.VAXEL_PBX_CONTROL, int(port or 5060), timeout=3)
        target = f"sip:switchboard@{settings.VAXEL_PBX_GATEWAY}"
        identifier(call.external_id, field="Call-ID")  # checked where it entered; never a header break
        request = (
            f"{method} {target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK{secrets.token_hex(8)};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:vaxel@{socket.gethostname()}>;tag={secrets.token_hex(4)}\r\n"
            f"To: <{target}>\r\nCall-ID: {call.external_id}\r\nCSeq: 1 {method}\r\n"
            f"{extra}Content-Length: 0\r\n\r\n"
        ).encode()
        try:
            answer = client.send(request)
        finally:
            client.close()
        if answer is None or not 200 <= answer.status < 300:
            status = answer.status if answer is not None else "no answer"
            raise PbxRefused(
                _("The telephone system did not carry it out (%(status)s); try again or use the phone.")
                % {"status": status},
            )
        return answer.status

    def put_through(self, call: Call, number: str) -> None:
        gateway = settings.VAXEL_PBX_GATEWAY
        self._send(
            call,
            "REFER",
            f"Refer-To: <sip:{number}@{gateway}>\r\nReferred-By: <sip:switchboard@{gateway}>\r\n",
        )
        logger.info("Call %s handed to the PBX for transfer", call.external_id)

    def hang_up(self, call: Call) -> None:
        # The operator hangs up on their own phone; the PBX reports the end.
        logger.info("Call %s ended at the switchboard", call.external_id)


DRIVERS: dict[str, type] = {"simulator": SimulatorDriver, "sip": SipDriver}


def driver_get() -> TelephonyDriver:
    name = settings.VAXEL_TELEPHONY_DRIVER
    if name not in DRIVERS:
        raise ImproperlyConfigured(
            f"VAXEL_TELEPHONY_DRIVER={name!r} is not a telephony driver; use one of {', '.join(DRIVERS)}."
        )
    return DRIVERS[name]()
