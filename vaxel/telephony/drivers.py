"""The telephony driver interface: how Växel acts on a call it holds.

Calls come in through the call-events API (`POST /api/v1/calls/`) or, with Kamailio as
the switchboard's own telephone, through the media endpoint that holds them in the
queue; what the operator decides goes out through the driver named by
VAXEL_TELEPHONY_DRIVER:

- `simulator`: nothing rings; the caller is simply connected (`vaxel simulate`).
- `kamailio`: real calls (vaxel/telephony/switchboard.py). Answering sends the caller
  to the operator's console; putting through gives the console an opaque address to
  refer the caller to, which Kamailio resolves by asking Växel.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vaxel.directory.models import PhoneNumber
from vaxel.telephony.models import Call
from vaxel.telephony.switchboard import operator_target_add, park_target_add, transfer_target_add

logger = logging.getLogger(__name__)


class TelephonyDriver(Protocol):
    name: str

    def answer(self, call: Call, operator) -> None:
        """Bring the waiting caller to the operator."""

    def put_through(self, call: Call, number: PhoneNumber) -> None:
        """Connect the caller to `number` (with Kamailio: the address the console refers
        the caller to, switchboard.transfer_uri)."""

    def park(self, call: Call) -> None:
        """Hold the caller at the switchboard's parking place, for any operator."""

    def hang_up(self, call: Call) -> None:
        """End the call at the switchboard."""


class SimulatorDriver:
    """Simulated calls: nothing rings, the caller is simply connected. The number is not
    logged, since it may be a mobile without consent (S3)."""

    name = "simulator"

    def answer(self, call: Call, operator) -> None:
        logger.info("Simulated call %s answered", call.external_id)

    def put_through(self, call: Call, number: PhoneNumber) -> None:
        logger.info("Simulated call %s put through", call.external_id)

    def park(self, call: Call) -> None:
        logger.info("Simulated call %s parked", call.external_id)

    def hang_up(self, call: Call) -> None:
        logger.info("Simulated call %s ended by the switchboard", call.external_id)


class KamailioDriver:
    """Real calls with Kamailio as the switchboard's telephone."""

    name = "kamailio"

    def answer(self, call: Call, operator) -> None:
        operator_target_add(call=call, operator=operator)  # the media endpoint refers the caller

    def put_through(self, call: Call, number: PhoneNumber) -> None:
        transfer_target_add(call=call, number=number)

    def park(self, call: Call) -> None:
        park_target_add(call=call)  # the console refers the caller to the parking place

    def hang_up(self, call: Call) -> None:
        logger.info("Call %s ended at the console", call.external_id)


DRIVERS: dict[str, type] = {"simulator": SimulatorDriver, "kamailio": KamailioDriver}


def driver_get() -> TelephonyDriver:
    name = settings.VAXEL_TELEPHONY_DRIVER
    if name not in DRIVERS:
        raise ImproperlyConfigured(
            f"VAXEL_TELEPHONY_DRIVER={name!r} is not a telephony driver; use one of {', '.join(DRIVERS)}."
        )
    return DRIVERS[name]()
