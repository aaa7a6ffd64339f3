import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.fixture
def admin_client_town(client, django_user_model, town):
    user = django_user_model.objects.create_superuser(username="root", password="x-secret-1")
    client.force_login(user)
    return client


def test_every_admin_list_and_the_front_page_answer(admin_client_town):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_town.get(url).status_code == 200, url
    page = admin_client_town.get("/")
    assert page.status_code == 200 and "Testby kommun" in page.content.decode()


def test_s3_admin_never_shows_an_unconsented_mobile(admin_client_town, town):
    anna = admin_client_town.get(
        reverse("admin:directory_person_change", args=[town.anna.pk])
    ).content.decode()
    bjorn = admin_client_town.get(
        reverse("admin:directory_person_change", args=[town.bjorn.pk])
    ).content.decode()
    assert "dolt: inget medgivande" in anna
    assert "123 45 67" not in anna and "1234567" not in anna
    assert "070-234 56 78" in bjorn


def test_an_administrator_sees_which_source_last_changed_each_field(admin_client_town, town):
    from vaxel.directory.sync import SourcePerson, directory_sync

    directory_sync(
        source="ldap",
        people=[
            SourcePerson(source_id="guid-1", where="dn", values={"email": town.anna.email, "title": "chef"})
        ],
        complete=False,
    )
    page = admin_client_town.get(
        reverse("admin:directory_person_change", args=[town.anna.pk])
    ).content.decode()
    assert "fält från katalogkällor" in page.lower() or "fields from directory sources" in page.lower()
    assert "titel: LDAP/Active Directory" in page and "guid-1" in page
