"""Named personas for tests, so scenarios read like the routine.

`small_municipality()` builds, through the services: the organisation with its
switchboard and opening hours, the unit Bygglov with telephone hours, Anna Sjöberg
(direct number, a mobile she has NOT consented to give out), Björn Åberg (a mobile
he has consented to), and the shared number Bygglovsgruppen with both as members.
"""

from dataclasses import dataclass

from vaxel.availability import services as availability
from vaxel.directory import services as directory
from vaxel.directory.models import NumberGroup, Person, Unit

ORGANISATION = "Testby kommun"
SWITCHBOARD = "+46370331000"
ANNA_DIRECT = "+46370331001"
ANNA_SECRET_MOBILE = "+46701234567"
CECILIA_SECRET_MOBILE = "+46733456789"
BJORN_DIRECT = "+46370331002"
BJORN_PUBLIC_MOBILE = "+46702345678"
GROUP_NUMBER = "+46370335001"


@dataclass
class Municipality:
    unit: Unit
    anna: Person
    bjorn: Person
    group: NumberGroup
    other_unit: Unit
    cecilia: Person


def small_municipality() -> Municipality:
    directory.organisation_set(name=ORGANISATION, switchboard_number="0370-331000")
    availability.opening_hours_set(weekly="mon-thu 08:00-16:30, fri 08:00-15:00", eve_hours="08:00-12:00")
    unit = availability.unit_open(
        name="Bygglov", keywords=["bygglov", "detaljplan"], telephone_hours="mon-fri 08:30-10:00"
    )
    anna = directory.person_add(
        name="Anna Sjöberg",
        email="anna.sjoberg@example.se",
        unit="Bygglov",
        title="bygglovshandläggare",
        direct_number="0370-331001",
        mobile="070-1234567",
        mobile_consent=False,
        manager=True,
    )
    bjorn = directory.person_add(
        name="Björn Åberg",
        email="bjorn.aberg@example.se",
        unit="Bygglov",
        title="byggnadsinspektör",
        direct_number="0370-331002",
        mobile="070-2345678",
        mobile_consent=True,
        consent_record="Björn's signed consent form",
    )
    group = directory.shared_number_add(
        number="0370-335001", unit="Bygglov", members=[anna.email, bjorn.email], name="Bygglovsgruppen"
    )
    other_unit = directory.unit_add(name="Skolskjuts", keywords=["skolskjuts"])
    cecilia = directory.person_add(
        name="Cecilia Öst",
        email="cecilia.ost@example.se",
        unit="Skolskjuts",
        direct_number="0370-331003",
        mobile="073-3456789",
        mobile_consent=False,
    )
    return Municipality(
        unit=unit, anna=anna, bjorn=bjorn, group=group, other_unit=other_unit, cecilia=cecilia
    )


PASSWORD = "test-lösenord-1"


def logins(town: Municipality) -> dict[str, object]:
    """One login per role: the operator and the administrator by group; Anna is the
    manager of Bygglov; Björn an employee in Bygglov; and a login with no role."""
    from vaxel.access.services import user_add

    return {
        "operator": user_add(username="operator", password=PASSWORD, roles="operator")[0],
        "administrator": user_add(username="administrator", password=PASSWORD, roles="administrator")[0],
        "manager": user_add(username="anna", password=PASSWORD, person=town.anna.email)[0],
        "employee": user_add(username="bjorn", password=PASSWORD, person=town.bjorn.email)[0],
        "nobody": user_add(username="nobody", password=PASSWORD)[0],
    }


def run_async(coroutine):
    """Run a coroutine to its end on a fresh event loop in a thread of its own: the
    browser tests' Playwright keeps an event loop running in the main thread."""
    import asyncio
    import threading

    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed to the test's thread below
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def vaxel_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run a `vaxel` verb in this process: (exit code, stdout, stderr)."""
    from vaxel.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
