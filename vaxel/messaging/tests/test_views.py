"""The e-mailed link (signed, expiring) and "my messages"."""

import time

from django.core import signing

from vaxel.messaging.emails import LINK_SALT, message_link
from vaxel.messaging.models import MessageStatus
from vaxel.messaging.services import message_take
from vaxel.testing import PASSWORD


def path_of(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_e5_the_email_link_shows_the_message_and_one_click_marks_it_read_or_handled(town, client):
    message = message_take(
        subject="Garage", caller_name="Greta Ek", caller_number="036-123456", for_person=town.anna.email
    )
    url = path_of(message_link(message))
    page = client.get(url)
    assert page.status_code == 200 and "Greta Ek (036-12 34 56)" in page.content.decode()
    client.post(url, {"step": "read"})
    message.refresh_from_db()
    assert message.status == MessageStatus.READ
    page = client.post(url, {"step": "called_back"}, follow=True)
    assert "Markerat som uppringt" in page.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.HANDLED
    assert list(message.events.values_list("kind", "actor_name"))[-1] == ("called_back", "via e-postlänken")


def test_e5_a_forged_or_expired_link_gets_a_clear_page_and_changes_nothing(town, client, monkeypatch):
    message = message_take(subject="Garage", caller_number="036-123456", for_person=town.anna.email)
    forged = path_of(message_link(message))[:-6] + "xxxxx/"
    page = client.get(forged)
    assert page.status_code == 400 and "Länken är inte giltig" in page.content.decode()
    assert client.post(forged, {"step": "called_back"}).status_code == 400
    expired = "/messages/open/" + signing.dumps({"m": message.pk}, salt=LINK_SALT, compress=True) + "/"
    a_month_later = time.time() + 60 * 60 * 24 * 31
    monkeypatch.setattr(time, "time", lambda: a_month_later)
    page = client.get(expired)
    assert page.status_code == 410 and "Länken har gått ut" in page.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW


def test_e5_closing_needs_a_note(town, client):
    message = message_take(subject="Garage", caller_number="036-123456", for_person=town.anna.email)
    url = path_of(message_link(message))
    page = client.post(url, {"step": "closed"})
    assert page.status_code == 400 and "anteckning" in page.content.decode()
    client.post(url, {"step": "closed", "note": "Löst per e-post"})
    message.refresh_from_db()
    assert message.status == MessageStatus.HANDLED


def test_my_messages_lists_the_employees_and_their_units_messages(town, logins, client):
    message_take(subject="Till Björn", caller_number="036-123456", for_person=town.bjorn.email)
    message_take(subject="Till Bygglov", kind="information", for_unit="Bygglov")
    message_take(subject="Till Cecilia", caller_number="036-123456", for_person=town.cecilia.email)
    client.login(username="bjorn", password=PASSWORD)
    page = client.get("/messages/").content.decode()
    assert "Till Björn" in page and "Till Bygglov" in page and "Till Cecilia" not in page
    client.login(username="nobody", password=PASSWORD)
    assert client.get("/messages/").status_code == 403


def test_security_a_mail_scanner_fetching_the_link_does_not_read_the_message(town, client, logins):
    """E5 counts a message unread until its recipient has seen it: a scanner's GET is not that."""
    message = message_take(subject="Garage", caller_number="036-123456", for_person=town.anna.email)
    url = path_of(message_link(message))
    for _scan in range(3):
        assert client.get(url).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW and not message.events.filter(kind="read").exists()
    client.login(username=logins["manager"].username, password=PASSWORD)  # Anna herself
    client.get(url)
    message.refresh_from_db()
    assert message.status == MessageStatus.READ


def test_security_a_revoked_link_opens_nothing_and_a_new_one_works(town, client):
    message = message_take(subject="Garage", caller_number="036-123456", for_person=town.anna.email)
    url = path_of(message_link(message))
    page = client.post(url, {"step": "revoke"})
    assert "spärrad" in page.content.decode()
    for answer in (client.get(url), client.post(url, {"step": "called_back"})):
        assert answer.status_code == 410 and "036" not in answer.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW and message.events.filter(kind="link_revoked").exists()
    assert client.get(path_of(message_link(message))).status_code == 200
