"""The administrator's upload page: a preview (dry run), then the import as previewed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vaxel.audit.models import Change
from vaxel.directory.models import Person, PhoneNumber
from vaxel.directory.tests.test_files import HEADER, ROWS, csv_bytes, xlsx_bytes
from vaxel.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, logins):
    client.login(username=logins["administrator"].username, password=PASSWORD)
    return client


def test_a_preview_writes_nothing_and_the_import_writes_what_was_previewed(admin, town):
    upload = SimpleUploadedFile("personal.xlsx", xlsx_bytes(ROWS))
    page = admin.post("/katalog/import/", {"action": "preview", "file": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Åsa Öberg" in html and "inget sparas" in html.lower()
    assert not Person.objects.filter(email="asa.oberg@example.se").exists()
    page = admin.post("/katalog/import/", {"action": "import"})
    assert page.status_code == 200
    asa = Person.objects.get(email="asa.oberg@example.se")
    change = Change.objects.filter(entity="person", entity_id=str(asa.pk)).get()
    assert change.actor_name == "filimport" and change.actor is not None  # the source, and who ran it
    # S3: imported mobiles are private
    assert PhoneNumber.objects.get(e164="+46701110001").disclosure_consent is False
    # the kept file is used once
    assert admin.post("/katalog/import/", {"action": "import"}).status_code == 400


def test_bad_rows_are_shown_by_row_and_column_and_nothing_is_written(admin, town):
    bad = csv_bytes([["1003", "Eva", "Lund", "eva@", "Lärare", "", "Skolan", "", ""]])
    page = admin.post("/katalog/import/", {"action": "preview", "file": SimpleUploadedFile("p.csv", bad)})
    assert page.status_code == 400
    assert "rad 2, E-post" in page.content.decode()
    assert not Person.objects.filter(email="eva@").exists()


def test_s3_a_consent_column_is_refused_on_the_page(admin, town):
    data = csv_bytes([[*ROWS[0], "ja"]], header=[*HEADER, "Samtycke"])
    page = admin.post("/katalog/import/", {"action": "preview", "file": SimpleUploadedFile("p.csv", data)})
    assert page.status_code == 400 and "S3" in page.content.decode()
