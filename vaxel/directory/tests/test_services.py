import pytest

from vaxel.core.errors import Conflict, InvalidInput, NotFound
from vaxel.directory import services
from vaxel.directory.models import NumberGroup, NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.selectors import answer_phrase
from vaxel.testing import ANNA_DIRECT, ANNA_SECRET_MOBILE, GROUP_NUMBER


def counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        PhoneNumber.objects.count(),
        NumberGroup.objects.count(),
    )


def test_e1_numbers_are_stored_as_e164_and_owned_by_one_person_or_group(town):
    anna_numbers = {n.kind: n.e164 for n in town.anna.numbers.all()}
    assert anna_numbers == {NumberKind.DIRECT: ANNA_DIRECT, NumberKind.MOBILE: ANNA_SECRET_MOBILE}
    assert town.group.number.e164 == GROUP_NUMBER
    assert town.group.responsible == town.anna  # the unit's manager answers for the group
    assert set(town.group.members.all()) == {town.anna, town.bjorn}
    assert str(town.anna.numbers.get(kind=NumberKind.DIRECT)) == "0370-33 10 01"


@pytest.mark.parametrize("number", ["0370-331001", "+46 370 33 10 01", "0370-335001", "0370-331000"])
def test_e1_a_number_that_already_has_an_owner_is_refused_and_nothing_is_written(town, number):
    before = counts()
    with pytest.raises(Conflict) as error:
        services.person_add(name="Ny Person", email="ny@example.se", unit="Bygglov", direct_number=number)
    assert "bara ha en ägare (E1)" in error.value.message
    assert counts() == before


def test_e1_a_taken_unconsented_mobile_is_not_echoed_in_the_error(town):
    with pytest.raises(Conflict) as error:
        services.person_add(
            name="Ny Person", email="ny@example.se", unit="Bygglov", direct_number="070-1234567"
        )
    assert "123 45 67" not in error.value.message and "Anna" in error.value.message


@pytest.mark.parametrize(
    ("kwargs", "error_type", "error_id"),
    [
        ({"direct_number": "12"}, InvalidInput, "invalid_phone_number"),
        ({"unit": "Finns inte"}, NotFound, "unit_not_found"),
        ({"email": "inte-en-adress"}, InvalidInput, "invalid_email"),
        ({"email": "anna.sjoberg@example.se"}, Conflict, "person_exists"),
        ({"name": "  "}, InvalidInput, "empty_name"),
        ({"mobile": "070-9999999"}, InvalidInput, "mobile_consent_missing"),
        (
            {"direct_number": "0370-331099", "mobile": "0370-331099", "mobile_consent": True},
            InvalidInput,
            "numbers_the_same",
        ),
    ],
)
def test_bad_person_input_gets_a_clear_error_and_writes_nothing(town, kwargs, error_type, error_id):
    before = counts()
    arguments = {"name": "Ny Person", "email": "ny@example.se", "unit": "Bygglov", **kwargs}
    with pytest.raises(error_type) as error:
        services.person_add(**arguments)
    assert error.value.error_id == error_id
    assert error.value.message
    assert counts() == before


def test_s3_mobile_consent_is_kept_with_its_date(town):
    secret = town.anna.numbers.get(kind=NumberKind.MOBILE)
    public = town.bjorn.numbers.get(kind=NumberKind.MOBILE)
    assert not secret.is_public and public.is_public
    assert secret.consent_changed_at is not None


def test_units_form_a_tree_with_keywords(town):
    child = services.unit_add(
        name="Bygglov Nord", parent="bygglov", keywords=services.parse_keywords("Attefall, bygglov")
    )
    assert child.parent == town.unit
    assert [k.word for k in child.keywords.all()] == ["attefall", "bygglov"]
    with pytest.raises(Conflict):
        services.unit_add(name="BYGGLOV")


def test_shared_number_needs_known_members_and_writes_nothing_otherwise(town):
    before = counts()
    with pytest.raises(NotFound):
        services.shared_number_add(number="0370-335002", unit="Bygglov", members=["okand@example.se"])
    with pytest.raises(InvalidInput):
        services.shared_number_add(number="0370-335002", unit="Bygglov", members=[])
    assert counts() == before


def test_e2_answer_phrase_names_person_workplace_and_organisation():
    phrase = answer_phrase(name="Anna Sjöberg", workplace="Bygglov", organisation="Testby kommun")
    assert phrase == "Bygglov, Testby kommun, det är Anna Sjöberg."


def test_organisation_name_is_configuration(db):
    organisation = services.organisation_set(name="Vaggeryds kommun", switchboard_number="0393-78000")
    assert organisation.name == "Vaggeryds kommun"
    assert organisation.switchboard_number == "+4639378000"
    with pytest.raises(InvalidInput):
        services.organisation_set(name="")
