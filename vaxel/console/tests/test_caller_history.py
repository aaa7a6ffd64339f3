"""The caller's history as a pure rule (`console/caller_history.py`): no database, no
clock. What is counted and listed, where each earlier call went, which messages come
first, and that neither a withheld number nor a pseudonym has a history."""

from datetime import UTC, datetime, timedelta

from vaxel.console import caller_history as history
from vaxel.console.caller_history import CallerPerson, EarlierCall, OpenMessage

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def summary(calls=(), messages=(), *, person=None, since=None, counted=None, open_count=None):
    since = since or AT - history.PERIOD
    return history.summarise(
        at=AT,
        since=since,
        person=person,
        calls_in_period=len(calls) if counted is None else counted,
        calls=list(calls),
        open_messages=len(messages) if open_count is None else open_count,
        messages=list(messages),
    )


def test_s3_a_withheld_number_and_a_pseudonym_have_no_history():
    assert history.history_key("") is None
    assert history.history_key(None) is None
    assert history.history_key("#0123456789abcde") is None  # a thinned call's caller
    assert history.history_key("+4636123456") == "+4636123456"


def test_records_the_period_never_reaches_past_the_retention_of_callers_numbers():
    assert history.period_start(AT, kept_days=None) == AT - timedelta(weeks=4)
    assert history.period_start(AT, kept_days=90) == AT - timedelta(weeks=4)
    assert history.period_start(AT, kept_days=7) == AT - timedelta(days=7)
    assert summary(since=history.period_start(AT, kept_days=7)).days == 7


def test_e8_an_internal_caller_is_known_even_without_earlier_calls():
    anna = CallerPerson(name="Anna Sjöberg", title="bygglovshandläggare", unit="Bygglov")
    found = summary(person=anna)
    assert found.known and found.person == anna and found.last_calls == ()
    assert not summary().known


def test_earlier_calls_newest_first_with_where_each_one_went():
    calls = [
        EarlierCall(AT - timedelta(days=3), "put_through", put_through_name="Anna Sjöberg"),
        EarlierCall(AT - timedelta(days=1), "message", message_for="Bygglov"),
        EarlierCall(AT - timedelta(days=2), "abandoned"),
        EarlierCall(AT - timedelta(days=4), "ended", put_through_name=""),
        EarlierCall(AT - timedelta(days=5), "closed"),
        EarlierCall(AT - timedelta(minutes=1), "queued"),
    ]
    found = summary(calls)
    assert [(c.outcome, c.to_whom) for c in found.last_calls] == [
        (history.ON_THE_LINE, ""),
        (history.MESSAGE, "Bygglov"),
        (history.HUNG_UP_WAITING, ""),
        (history.PUT_THROUGH, "Anna Sjöberg"),
        (history.ENDED, ""),
    ]
    assert found.calls_in_period == 6  # all counted, the last five listed


def test_calls_outside_the_period_are_neither_counted_nor_listed():
    since = AT - timedelta(days=7)
    calls = [EarlierCall(AT - timedelta(days=8), "put_through", put_through_name="Anna Sjöberg")]
    found = summary(calls, since=since, counted=0)
    assert found.calls_in_period == 0 and found.last_calls == ()


def test_e4_overdue_callbacks_first_then_urgent_then_newest():
    def message(reference, hours_ago, kind="information", due=None, urgent=False):
        return OpenMessage(reference, kind, "Anna Sjöberg", AT - timedelta(hours=hours_ago), due, urgent)

    messages = [
        message("M-NEW", 1),
        message("M-URGENT", 5, urgent=True),
        message("M-LATE", 30, kind="callback", due=AT - timedelta(hours=2)),
        message("M-DUE", 2, kind="callback", due=AT + timedelta(hours=6)),
        message("M-NEW", 1),  # the same message from the number and for the person
    ]
    found = summary(messages=messages, open_count=4)
    assert [m.reference for m in found.messages] == ["M-LATE", "M-URGENT", "M-NEW", "M-DUE"]
    assert found.overdue_callbacks == 1 and found.messages[0].callback
    assert found.open_messages == 4


def test_at_most_five_open_messages_are_listed_but_all_are_counted():
    messages = [OpenMessage(f"M-{i}", "callback", "Bygglov", AT - timedelta(hours=i)) for i in range(8)]
    found = summary(messages=messages[:5], open_count=8)
    assert len(found.messages) == 5 and found.open_messages == 8
