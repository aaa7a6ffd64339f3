"""The rules every directory source follows (vaxel/directory/sync.py)."""

import pytest

from vaxel.audit.models import Change
from vaxel.core import live
from vaxel.directory.errors import SyncRejected
from vaxel.directory.models import FieldSource, Person, PhoneNumber, Unit
from vaxel.directory.selectors import field_sources_get
from vaxel.directory.sync import SourcePerson, directory_sync, source_label
from vaxel.testing import ANNA_DIRECT, ANNA_SECRET_MOBILE, BJORN_PUBLIC_MOBILE

pytestmark = pytest.mark.django_db


def record(source_id: str, row: int = 2, manager: str = "", **values: str) -> SourcePerson:
    return SourcePerson(
        source_id=source_id,
        where=f"rad {row}",
        values=values,
        columns={k: k.capitalize() for k in values},
        manager=manager,
    )


def dana(**extra: str) -> SourcePerson:
    values = {
        "name": "Dana Ek",
        "email": "dana.ek@example.se",
        "title": "socialsekreterare",
        "unit": "Individ- och familjeomsorg",
        "parent_unit": "Socialförvaltningen",
        "direct_number": "0370-331050",
        **extra,
    }
    return record("guid-dana", **values)


def test_new_people_are_added_with_their_units_and_the_source_as_author(town):
    report = directory_sync(source="ldap", people=[dana()], complete=False)
    person = Person.objects.get(email="dana.ek@example.se")
    assert (person.source, person.source_id, person.unit.name) == (
        "ldap",
        "guid-dana",
        "Individ- och familjeomsorg",
    )
    assert person.unit.parent.name == "Socialförvaltningen"
    assert [a.email for a in report.added] == ["dana.ek@example.se"]
    assert report.units_added == ["Socialförvaltningen", "Individ- och familjeomsorg"]
    change = Change.objects.filter(entity="person", entity_id=str(person.pk)).get()
    assert change.actor_name == "LDAP/Active Directory"


def test_c1_every_change_reaches_the_change_log_and_the_feed_with_the_source_as_author(
    town, django_capture_on_commit_callbacks
):
    with live.captured() as feed, django_capture_on_commit_callbacks(execute=True):
        directory_sync(source="file", people=[dana()], complete=False)
        directory_sync(source="file", people=[dana(title="enhetschef")], complete=False)
    person_changes = Change.objects.filter(actor_name=source_label("file"), entity="person").order_by("id")
    assert [c.action for c in person_changes] == ["created", "updated"]
    assert person_changes[1].before["title"] == "socialsekreterare"
    assert person_changes[1].after["title"] == "enhetschef"
    fed = {e["id"] for e in feed if e["kind"] == "change"}
    assert {c.pk for c in person_changes} <= fed


def test_people_are_matched_by_source_id_then_email(town):
    directory_sync(source="ldap", people=[dana()], complete=False)
    moved = dana(email="dana.ek.lind@example.se", name="Dana Ek Lind")
    report = directory_sync(source="ldap", people=[moved], complete=False)
    assert Person.objects.filter(source_id="guid-dana").count() == 1
    assert Person.objects.get(source_id="guid-dana").email == "dana.ek.lind@example.se"
    assert sorted(report.changed[0].fields) == ["email", "name"]
    # Somebody typed in Växel is adopted by the source through their e-mail.
    anna = record("guid-anna", email="Anna.Sjoberg@example.se", title="enhetschef")
    directory_sync(source="ldap", people=[anna], complete=False)
    town.anna.refresh_from_db()
    assert (town.anna.source, town.anna.source_id, town.anna.title) == ("ldap", "guid-anna", "enhetschef")
    assert town.anna.name == "Anna Sjöberg"  # a field the source does not give is left alone


def test_units_are_matched_by_name_whatever_the_case(town):
    directory_sync(source="file", people=[dana(unit="bygglov", parent_unit="")], complete=False)
    assert Person.objects.get(email="dana.ek@example.se").unit == town.unit
    assert Unit.objects.filter(name__iexact="bygglov").count() == 1


def test_unchanged_people_make_no_change(town):
    directory_sync(source="ldap", people=[dana()], complete=False)
    before = Change.objects.count()
    report = directory_sync(source="ldap", people=[dana()], complete=False)
    assert (len(report.added), len(report.changed), report.unchanged) == (0, 0, 1)
    assert Change.objects.count() == before


def test_e1_leavers_are_deactivated_never_deleted_and_their_number_goes_to_the_switchboard(town):
    directory_sync(source="ldap", people=[dana(), record("guid-anna", email=town.anna.email)], complete=True)
    report = directory_sync(source="ldap", people=[dana()], complete=True)
    town.anna.refresh_from_db()
    assert not town.anna.active
    assert PhoneNumber.objects.filter(e164=ANNA_DIRECT, person=town.anna).exists()  # kept, flagged by routing
    assert [d.email for d in report.deactivated] == [town.anna.email]
    change = Change.objects.filter(entity="person", entity_id=str(town.anna.pk)).order_by("-id").first()
    assert change.actor_name == "LDAP/Active Directory"
    assert change.after["active"] is False
    # People typed in Växel, not kept by this source, are no leavers of it.
    town.bjorn.refresh_from_db()
    assert town.bjorn.active


def test_e1_the_managers_are_asked_to_reassign_a_leavers_number(
    town, django_capture_on_commit_callbacks, mailoutbox
):
    directory_sync(source="ldap", people=[record("guid-bjorn", email=town.bjorn.email)], complete=True)
    with django_capture_on_commit_callbacks(execute=True):
        directory_sync(source="ldap", people=[], complete=True)
    assert any(town.anna.email in m.to for m in mailoutbox)


def test_s3_a_source_never_sets_mobile_consent_to_yes(town):
    # A new person's mobile starts private.
    directory_sync(source="ldap", people=[dana(mobile="070-9998877")], complete=False)
    assert PhoneNumber.objects.get(e164="+46709998877").disclosure_consent is False
    # A mobile that stays the same keeps what its owner said; a new one starts private.
    same = record("guid-bjorn", email=town.bjorn.email, mobile=BJORN_PUBLIC_MOBILE)
    directory_sync(source="ldap", people=[same], complete=False)
    assert PhoneNumber.objects.get(e164=BJORN_PUBLIC_MOBILE).disclosure_consent is True
    new = record("guid-bjorn", email=town.bjorn.email, mobile="070-5554433")
    directory_sync(source="ldap", people=[new], complete=False)
    mobile = town.bjorn.numbers.get(kind="mobile")
    assert (mobile.e164, mobile.disclosure_consent) == ("+46705554433", False)


def test_s3_a_hidden_mobile_stays_out_of_the_change_log(town):
    directory_sync(source="file", people=[dana(mobile="070-9998877")], complete=False)
    assert not Change.objects.filter(after__icontains="9998877").exists()
    assert ANNA_SECRET_MOBILE  # Anna's is untouched
    assert PhoneNumber.objects.get(e164=ANNA_SECRET_MOBILE).disclosure_consent is False


def test_each_field_remembers_the_source_that_last_changed_it(town):
    directory_sync(source="ldap", people=[dana()], complete=False)
    directory_sync(
        source="file", people=[record("", email="dana.ek@example.se", title="enhetschef")], complete=False
    )
    person = Person.objects.get(email="dana.ek@example.se")
    sources = field_sources_get(person=person)
    assert sources["title"].source == "file"
    assert sources["name"].source == "ldap"
    assert "mobile_consent" not in sources
    assert FieldSource.objects.filter(person=person).count() == len(sources)


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(town):
    bad = record("x", row=7, name="Eva", email="inte-en-adress", unit="Bygglov")
    with pytest.raises(SyncRejected) as error:
        directory_sync(source="file", people=[dana(), bad], complete=True)
    assert "rad 7, Email" in error.value.message
    assert not Person.objects.filter(email="dana.ek@example.se").exists()


def test_skip_bad_writes_the_good_people_whole_and_lists_the_bad(town):
    bad = record("x", row=7, name="Eva", email="eva@example.se", unit="Bygglov", direct_number=ANNA_DIRECT)
    report = directory_sync(source="file", people=[dana(), bad], complete=False, skip_bad=True)
    assert Person.objects.filter(email="dana.ek@example.se").exists()
    assert not Person.objects.filter(email="eva@example.se").exists()  # never half a person
    assert report.skipped == 1 and "rad 7" in report.errors[0]


def test_dry_run_reports_what_would_change_and_writes_nothing(town):
    people = [dana(), record("guid-bjorn", email=town.bjorn.email, title="chef")]
    before = Change.objects.count()
    report = directory_sync(source="ldap", people=people, complete=True, dry_run=True)
    assert [a.email for a in report.added] == ["dana.ek@example.se"]
    assert [c.email for c in report.changed] == [town.bjorn.email]
    assert not Person.objects.filter(email="dana.ek@example.se").exists()
    assert Change.objects.count() == before
    town.bjorn.refresh_from_db()
    assert town.bjorn.title == "byggnadsinspektör" and town.bjorn.source == ""


def test_a_manager_named_by_the_source_manages_the_persons_unit(town):
    boss = record("guid-boss", row=2, name="Gustav Chef", email="gustav@example.se", unit="IFO")
    worker = record("guid-w", row=3, manager="guid-boss", name="Hanna", email="hanna@example.se", unit="IFO")
    report = directory_sync(source="ldap", people=[worker, boss], complete=False)
    assert list(Unit.objects.get(name="IFO").managers.values_list("email", flat=True)) == [
        "gustav@example.se"
    ]
    assert report.managers_added == ["IFO: Gustav Chef"]


def test_e1_a_number_another_person_owns_is_refused(town):
    with pytest.raises(SyncRejected) as error:
        directory_sync(source="file", people=[dana(direct_number=ANNA_DIRECT)], complete=False)
    assert "Anna Sjöberg" in error.value.message


def test_the_same_person_twice_is_an_error(town):
    with pytest.raises(SyncRejected, match=r"två gånger|twice"):
        directory_sync(source="file", people=[dana(), dana()], complete=False)


def test_fields_vaxel_owns_are_never_written_by_a_source(town):
    from datetime import timedelta

    from vaxel.availability.models import Absence
    from vaxel.availability.services import absence_add
    from vaxel.core.time import now
    from vaxel.mobiles.models import VoicemailGreeting

    start = now() + timedelta(days=1)
    absence_add(person=town.anna, reason="möte", starts_at=start, ends_at=start + timedelta(hours=1))
    VoicemailGreeting.objects.create(person=town.anna, text="Hej, du har kommit till Anna Sjöberg")
    absences = list(Absence.objects.filter(person=town.anna).values())
    anna = record(
        "guid-anna",
        email=town.anna.email,
        name="Anna Sjöberg-Lind",
        title="enhetschef",
        unit="Skolskjuts",
        mobile=ANNA_SECRET_MOBILE,
    )
    directory_sync(source="ldap", people=[anna], complete=True)
    town.anna.refresh_from_db()
    assert (town.anna.name, town.anna.unit.name) == ("Anna Sjöberg-Lind", "Skolskjuts")
    assert list(Absence.objects.filter(person=town.anna).values()) == absences
    assert town.anna.voicemail_greeting.text == "Hej, du har kommit till Anna Sjöberg"
    assert PhoneNumber.objects.get(e164=ANNA_SECRET_MOBILE).disclosure_consent is False
