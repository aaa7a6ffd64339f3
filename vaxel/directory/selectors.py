"""Reads of the directory that other capabilities share."""

from django.utils.translation import gettext as _

from vaxel.core.errors import InvalidInput, NotFound
from vaxel.directory.models import Organisation, Person, Unit


def organisation_get() -> Organisation:
    """The organisation; an unconfigured installation gets an unnamed one."""
    organisation = Organisation.objects.first()
    return organisation or Organisation(name="", switchboard_number="")


def unit_get(name: str) -> Unit:
    unit = Unit.objects.filter(name__iexact=(name or "").strip()).first()
    if unit is None:
        raise NotFound(
            _("There is no unit called %(name)r; list units in the admin or add it with 'vaxel unit add'.")
            % {"name": name},
            error_id="unit_not_found",
            details={"unit": name},
        )
    return unit


def person_get(email: str) -> Person:
    person = Person.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise NotFound(
            _(
                "There is nobody with the e-mail address %(email)r; check the spelling or add the "
                "person with 'vaxel person add'."
            )
            % {"email": email},
            error_id="person_not_found",
            details={"email": email},
        )
    return person


def people_get(emails: list[str]) -> list[Person]:
    if not emails:
        raise InvalidInput(_("Name at least one member by e-mail address."), error_id="no_members")
    return [person_get(email) for email in emails]


def answer_phrase(*, name: str, workplace: str, organisation: str) -> str:
    """E2: how the person answers the phone: name, workplace and the organisation."""
    return _("%(workplace)s, %(organisation)s, %(name)s speaking.") % {
        "name": name,
        "workplace": workplace,
        "organisation": organisation,
    }
