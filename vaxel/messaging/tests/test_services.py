"""Messages and callbacks (S2, E4, E5) over a real SMTP server on 127.0.0.1."""

from datetime import datetime, timedelta

import pytest

from vaxel.core.errors import Conflict, InvalidInput, NotFound
from vaxel.core.time import STOCKHOLM
from vaxel.directory.models import Unit
from vaxel.messaging.models import EventKind, Message, MessageStatus, OutboxEmail, OutboxState
from vaxel.messaging.outbox import outbox_deliver
from vaxel.messaging.services import digest_send, follow_up_run, message_mark, message_take

TUESDAY_9 = datetime(2026, 12, 1, 9, tzinfo=STOCKHOLM)


def take(**overrides):
    arguments = {
        "subject": "Bygglov för garage",
        "caller_name": "Greta Ek",
        "caller_number": "036-123456",
        "for_person": "anna.sjoberg@example.se",
        "at": TUESDAY_9,
    }
    return message_take(**{**arguments, **overrides})


def test_e5_a_message_is_emailed_at_once_in_swedish_with_a_link(
    town, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = take(details="Vill veta om ansökan är komplett.")
    [(recipients, email)] = smtp.inbox.received
    assert recipients == ["anna.sjoberg@example.se"]
    assert email["Subject"].strip() == "Meddelande från växeln: Greta Ek (036-12 34 56) om Bygglov för garage"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Vill veta om ansökan är komplett." in text
    assert "Ring upp senast 2026-12-01 13:00." in text  # 4 working hours (E4)
    assert message.reference in text and "/messages/open/" in text
    assert "Greta Ek" in html
    assert OutboxEmail.objects.get().state == OutboxState.SENT
    assert message.due_at == TUESDAY_9 + timedelta(hours=4)


def test_s2_a_message_for_a_unit_goes_to_its_members_or_its_mailbox(
    town, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        take(for_person=None, for_unit="Bygglov", kind="information", caller_number="")
    assert smtp.inbox.received[0][0] == ["anna.sjoberg@example.se", "bjorn.aberg@example.se"]
    Unit.objects.filter(pk=town.unit.pk).update(shared_mailbox="bygglov@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        take(for_person=None, for_unit="Bygglov", urgent=True)
    recipients, email = smtp.inbox.received[1]
    assert recipients == ["bygglov@example.se"]
    assert email["Subject"].strip().startswith("BRÅDSKANDE: ")


def test_s3_an_employees_private_mobile_never_reaches_the_email(
    town, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        take(caller_name="Cecilia Öst", caller_number="073-345 67 89", for_person="bjorn.aberg@example.se")
    _recipients, email = smtp.inbox.received[0]
    raw = email.as_string()
    assert "345 67 89" not in raw and "733456789" not in raw and "3456789" not in raw
    assert "nummer dolt" in email.get_body(("plain",)).get_content()


def test_e5_outbox_loses_and_duplicates_nothing_when_smtp_is_down(
    town, smtp, django_capture_on_commit_callbacks
):
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            take(subject=f"Ärende {index}")
    pending = OutboxEmail.objects.filter(state=OutboxState.PENDING)
    assert pending.count() == 3 and all(e.attempts == 1 and e.last_error for e in pending)
    assert outbox_deliver() == 0  # not due yet: it waits for its back-off
    smtp.start()
    assert outbox_deliver(at=datetime.now(STOCKHOLM) + timedelta(minutes=5)) == 3
    assert outbox_deliver(at=datetime.now(STOCKHOLM) + timedelta(hours=5)) == 0
    subjects = sorted(email["Subject"] for _to, email in smtp.inbox.received)
    assert len(subjects) == 3 and all("Ärende" in s for s in subjects)
    assert OutboxEmail.objects.filter(state=OutboxState.SENT).count() == 3


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"for_person": None}, "no_recipient"),
        ({"for_unit": "Bygglov"}, "no_recipient"),
        ({"subject": "  "}, "empty_message"),
        ({"caller_number": "12"}, "invalid_phone_number"),
        ({"caller_number": ""}, "callback_needs_number"),
        ({"due_at": TUESDAY_9 - timedelta(minutes=1)}, "callback_due_in_past"),
        ({"kind": "fax"}, "invalid_kind"),
        ({"for_person": "okand@example.se"}, "person_not_found"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(town, overrides, error):
    with pytest.raises((InvalidInput, NotFound)) as raised:
        take(**overrides)
    assert raised.value.error_id == error
    assert Message.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_e4_a_message_is_followed_until_done_with_history(town, logins):
    message = take()
    later = TUESDAY_9 + timedelta(minutes=5)
    message_mark(message=message, step="read", actor=logins["manager"], at=later)
    message_mark(message=message, step="no_answer", actor=logins["manager"], note="Inget svar", at=later)
    with pytest.raises(InvalidInput):
        message_mark(message=message, step="closed", actor=logins["manager"], at=later)
    message = message_mark(message=message, step="called_back", actor=logins["manager"], at=later)
    assert message.status == MessageStatus.HANDLED
    with pytest.raises(Conflict):
        message_mark(message=message, step="no_answer")
    kinds = list(message.events.values_list("kind", "actor_name"))
    assert kinds == [
        ("taken", "kommandoraden"),
        ("read", "anna"),
        ("no_answer", "anna"),
        ("called_back", "anna"),
    ]


def test_e4_overdue_callback_reminds_then_escalates_to_the_manager(
    town, smtp, django_capture_on_commit_callbacks
):
    message = take(for_person="bjorn.aberg@example.se")  # due 13:00
    message_mark(message=message, step="read")
    assert follow_up_run(at=TUESDAY_9 + timedelta(hours=3)) == dict.fromkeys(
        ("reminded", "escalated", "unread_flagged", "unread_escalated"), 0
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_run(at=TUESDAY_9 + timedelta(hours=4, minutes=1))["reminded"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_run(at=TUESDAY_9 + timedelta(days=1))["escalated"] == 1
    assert follow_up_run(at=TUESDAY_9 + timedelta(days=2))["escalated"] == 0  # only once
    outbox_deliver(at=datetime.now(STOCKHOLM) + timedelta(hours=2))
    by_subject = {email["Subject"].strip().split(":")[0]: to for to, email in smtp.inbox.received}
    assert by_subject["Återuppringning försenad"] == ["bjorn.aberg@example.se"]
    assert by_subject["Återuppringning ännu inte gjord"] == ["anna.sjoberg@example.se"]  # the manager


def test_e5_a_message_unread_for_a_working_day_is_flagged_then_told_the_manager(town):
    message = take(for_person="bjorn.aberg@example.se", kind="information", caller_number="")
    assert follow_up_run(at=TUESDAY_9 + timedelta(hours=7))["unread_flagged"] == 0
    assert follow_up_run(at=TUESDAY_9 + timedelta(days=1, hours=1))["unread_flagged"] == 1
    assert follow_up_run(at=TUESDAY_9 + timedelta(days=2, hours=1))["unread_escalated"] == 1
    kinds = set(message.events.values_list("kind", flat=True))
    assert {EventKind.UNREAD_FLAGGED, EventKind.UNREAD_ESCALATED} <= kinds


def test_e5_daily_digest_once_per_working_day(town):
    take()
    take(for_person=None, for_unit="Bygglov", kind="information", caller_number="")
    assert digest_send(at=datetime(2026, 12, 2, 7, 0, tzinfo=STOCKHOLM)) is None  # before 07:30
    assert digest_send(at=datetime(2026, 12, 2, 7, 31, tzinfo=STOCKHOLM)) == 2  # Anna and Björn
    assert digest_send(at=datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)) is None  # once a day
    assert digest_send(at=datetime(2026, 12, 5, 9, 0, tzinfo=STOCKHOLM)) is None  # saturday
    anna = OutboxEmail.objects.get(recipients=["anna.sjoberg@example.se"], subject__startswith="Dina")
    assert "Bygglov för garage" in anna.text


def test_e5_a_voicemail_reaches_the_person_with_its_recording_attached(
    town, smtp, django_capture_on_commit_callbacks
):
    from vaxel.telephony.g711 import pcm16_wav

    with django_capture_on_commit_callbacks(execute=True):
        message = take(subject="Röstmeddelande", recording=pcm16_wav(b"\xd5" * 8000))
    [(_recipients, email)] = smtp.inbox.received
    [attachment] = list(email.iter_attachments())
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_filename() == f"rostmeddelande-{message.reference}.wav"
    assert attachment.get_content()[:4] == b"RIFF" and len(attachment.get_content()) == 44 + 16000
