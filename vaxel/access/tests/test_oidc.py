"""Single sign-on with OpenID Connect against a real provider started by the test
(pyop on 127.0.0.1): the full authorization-code flow, RS256 ID tokens checked
against the provider's JWKS, the login linked to the person by e-mail."""

import pytest
import requests
from django.contrib.auth import get_user_model

from vaxel.access.models import SingleSignOnIdentity
from vaxel.access.tests.oidc_provider import LocalOidcProvider
from vaxel.cli import main

CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture
def idp(settings, town):
    users = {
        "anna": {"email": town.anna.email, "email_verified": True, "name": "Anna Sjöberg"},
        "bjorn": {"email": town.bjorn.email.upper(), "email_verified": True, "name": "Björn Åberg"},
        "stranger": {"email": "someone@elsewhere.example", "email_verified": True, "name": "Okänd"},
    }
    with LocalOidcProvider(redirect_uri=CALLBACK, users=users) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "vaxel.access.oidc.VaxelOIDCBackend",
        ]
        yield provider


def sign_in_at_provider(client, provider, who: str, next_page: str = "/min-sida/"):
    """What a browser does: Växel → the provider (who signs `who` in) → back to Växel."""
    provider.signed_in = who
    start = client.get(f"/oidc/authenticate/?next={next_page}")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK)
    return client.get(back.headers["Location"].removeprefix("http://testserver"))


def test_the_login_page_offers_single_sign_on_when_configured(client, idp):
    page = client.get("/login/").content.decode()
    assert "Logga in med Testby kommun (test-IdP)" in page and 'href="/oidc/authenticate/' in page


def test_the_first_sign_in_makes_a_login_linked_to_the_person(client, idp, town):
    done = sign_in_at_provider(client, idp, "anna")
    assert done.status_code == 302 and done["Location"] == "/min-sida/"
    page = client.get("/min-sida/").content.decode()
    assert "Anna Sjöberg" in page
    user = get_user_model().objects.get(username=town.anna.email)
    town.anna.refresh_from_db()
    assert town.anna.user == user and not user.has_usable_password()
    client.logout()
    sign_in_at_provider(client, idp, "anna")  # the second time: the same login
    assert get_user_model().objects.filter(email__iexact=town.anna.email).count() == 1


def test_someone_with_a_login_already_is_signed_in_to_it(client, idp, logins):
    sign_in_at_provider(client, idp, "bjorn", next_page="/start/")
    assert client.get("/api/v1/me/").json()["username"] == "bjorn"


def test_someone_not_in_the_directory_is_refused_and_no_login_is_made(client, idp):
    users_before = get_user_model().objects.count()
    done = sign_in_at_provider(client, idp, "stranger")
    assert done["Location"] == "/login/?sso=failed"
    page = client.get(done["Location"]).content.decode()
    assert "Växel känner ingen aktiv person med din e-postadress" in page
    assert get_user_model().objects.count() == users_before
    assert client.get("/min-sida/").status_code == 302  # not signed in


def test_a_forged_answer_from_the_provider_signs_nobody_in(client, idp):
    client.get("/oidc/authenticate/")
    answer = client.get("/oidc/callback/?code=forged&state=forged")
    assert answer.status_code in (302, 400)
    assert client.get("/min-sida/").status_code == 302


def test_without_configuration_there_is_no_single_sign_on(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "/oidc/" not in client.get("/login/").content.decode()


def test_security_an_unverified_email_claim_signs_nobody_in(client, idp, logins):
    idp.users["bjorn"]["email_verified"] = False
    done = sign_in_at_provider(client, idp, "bjorn")
    assert done["Location"] == "/login/?sso=failed"
    assert client.get("/min-sida/").status_code == 302
    assert not SingleSignOnIdentity.objects.exists()


def test_security_an_operator_is_never_signed_in_by_an_email_claim(client, idp, logins, django_user_model):
    """A provider account that claims the operator's e-mail (verified, as a multi-tenant
    provider lets anyone claim) is not the operator."""
    operator = logins["operator"]
    operator.email = "vaxeln@testby.se"
    operator.save()
    idp.users["mallory"] = {"email": "vaxeln@testby.se", "email_verified": True, "name": "Mallory"}
    done = sign_in_at_provider(client, idp, "mallory", next_page="/konsol/")
    assert done["Location"] == "/login/?sso=failed"
    assert client.get("/konsol/").status_code == 302
    # Linked by an administrator to the operator's own subject, the operator signs in.
    assert main(["user", "sso-link", "operator", "--subject", idp.subject_of("operator-at-idp")]) == 0
    idp.users["operator-at-idp"] = {"email": "whatever@elsewhere.example", "email_verified": False}
    sign_in_at_provider(client, idp, "operator-at-idp", next_page="/konsol/")
    assert client.get("/konsol/").status_code == 200


def test_security_once_linked_the_subject_chooses_the_login_not_the_email(client, idp, town, logins):
    sign_in_at_provider(client, idp, "anna")
    anna = SingleSignOnIdentity.objects.get().user
    client.logout()
    idp.users["anna"]["email"] = town.bjorn.email  # the claim changes at the provider
    sign_in_at_provider(client, idp, "anna")
    assert client.get("/api/v1/me/").json()["username"] == anna.username  # still Anna
    client.logout()
    # Someone else at the provider who claims Anna's (verified) e-mail is not Anna.
    idp.users["eve"] = {"email": town.anna.email, "email_verified": True, "name": "Eve"}
    assert sign_in_at_provider(client, idp, "eve")["Location"] == "/login/?sso=failed"
