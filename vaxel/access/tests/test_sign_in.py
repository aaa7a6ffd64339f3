"""Sign-in: Argon2 hashes, throttled failed attempts, CSRF, CSP and cookie settings."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from vaxel.testing import PASSWORD


def test_passwords_are_hashed_with_argon2():
    with override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS):
        assert make_password("ett lösenord").startswith("argon2$")


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_the_login_even_with_the_right_one_after(logins, client, django_user_model):
    django_user_model.objects.create_superuser(username="root", password=PASSWORD)
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "administrator", "password": "fel"})
    locked = client.post("/admin/login/", {"username": "administrator", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    other = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert other.status_code == 302  # another user is not locked


def test_pages_carry_a_content_security_policy_and_forms_need_csrf(client, town, logins):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" not in client.get("/api/v1/docs/")
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/admin/login/", {"username": "operator", "password": PASSWORD}).status_code == 403


def test_session_cookies_are_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("operator", "/konsol/"),
        ("administrator", "/konsol/"),
        ("manager", "/min-sida/"),
        ("employee", "/min-sida/"),
        ("nobody", "/"),
    ],
)
def test_signing_in_leads_each_role_to_its_page(client, logins, role, page):
    answer = client.post("/login/", {"username": logins[role].username, "password": PASSWORD}, follow=False)
    assert answer["Location"] == "/start/"
    assert client.get("/start/")["Location"] == page
