"""The caller's history in the console: what the switchboard knows of the number that
calls (E8), its earlier calls and where they went, the messages and callbacks still
open from it or for the person (E4), read from the database within the period and the
retention of callers' numbers, never with an unconsented mobile's digits (S3), and for
the switchboard only."""

from datetime import timedelta

import pytest
from django.urls import reverse

from vaxel.console.selectors import caller_history
from vaxel.console.tests.test_views import hidden_forms, signed_in
from vaxel.core.time import now
from vaxel.directory.models import NumberKind
from vaxel.messaging.services import message_mark, message_take
from vaxel.records.services import rule_set, thinning_run
from vaxel.telephony.models import Call
from vaxel.telephony.services import call_answer, call_arrive, call_end, call_put_through, call_take_message
from vaxel.testing import (
    ANNA_SECRET_MOBILE,
    BJORN_DIRECT,
    CECILIA_SECRET_MOBILE,
    SWITCHBOARD,
)

# A Tuesday morning: the switchboard is open now, and at 10.00 on the weekdays before
# (1, 4–8 and 11 days ago; 2, 3, 9 and 10 days ago were a weekend).
pytestmark = pytest.mark.clock("2026-12-01T10:00")

CALLER = "036-123456"
CALLER_E164 = "+4636123456"


@pytest.fixture
def operator(client, logins):
    return signed_in(client, logins["operator"])


def earlier_call(caller, days, *, actor, put_through=None, message_for_unit=None):
    """A call `days` ago that was put through, left a message, or (neither) hung up waiting."""
    at = now() - timedelta(days=days)
    call = call_arrive(caller=caller, called=SWITCHBOARD, at=at)
    if put_through is None and message_for_unit is None:
        return call_end(call_id=call.pk, at=at + timedelta(seconds=40))
    call_answer(call_id=call.pk, actor=actor, at=at + timedelta(seconds=20))
    if put_through is not None:
        return call_put_through(
            call_id=call.pk, number_id=put_through.pk, actor=actor, at=at + timedelta(minutes=1)
        )
    return call_take_message(
        call_id=call.pk,
        actor=actor,
        at=at + timedelta(minutes=1),
        subject="Bygglovet",
        for_unit=message_for_unit,
    )


def answered_now(caller, actor):
    call = call_arrive(caller=caller, called=SWITCHBOARD)
    call_answer(call_id=call.pk, actor=actor)
    return call


def direct(person):
    return person.numbers.get(kind=NumberKind.DIRECT)


def test_earlier_calls_show_when_and_whom_they_were_put_through_to(operator, town, logins):
    actor = logins["operator"]
    earlier_call(CALLER, 7, actor=actor, put_through=direct(town.anna))
    earlier_call(CALLER, 6, actor=actor, message_for_unit="Bygglov")
    earlier_call(CALLER, 1, actor=actor)
    answered_now(CALLER, actor)
    page = operator.get(reverse("console-queue")).content.decode()
    assert "Det här vet växeln" in page
    assert "Har ringt 3 gånger förut de senaste 28 dagarna, senast:" in page
    assert "kopplad till Anna Sjöberg" in page
    assert "meddelande till Bygglov" in page
    assert "lade på i kön" in page
    assert page.index("lade på i kön") < page.index("meddelande till Bygglov") < page.index("kopplad till")


def test_e4_open_messages_and_callbacks_from_the_number_are_shown_handled_ones_are_not(
    operator, town, logins
):
    actor = logins["operator"]
    callback = message_take(
        subject="Grannens bygge",
        caller_number=CALLER,
        for_person=town.anna.email,
        at=now() - timedelta(days=2),
        due_at=now() - timedelta(hours=1),
    )
    information = message_take(subject="Info", caller_number=CALLER, for_unit="Bygglov", kind="information")
    handled = message_take(subject="Klart", caller_number=CALLER, for_person=town.bjorn.email)
    message_mark(message=handled, step="called_back")
    answered_now(CALLER, actor)
    page = operator.get(reverse("console-queue")).content.decode()
    assert "2 öppna meddelanden och återuppringningar:" in page
    assert f"Återuppringning {callback.reference}" in page and "försenad" in page
    assert f"Meddelande {information.reference}" in page
    assert handled.reference not in page


def test_e8_an_internal_caller_shows_the_person_and_the_messages_left_for_them(operator, town, logins):
    actor = logins["operator"]
    for_bjorn = message_take(subject="Ring kunden", caller_number=CALLER, for_person=town.bjorn.email)
    earlier_call(BJORN_DIRECT, 4, actor=actor, put_through=direct(town.anna))
    answered_now(BJORN_DIRECT, actor)
    page = operator.get(reverse("console-queue")).content.decode()
    assert "Intern: <strong>Björn Åberg</strong>, byggnadsinspektör – Bygglov" in page
    assert "Har ringt en gång förut de senaste 28 dagarna:" in page
    assert f"Återuppringning {for_bjorn.reference}" in page
    assert "till Björn Åberg (den som ringer)" in page


def test_the_first_caller_in_the_queue_shows_a_line_of_history_and_the_others_none(operator, town, logins):
    actor = logins["operator"]
    earlier_call(CALLER, 5, actor=actor, put_through=direct(town.anna))
    earlier_call(CALLER, 4, actor=actor, put_through=direct(town.bjorn))
    earlier_call("0370-12345", 4, actor=actor, put_through=direct(town.bjorn))
    call_arrive(caller=CALLER, called=SWITCHBOARD)
    call_arrive(caller="0370-12345", called=SWITCHBOARD)
    page = operator.get(reverse("console-queue")).content.decode()
    assert page.count("history-line") == 1
    assert "Har ringt 2 gånger de senaste 28 dagarna." in page
    assert "Har ringt en gång" not in page


def test_s3_an_unconsented_mobile_never_has_its_digits_in_the_console(operator, town, logins):
    actor = logins["operator"]
    cecilia_mobile = town.cecilia.numbers.get(kind=NumberKind.MOBILE)
    earlier_call(ANNA_SECRET_MOBILE, 5, actor=actor, put_through=cecilia_mobile)
    message_take(subject="Ring tillbaka", caller_number=ANNA_SECRET_MOBILE, for_unit="Bygglov")
    call_arrive(caller=ANNA_SECRET_MOBILE, called=SWITCHBOARD)
    waiting = [operator.get(reverse("console")), operator.get(reverse("console-queue"))]
    assert "Har ringt en gång de senaste 28 dagarna." in waiting[1].content.decode()
    call_answer(call_id=Call.objects.filter(state="queued").get().pk, actor=actor)
    answered = [operator.get(reverse("console")), operator.get(reverse("console-queue"))]
    body = answered[1].content.decode()
    assert "Intern: <strong>Anna Sjöberg</strong>" in body and "kopplad till Cecilia Öst (mobil)" in body
    assert "Mobil (numret visas inte)" in body
    for page in waiting + answered:
        text = page.content.decode()
        for needle in hidden_forms(ANNA_SECRET_MOBILE) + hidden_forms(CECILIA_SECRET_MOBILE):
            assert needle not in text


def test_s3_a_withheld_number_has_no_history(operator, town, logins):
    actor = logins["operator"]
    earlier_call("", 4, actor=actor, put_through=direct(town.anna))
    message_take(subject="Anonym", for_unit="Bygglov", kind="information")
    call = answered_now("", actor)
    assert caller_history(call.pk, now()) is None
    page = operator.get(reverse("console-queue")).content.decode()
    assert "Dolt nummer" in page and "Det här vet växeln" not in page and "kopplad till" not in page


def test_records_a_call_past_the_retention_of_callers_numbers_is_not_shown_nor_once_pseudonymised(
    operator, town, logins
):
    actor = logins["operator"]
    rule_set(kind="caller_number", days=7)
    earlier_call(CALLER, 8, actor=actor, put_through=direct(town.bjorn))  # past the 7 days
    earlier_call(CALLER, 5, actor=actor, put_through=direct(town.anna))
    call = answered_now(CALLER, actor)
    before = caller_history(call.pk, now())
    assert before is not None and before.days == 7 and before.calls_in_period == 1
    thinning_run()
    assert Call.objects.filter(caller__startswith="#").count() == 1  # the old call is a pseudonym now
    after = caller_history(call.pk, now())
    assert after is not None and after.calls_in_period == 1
    assert [line.to_whom for line in after.last_calls] == ["Anna Sjöberg"]
    page = operator.get(reverse("console-queue")).content.decode()
    assert "de senaste 7 dagarna" in page and "Björn Åberg" not in page


def test_records_a_pseudonymised_call_is_never_matched_even_within_the_period(town, logins):
    actor = logins["operator"]
    old = earlier_call(CALLER, 4, actor=actor, put_through=direct(town.anna))
    Call.objects.filter(pk=old.pk).update(caller="#0123456789abcde", caller_person=None)  # erased (art. 17)
    call = answered_now(CALLER, actor)
    found = caller_history(call.pk, now())
    assert found is not None and found.calls_in_period == 0 and not found.known


@pytest.mark.parametrize("role", ["employee", "manager", "nobody"])
def test_a_non_operator_cannot_get_the_history(client, town, logins, role):
    actor = logins["operator"]
    earlier_call(CALLER, 4, actor=actor, put_through=direct(town.anna))
    call_arrive(caller=CALLER, called=SWITCHBOARD)
    signed_in(client, logins[role])
    for name in ("console", "console-queue"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert (
            "Har ringt" not in response.content.decode() and "Anna Sjöberg" not in response.content.decode()
        )


def test_the_history_takes_a_fixed_number_of_queries_however_long_the_queue(
    operator, town, logins, django_assert_max_num_queries
):
    actor = logins["operator"]
    for days in (1, 4, 5, 6, 7, 8, 11):  # weekdays: the switchboard was open
        earlier_call(CALLER, days, actor=actor, message_for_unit="Bygglov")
    call = answered_now(CALLER, actor)
    with django_assert_max_num_queries(6):
        found = caller_history(call.pk, now())
    assert found is not None and found.calls_in_period == 7 and len(found.last_calls) == 5
    for _ in range(10):
        call_arrive(caller=CALLER, called=SWITCHBOARD)
    operator.get(reverse("console-queue"))  # warm: sessions, the organisation
    with django_assert_max_num_queries(30):
        operator.get(reverse("console-queue"))
