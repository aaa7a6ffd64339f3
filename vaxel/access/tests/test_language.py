"""Two languages kept apart: what callers hear and the operator says to them (S1, E2,
the announcements) is the organisation's language whatever the browser asks for; the
pages follow the user's own choice (remembered on the login), then the browser, and
Swedish when the browser asks for neither."""

import pytest
from django.test import Client
from django.urls import reverse

from vaxel.access.models import Profile
from vaxel.testing import PASSWORD

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def signed_in(login, **headers) -> Client:
    client = Client(**headers)
    client.login(username=login.username, password=PASSWORD)
    return client


def test_s1_the_greeting_to_say_is_swedish_when_the_browser_asks_for_english(logins):
    page = signed_in(logins["operator"], **ENGLISH).get(reverse("console")).content.decode()
    assert '<html lang="en">' in page
    assert 'Say: ”<span id="greeting" lang="sv">Välkommen till Testby kommun.</span>”' in page
    assert "Welcome to" not in page


def test_e2_the_answer_phrase_is_swedish_in_an_english_console_and_on_an_english_min_sida(logins):
    hits = signed_in(logins["operator"], **ENGLISH).get(reverse("console-search"), {"q": "anna sj"})
    text = hits.content.decode()
    assert "Answers:" in text and "Bygglov, Testby kommun, det är Anna Sjöberg." in text
    page = signed_in(logins["manager"], **ENGLISH).get(reverse("my-status")).content.decode()
    assert "You answer" in page and "Bygglov, Testby kommun, det är Anna Sjöberg." in page


def test_s4_what_callers_hear_when_closed_is_swedish_on_an_english_front_page(db, town):
    page = Client(**ENGLISH).get("/").content.decode()
    assert "The switchboard is open." in page or "Växeln är stängd" in page
    assert "switchboard is closed" not in page


def test_swedish_when_the_browser_asks_for_neither_language(logins):
    page = signed_in(logins["operator"], HTTP_ACCEPT_LANGUAGE="de, fr;q=0.8").get(reverse("console"))
    assert '<html lang="sv">' in page.content.decode() and "Säg:" in page.content.decode()


def test_the_choice_is_remembered_on_the_login_on_every_device(logins):
    first = signed_in(logins["employee"])
    answer = first.post(reverse("language"), {"language": "en", "next": "/min-sida/"})
    assert answer.status_code == 302 and answer["Location"] == "/min-sida/"
    assert Profile.objects.get(user=logins["employee"]).language == "en"
    elsewhere = signed_in(logins["employee"], HTTP_ACCEPT_LANGUAGE="sv")  # another browser, in Swedish
    assert "My page" in elsewhere.get(reverse("my-status")).content.decode()
    first.post(reverse("language"), {"language": "sv"})
    assert "Min sida" in elsewhere.get(reverse("my-status")).content.decode()


def test_before_signing_in_the_choice_is_kept_in_a_cookie(db, town):
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.post(reverse("language"), {"language": "en", "next": "/login/"})
    assert "Sign in to Växel" in client.get("/login/").content.decode()


@pytest.mark.parametrize("language", ["fi", "", "sv'><script>"])
def test_an_unknown_language_is_refused_with_a_reason_and_nothing_is_written(logins, language):
    answer = signed_in(logins["employee"]).post(reverse("language"), {"language": language})
    assert answer.status_code == 400 and "Välj Svenska eller English" in answer.content.decode()
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    "away", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "²", "console", "\\evil"]
)
def test_the_switch_never_sends_anyone_to_another_site(db, town, away):
    answer = Client().post(reverse("language"), {"language": "en", "next": away})
    assert answer.status_code == 302 and answer["Location"] == "/"


def test_a_message_taken_in_an_english_console_is_e_mailed_in_the_organisations_language(logins, town):
    from vaxel.messaging.models import OutboxEmail

    operator = signed_in(logins["operator"], **ENGLISH)
    answer = operator.post(
        reverse("console-message"),
        {
            "for_person": town.anna.email,
            "subject": "Garage",
            "caller_name": "Greta Ek",
            "kind": "information",
        },
    )
    assert "taken and sent" in answer.content.decode()  # the console speaks English
    email = OutboxEmail.objects.get()
    assert email.subject.startswith("Meddelande från växeln: Greta Ek")  # the e-mail is Swedish


@pytest.mark.django_db(transaction=True)
def test_the_choice_holds_under_asgi_too(logins):
    """The middleware runs async under ASGI (the server's own mode): same choice."""
    from django.test import AsyncClient

    from vaxel.access.services import user_language_set
    from vaxel.testing import run_async

    user_language_set(user=logins["operator"], language="en")

    async def page() -> str:
        client = AsyncClient(headers={"accept-language": "sv"})
        await client.aforce_login(logins["operator"])
        return (await client.get(reverse("console"))).content.decode()

    text = run_async(page())
    assert '<html lang="en">' in text and 'lang="sv">Välkommen till Testby kommun.</span>' in text
