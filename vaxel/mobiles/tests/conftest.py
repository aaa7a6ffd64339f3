"""Work mobiles in the small town: Björn holds one (his consented mobile), Dana in
Bygglov has no direct number and is reached on hers (she has not consented to show it),
and she is in the shared number's group."""

from dataclasses import dataclass

import pytest

from vaxel.directory import services as directory
from vaxel.directory.models import Person
from vaxel.mobiles.models import Subscription
from vaxel.mobiles.services import mobile_hand_out, subscription_add

BLOCKERS = ["it-servicedesk@example.se", "foretag@operator.example"]
DANA_MOBILE = "+46705550001"
# Every way Dana's number may be written (a bare "555" would also match a timestamp).
DANA_WRITTEN = ("46705550001", "0705550001", "070-555 00 01", "070-5550001", "070 555 00 01", "705550001")


def shows_dana(text: str) -> bool:
    return any(form in text for form in DANA_WRITTEN)


DANA_ICCID = "89460100000000000017"
DANA_IMEI = "490154203237518"
BJORN_ICCID = "89460100000000000025"


@dataclass
class Mobiles:
    bjorn: Subscription
    dana: Subscription
    dana_person: Person


@pytest.fixture
def blockers(settings):
    settings.VAXEL_MOBILE_BLOCK_EMAILS = BLOCKERS
    return BLOCKERS


@pytest.fixture
def mobiles(town, blockers) -> Mobiles:
    dana = directory.person_add(
        name="Dana Ek", email="dana.ek@example.se", unit="Bygglov", title="handläggare"
    )
    town.group.members.add(dana)
    bjorn = subscription_add(number="070-2345678", operator="Telia", iccid=BJORN_ICCID)
    mobile_hand_out(subscription=bjorn, person=town.bjorn)
    danas = subscription_add(
        number="070-5550001", operator="Telia", iccid=DANA_ICCID, imei=DANA_IMEI, model="Fairphone 5",
        cost_centre="4711",
    )  # fmt: skip
    mobile_hand_out(subscription=danas, person=dana)
    return Mobiles(bjorn=bjorn, dana=danas, dana_person=dana)


@pytest.fixture
def dana_login(mobiles):
    from vaxel.access.services import user_add
    from vaxel.testing import PASSWORD

    return user_add(username="dana", password=PASSWORD, person=mobiles.dana_person.email)[0]
