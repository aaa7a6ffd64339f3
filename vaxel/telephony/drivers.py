"""The telephony driver interface: how Växel asks the telephone system to act on a call.

Calls come in through the call-events API (`POST /api/v1/calls/`), whoever the telephone
system is; what the operator decides (put the call through) goes out through the driver
named by VAXEL_TELEPHONY_DRIVER. The simulator is the driver until a PBX is connected.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vaxel.telephony.models import Call

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


DRIVERS: dict[str, type] = {"simulator": SimulatorDriver}


def driver_get() -> TelephonyDriver:
    name = settings.VAXEL_TELEPHONY_DRIVER
    if name not in DRIVERS:
        raise ImproperlyConfigured(
            f"VAXEL_TELEPHONY_DRIVER={name!r} is not a telephony driver; use one of {', '.join(DRIVERS)}."
        )
    return DRIVERS[name]()
