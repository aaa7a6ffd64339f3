"""E1: no number is orphaned when someone leaves."""

from datetime import datetime

import pytest

from vaxel.cli import main
from vaxel.core.errors import Conflict, InvalidInput
from vaxel.core.time import STOCKHOLM
from vaxel.directory.services import number_reassign, person_add, person_deactivate
from vaxel.messaging.models import OutboxEmail
from vaxel.routing.engine import decide
from vaxel.routing.snapshot import snapshot_build
from vaxel.testing import ANNA_DIRECT

TUESDAY_9 = datetime(2026, 12, 1, 9, tzinfo=STOCKHOLM)


def route(called: str):
    return decide(snapshot_build(since=TUESDAY_9), called=called, calling=None, at=TUESDAY_9)


def test_e1_a_leavers_number_goes_to_the_switchboard_and_the_manager_is_asked(town, logins):
    person_deactivate(email=town.bjorn.email)
    decision = route("+46370331002")
    assert decision.action == "queue" and "number_owner_left" in decision.flags
    email = OutboxEmail.objects.get(subject__contains="har slutat")
    assert email.recipients == ["anna.sjoberg@example.se"]
    assert (
        "vaxel number reassign +46370331002" in email.text
        and "Samtal till 0370-33 10 02 går nu till växeln" in email.text
    )
    group = [d.number for d in route("+46370335001").destinations]
    assert group == [ANNA_DIRECT]  # no longer rings the leaver
    logins["employee"].refresh_from_db()
    assert not logins["employee"].is_active
    with pytest.raises(Conflict):
        person_deactivate(email=town.bjorn.email)


def test_e1_the_number_is_reassigned_to_someone_active(town):
    person_deactivate(email=town.bjorn.email)
    newcomer = person_add(name="Ny Handläggare", email="ny@example.se", unit="Bygglov")
    number_reassign(number="0370-331002", to=newcomer.email)
    decision = route("+46370331002")
    assert decision.action == "connect" and decision.called_name == "Ny Handläggare"
    with pytest.raises(Conflict):
        number_reassign(number="0370-331002", to=town.anna.email)  # Anna has a direct number
    with pytest.raises(InvalidInput):
        number_reassign(number="0370-331001", to=town.bjorn.email)  # Björn has left


def test_e1_command_line(town, capsys):
    assert main(["person", "deactivate", town.bjorn.email]) == 0
    assert main(["person", "add", "--name", "Ny", "--email", "ny@example.se", "--unit", "Bygglov"]) == 0
    assert main(["number", "reassign", "0370-331002", "--to", "ny@example.se"]) == 0
    assert capsys.readouterr().out.strip().endswith("0370-33 10 02 → Ny")
    assert main(["number", "reassign", "0370-339999", "--to", "ny@example.se"]) == 1
