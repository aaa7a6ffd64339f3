"""An administrator works in the Django admin, and every edit there lands in the same
change log as any other change (C1), before → after, and in the switchboard's feed."""

from vaxel.audit.models import Change, ChangeAction
from vaxel.core import live
from vaxel.directory.models import Organisation, Person, PhoneNumber
from vaxel.testing import ANNA_SECRET_MOBILE, PASSWORD


def admin_client(client, logins):
    client.login(username=logins["administrator"].username, password=PASSWORD)
    return client


def test_c1_an_edit_in_the_admin_is_in_the_change_log_and_the_feed(
    client, logins, town, django_capture_on_commit_callbacks
):
    organisation = Organisation.objects.get()
    with live.captured() as events, django_capture_on_commit_callbacks(execute=True):
        answer = admin_client(client, logins).post(
            f"/admin/directory/organisation/{organisation.pk}/change/",
            {"name": "Testby kommun och region", "switchboard_number": organisation.switchboard_number},
        )
    assert answer.status_code == 302
    change = Change.objects.first()
    assert change.actor == logins["administrator"] and change.action == ChangeAction.UPDATED
    assert change.before["name"] == "Testby kommun" and change.after["name"] == "Testby kommun och region"
    assert "ändrades i administrationen" in change.summary
    assert [e["kind"] for e in events] == ["change"]


def test_s3_a_consent_change_in_the_admin_never_writes_the_digits(client, logins, town):
    anna = Person.objects.get(pk=town.anna.pk)
    numbers = list(anna.numbers.order_by("pk"))
    form = {
        "name": anna.name,
        "email": anna.email,
        "title": anna.title,
        "unit": anna.unit_id,
        "active": "on",
        "numbers-TOTAL_FORMS": str(len(numbers)),
        "numbers-INITIAL_FORMS": str(len(numbers)),
        "numbers-MIN_NUM_FORMS": "0",
        "numbers-MAX_NUM_FORMS": "1000",
    }
    for i, number in enumerate(numbers):
        form[f"numbers-{i}-id"] = str(number.pk)
        form[f"numbers-{i}-person"] = str(anna.pk)
    answer = admin_client(client, logins).post(f"/admin/directory/person/{anna.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    logged = repr(list(Change.objects.values_list("before", "after", "summary")))
    for form_of_number in (ANNA_SECRET_MOBILE, "070-123 45 67", "0701234567"):
        assert form_of_number not in logged
    assert PhoneNumber.objects.get(e164=ANNA_SECRET_MOBILE).disclosure_consent is False


def test_a_deletion_in_the_admin_is_logged_with_what_was_there(client, logins, town):
    from vaxel.availability.models import Absence
    from vaxel.availability.services import absence_add
    from vaxel.core.time import parse_instant

    absence = absence_add(
        person=town.bjorn,
        reason="lunch",
        starts_at=parse_instant("2026-12-01T12:00"),
        ends_at=parse_instant("2026-12-01T13:00"),
    ).absence
    answer = admin_client(client, logins).post(
        f"/admin/availability/absence/{absence.pk}/delete/", {"post": "yes"}
    )
    assert answer.status_code == 302 and not Absence.objects.exists()
    change = Change.objects.first()
    assert change.action == ChangeAction.DELETED and change.before["reason"] == "lunch"
    assert change.unit == town.unit


def test_a_role_given_in_the_admin_is_logged_without_the_password(client, logins, town):
    from django.contrib.auth.models import Group

    bjorn = logins["employee"]
    operators = Group.objects.get(name="operator")
    answer = admin_client(client, logins).post(
        f"/admin/auth/user/{bjorn.pk}/change/",
        {
            "username": bjorn.username,
            "is_active": "on",
            "groups": [operators.pk],
            "date_joined_0": "2026-11-01",
            "date_joined_1": "08:00:00",
            "initial-date_joined_0": "2026-11-01",
            "initial-date_joined_1": "08:00:00",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    change = Change.objects.first()
    assert (
        change.entity == "user" and change.before["groups"] == [] and change.after["groups"] == [operators.pk]
    )
    assert "password" not in change.before and "password" not in change.after


def test_s3_the_admins_own_history_never_holds_a_mobiles_digits(client, logins, town):
    """Django admin's LogEntry keeps a deleted inline row's name for ever; a mobile's
    name there must not be its digits, or they would outlive any consent."""
    from django.contrib.admin.models import LogEntry

    from vaxel.testing import BJORN_PUBLIC_MOBILE

    bjorn = Person.objects.get(pk=town.bjorn.pk)
    numbers = list(bjorn.numbers.order_by("pk"))
    form = {
        "name": bjorn.name,
        "email": bjorn.email,
        "title": bjorn.title,
        "unit": bjorn.unit_id,
        "active": "on",
        "numbers-TOTAL_FORMS": str(len(numbers)),
        "numbers-INITIAL_FORMS": str(len(numbers)),
        "numbers-MIN_NUM_FORMS": "0",
        "numbers-MAX_NUM_FORMS": "1000",
    }
    for i, number in enumerate(numbers):
        form[f"numbers-{i}-id"] = str(number.pk)
        form[f"numbers-{i}-person"] = str(bjorn.pk)
        if number.e164 == BJORN_PUBLIC_MOBILE:
            form[f"numbers-{i}-DELETE"] = "on"
    answer = admin_client(client, logins).post(f"/admin/directory/person/{bjorn.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert not PhoneNumber.objects.filter(e164=BJORN_PUBLIC_MOBILE).exists()
    history = repr(list(LogEntry.objects.values_list("object_repr", "change_message")))
    assert "deleted" in history
    for written in (BJORN_PUBLIC_MOBILE, "070-234 56 78", "0702345678"):
        assert written not in history


def test_s3_no_admin_list_narrows_on_digits_the_admin_may_not_see(client, logins, town):
    """A message from Anna's private mobile: neither a lookup in the URL nor a search
    tells the administrator anything about its digits."""
    from vaxel.messaging.services import message_take

    message_take(
        subject="Nycklar", caller_name="Anna", caller_number=ANNA_SECRET_MOBILE, for_person=town.bjorn.email
    )
    admin = admin_client(client, logins)
    for lookup in (
        "caller_number__startswith",
        "caller_number",
        "caller_number__contains",
        "caller_number__gt",
    ):
        for prefix in ("+4670123", "+4671"):
            assert admin.get(f"/admin/messaging/message/?{lookup}={prefix}").status_code == 400, lookup
    counts = {
        prefix: admin.get("/admin/messaging/message/", {"q": prefix}).content.decode().count("/change/")
        for prefix in ("+4670123", "0701234567", "+4671")
    }
    assert len(set(counts.values())) == 1  # the right digits find no more than wrong ones
    assert admin.get("/admin/messaging/message/?status=new").status_code == 200  # offered filters work


def test_s3_consent_is_the_owners_alone(client, logins, town, capsys):
    """The admin cannot tick it; the command line and the API take it only with the
    owner's written consent on record; the owner gives it on Min sida."""
    from rest_framework.test import APIClient

    from vaxel.cli import main
    from vaxel.directory.models import ConsentSource

    anna = Person.objects.get(pk=town.anna.pk)
    numbers = list(anna.numbers.order_by("pk"))
    form = {
        "name": anna.name,
        "email": anna.email,
        "title": anna.title,
        "unit": anna.unit_id,
        "active": "on",
        "user": anna.user_id,
        "numbers-TOTAL_FORMS": str(len(numbers)),
        "numbers-INITIAL_FORMS": str(len(numbers)),
        "numbers-MIN_NUM_FORMS": "0",
        "numbers-MAX_NUM_FORMS": "1000",
    }
    for i, number in enumerate(numbers):
        form.update({f"numbers-{i}-id": str(number.pk), f"numbers-{i}-person": str(anna.pk)})
        form[f"numbers-{i}-disclosure_consent"] = "on"
    admin_client(client, logins).post(f"/admin/directory/person/{anna.pk}/change/", form)
    mobile = PhoneNumber.objects.get(e164=ANNA_SECRET_MOBILE)
    assert mobile.disclosure_consent is False

    assert main(["person", "consent", anna.email, "yes"]) == 1
    assert "Min sida" in capsys.readouterr().err
    api = APIClient()
    api.login(username=logins["administrator"].username, password=PASSWORD)
    person = {"name": "Dag Ö", "email": "dag@example.se", "unit": "Bygglov", "mobile": "076-5556677"}
    answer = api.post("/api/v1/people/", {**person, "mobile_consent": True}, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["id"] == "consent_not_the_owners"
    assert not Person.objects.filter(email="dag@example.se").exists()

    assert main(["person", "consent", anna.email, "yes", "--record", "blankett 2026-12-01, dnr 12"]) == 0
    mobile.refresh_from_db()
    assert mobile.disclosure_consent and mobile.consent_source == ConsentSource.WRITTEN
    assert mobile.consent_record == "blankett 2026-12-01, dnr 12" and mobile.consent_changed_at

    client.logout()
    client.login(username=logins["manager"].username, password=PASSWORD)  # Anna herself
    client.post("/min-sida/", {"action": "consent", "consent": "yes"})
    mobile.refresh_from_db()
    assert mobile.consent_source == ConsentSource.SELF and mobile.consent_recorded_by == logins["manager"]
