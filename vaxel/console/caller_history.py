"""What the switchboard knows of a caller, summed up for the operator while the call is
on the line: the person when the number is internal (E8), the earlier calls in a short
period and where each one went, and the messages and callbacks still open from that
number or for that person (E4, S2). Pure: plain values in, plain values out; no
database, no clock (`console/selectors.py` reads the rows).

It never holds a number: only names, times and outcomes, so nothing here can show a
private mobile's digits (S3). A withheld number has no history, and neither has a
pseudonym (records retention): a thinned call is not the caller's any more."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from vaxel.core.pseudonyms import is_pseudonym
from vaxel.messaging.models import MessageKind
from vaxel.telephony.models import CallState

PERIOD = timedelta(weeks=4)  # "earlier calls in the last weeks"
LAST_CALLS = 5  # the earlier calls listed, newest first; all in the period are counted
OPEN_MESSAGES = 5  # the open messages listed; all are counted
OPEN_MESSAGES_READ = 100  # the open messages read for one caller at most (the count stops there)

# What became of an earlier call, as the console says it.
PUT_THROUGH = "put_through"
MESSAGE = "message"
HUNG_UP_WAITING = "hung_up_waiting"
ENDED = "ended"  # answered, then ended without being put through
CLOSED = "closed"  # the switchboard was closed (S4)
ON_THE_LINE = "on_the_line"  # another call from the number, still at the switchboard

_OUTCOMES: dict[str, str] = {
    CallState.PUT_THROUGH: PUT_THROUGH,
    CallState.MESSAGE: MESSAGE,
    CallState.ABANDONED: HUNG_UP_WAITING,
    CallState.ENDED: ENDED,
    CallState.CLOSED: CLOSED,
    CallState.QUEUED: ON_THE_LINE,
    CallState.ANSWERED: ON_THE_LINE,
}


@dataclass(frozen=True)
class CallerPerson:
    """The employee whose number calls (E8)."""

    name: str
    title: str = ""
    unit: str = ""


@dataclass(frozen=True)
class EarlierCall:
    """One earlier call from the number, as stored."""

    arrived_at: datetime
    state: str  # a CallState value
    put_through_name: str = ""
    message_for: str = ""  # the recipient of the message taken, while the message is kept


@dataclass(frozen=True)
class OpenMessage:
    """A message or callback not yet handled, from the number or for the person."""

    reference: str
    kind: str  # a MessageKind value
    recipient: str
    taken_at: datetime
    due_at: datetime | None = None
    urgent: bool = False
    from_caller: bool = True  # False: for the internal caller, left by someone else


@dataclass(frozen=True)
class CallLine:
    arrived_at: datetime
    outcome: str
    to_whom: str = ""


@dataclass(frozen=True)
class MessageLine:
    reference: str
    callback: bool
    recipient: str
    taken_at: datetime
    due_at: datetime | None
    overdue: bool
    urgent: bool
    from_caller: bool


@dataclass(frozen=True)
class CallerHistory:
    person: CallerPerson | None
    since: datetime
    days: int  # the period's length, whole days
    calls_in_period: int  # earlier calls since `since`, the current one not counted
    last_calls: tuple[CallLine, ...]
    open_messages: int  # all open, listed or not
    messages: tuple[MessageLine, ...]
    overdue_callbacks: int  # of all open

    @property
    def known(self) -> bool:
        """Anything to tell the operator."""
        return bool(self.person or self.calls_in_period or self.open_messages)


def history_key(caller: str | None) -> str | None:
    """The number a history is looked up by: none for a withheld number or a pseudonym."""
    if not caller or is_pseudonym(caller):
        return None
    return caller


def period_start(at: datetime, *, kept_days: int | None, period: timedelta = PERIOD) -> datetime:
    """Where the history begins: `period` back, and never before the retention period of
    callers' numbers (`kept_days`; None when they are not thinned). A call past that
    period may still hold its number until the night's thinning, or under a hold: it is
    not to be used any more, so it is not shown."""
    if kept_days is not None:
        period = min(period, timedelta(days=kept_days))
    return at - period


def outcome_of(call: EarlierCall) -> CallLine:
    outcome = _OUTCOMES.get(call.state, ENDED)
    to_whom = call.put_through_name if outcome == PUT_THROUGH else ""
    if outcome == MESSAGE:
        to_whom = call.message_for
    return CallLine(arrived_at=call.arrived_at, outcome=outcome, to_whom=to_whom)


def summarise(
    *,
    at: datetime,
    since: datetime,
    person: CallerPerson | None,
    calls_in_period: int,
    calls: list[EarlierCall],
    open_messages: int,
    messages: list[OpenMessage],
) -> CallerHistory:
    """The history as the console shows it. `calls` are earlier calls from the number
    (any order; those before `since` or after `at` are left out), `messages` the open
    ones (any order), of which the first OPEN_MESSAGES are listed: callbacks overdue
    first (E4), then urgent, then newest."""
    kept = sorted((c for c in calls if since <= c.arrived_at <= at), key=lambda c: c.arrived_at, reverse=True)
    lines = [
        MessageLine(
            reference=m.reference,
            callback=m.kind == MessageKind.CALLBACK,
            recipient=m.recipient,
            taken_at=m.taken_at,
            due_at=m.due_at,
            overdue=m.kind == MessageKind.CALLBACK and m.due_at is not None and m.due_at < at,
            urgent=m.urgent,
            from_caller=m.from_caller,
        )
        for m in {m.reference: m for m in messages}.values()
    ]
    lines.sort(key=lambda m: m.taken_at, reverse=True)
    lines.sort(key=lambda m: (not m.overdue, not m.urgent))
    return CallerHistory(
        person=person,
        since=since,
        days=max(1, round((at - since) / timedelta(days=1))),
        calls_in_period=max(calls_in_period, len(kept)),
        last_calls=tuple(outcome_of(c) for c in kept[:LAST_CALLS]),
        open_messages=max(open_messages, len(lines)),
        messages=tuple(lines[:OPEN_MESSAGES]),
        overdue_callbacks=sum(1 for m in lines if m.overdue),
    )
