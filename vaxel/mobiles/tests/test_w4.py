"""W4: the voicemail greeting gives name, workplace, the organisation and an alternative."""

import pytest

from vaxel.mobiles.greetings import greeting_check, greeting_script
from vaxel.testing import PASSWORD

FACTS = {"name": "Anna Sjöberg", "workplace": "Bygglov", "organisation": "Testby kommun"}


def test_w4_the_suggested_script_passes_its_own_check():
    script = greeting_script(**FACTS, alternative="Björn Åberg 0370-33 10 02")
    assert script.startswith("Hej, du har kommit till Anna Sjöberg på Bygglov, Testby kommun.")
    assert greeting_check(script, **FACTS, alternatives=["Björn Åberg"]).meets_routine


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Hej, det är Anna på bygglov i Testby kommun. Ring växeln.", []),
        (
            "Hej, det är Anna. Lämna ett meddelande.",
            ["din arbetsplats", "organisationen", "vem man ska ringa i stället"],
        ),
        ("Anna Sjoberg, BYGGLOV, testby kommun", ["vem man ska ringa i stället"]),
        ("Bygglov, Testby kommun. Ring Björn Åberg.", ["ditt namn"]),
    ],
)
def test_w4_the_check_names_what_is_missing(text, missing):
    assert greeting_check(text, **FACTS, alternatives=["Björn Åberg"]).missing == missing


def test_w4_my_page_suggests_a_greeting_and_checks_mine(client, logins):
    client.login(username="bjorn", password=PASSWORD)
    page = client.get("/min-sida/").content.decode()
    assert "du har kommit till Björn Åberg på Bygglov, Testby kommun" in page
    assert "Anna Sjöberg 0370-33 10 01" in page  # a colleague as the alternative contact
    client.post("/min-sida/", {"action": "greeting", "greeting": "Hej, det är Björn. Lämna ett meddelande."})
    page = client.get("/min-sida/").content.decode()
    assert "Ditt meddelande saknar" in page and "organisationen" in page
    client.post(
        "/min-sida/", {"action": "greeting", "greeting": "Björn Åberg, Bygglov, Testby kommun. Ring växeln."}
    )
    assert "Ditt meddelande följer rutinen." in client.get("/min-sida/").content.decode()
    assert client.post("/min-sida/", {"action": "greeting", "greeting": " "}).status_code == 400
