"""The accessibility statement the DOS law asks for: public, naming the organisation from
configuration, with how to report a problem and where to complain, linked from every page."""

import pytest
from django.test import Client

from vaxel.directory.services import organisation_set


def test_the_statement_names_the_organisation_and_how_to_report_a_problem(db, town):
    page = Client().get("/tillganglighet/").content.decode()
    assert "Tillgänglighetsredogörelse för Växel, Testby kommun" in page
    assert 'id="report"' in page and "digg.se" in page and "WCAG 2.1" in page
    organisation_set(name="Nyköpings kommun")
    page = Client().get("/tillganglighet/").content.decode()
    assert "Tillgänglighetsredogörelse för Växel, Nyköpings kommun" in page


def test_the_contact_is_configured_or_the_switchboard(db, town, settings):
    assert "växeln, " in Client().get("/tillganglighet/").content.decode()
    settings.VAXEL_ACCESSIBILITY_CONTACT = "tillganglighet@example.se"
    page = Client().get("/tillganglighet/").content.decode()
    assert 'href="mailto:tillganglighet@example.se"' in page


@pytest.mark.parametrize("path", ["/", "/login/", "/tillganglighet/", "/messages/open/forged/"])
def test_every_page_links_to_the_statement_in_its_footer(db, town, path):
    page = Client().get(path).content.decode()
    assert '<footer class="site">' in page and 'href="/tillganglighet/"' in page
