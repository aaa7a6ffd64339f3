"""The queue's fairness and the callback's steps as properties (queueing.py), the
expected wait (waiting.py) and the keys a caller presses (media.py): pure, no database,
no sockets. The states users of other products reported broken are drawn on purpose: a
callback jumping ahead of callers who waited longer, one request giving two or three
callbacks (a repeated key, a retransmitted INFO, a double click), a caller who comes
back losing their place."""

import itertools
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.telephony.media import SipRequest, TelephoneEvents, info_digit, telephone_event_type
from vaxel.telephony.queueing import (
    ANSWERED,
    CALLBACK,
    ENDED,
    QUEUED,
    WAITING_STATES,
    Entry,
    callback_offered,
    callback_step,
    place_of,
    queue_order,
)
from vaxel.telephony.waiting import WaitBasis, expected_wait, place_words, spoken_minutes

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MOST_ATTEMPTS = 3


@dataclass
class Caller:
    key: int
    number: str
    place_at: datetime
    priority: int
    state: str = QUEUED
    attempts: int = 0
    callbacks: int = 0  # callbacks this caller's requests made


@dataclass
class Switchboard:
    """The queue as Växel keeps it, driven only by the pure rules the services use:
    queue_order for who is next, callback_step for every step of a callback."""

    callers: dict[int, Caller] = field(default_factory=dict)
    clock: datetime = START
    served: list[Caller] = field(default_factory=list)  # in the order operators took them

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def waiting(self) -> list[Entry]:
        return [
            Entry(c.key, c.place_at, c.priority, c.state == CALLBACK)
            for c in self.callers.values()
            if c.state in WAITING_STATES
        ]

    def arrive(self, number: str, priority: int) -> None:
        at = self.tick()
        # A caller whose callback still waits takes over its place (call_arrive).
        pending = next((c for c in self.callers.values() if c.number == number and c.state == CALLBACK), None)
        key = len(self.callers) + 1
        self.callers[key] = Caller(key, number, pending.place_at if pending else at, priority)
        if pending is not None:
            pending.state = ENDED

    def press_one(self, key: int, times: int) -> None:
        caller = self.callers[key]
        for _time in range(times):  # a repeated key, a retransmitted INFO
            step = callback_step(caller.state, "request")
            if step.state is not None and step.new:
                caller.callbacks += 1
            if step.state is not None:
                caller.state = step.state

    def next_free_operator(self, *, answers: bool, clicks: int) -> Caller | None:
        self.tick()
        order = queue_order(self.waiting())
        if not order:
            return None
        caller = self.callers[order[0].key]
        waiting = [self.callers[e.key] for e in order]
        if caller.state == QUEUED:
            caller.state = ANSWERED
        else:
            for _click in range(clicks):  # a double click calls once
                step = callback_step(caller.state, "start")
                if step.state is not None:
                    caller.state, caller.attempts = step.state, caller.attempts + 1
            if not answers:
                after = callback_step(
                    caller.state, "failed", attempts=caller.attempts, most_attempts=MOST_ATTEMPTS
                )
                assert after.state is not None
                caller.state = after.state
        self.served.append(caller)
        assert_nobody_overtaken(caller, waiting)
        return caller

    def hang_up(self, key: int) -> None:
        caller = self.callers[key]
        if caller.state == QUEUED:
            caller.state = ENDED


def assert_nobody_overtaken(taken: Caller, waiting: list[Caller]) -> None:
    for other in waiting:
        if other is not taken and other.priority == taken.priority:
            assert (other.place_at, other.key) > (taken.place_at, taken.key), (taken, other)


NUMBERS = st.sampled_from(["+46361234567", "+46361234568", "+46361234569", "+46701112233"])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("arrive"), NUMBERS, st.integers(0, 1)),
        st.tuples(st.just("press"), st.integers(1, 30), st.integers(1, 3)),
        st.tuples(st.just("operator"), st.booleans(), st.integers(1, 3)),
        st.tuples(st.just("hang_up"), st.integers(1, 30), st.just(0)),
    ),
    max_size=60,
)


def run(steps) -> Switchboard:
    board = Switchboard()
    for kind, first, second in steps:
        if kind == "arrive":
            board.arrive(first, second)
        elif kind == "operator":
            board.next_free_operator(answers=first, clicks=second)
        elif first in board.callers:
            if kind == "press":
                board.press_one(first, second)
            else:
                board.hang_up(first)
    return board


@settings(max_examples=300, deadline=None)
@given(STEPS)
def test_e4_nobody_waiting_or_called_back_is_overtaken_by_a_later_caller(steps):
    run(steps)  # every operator's pick is checked against everyone still waiting


@settings(max_examples=300, deadline=None)
@given(STEPS)
def test_e4_one_request_yields_exactly_one_callback(steps):
    board = run(steps)
    for caller in board.callers.values():
        assert caller.callbacks <= 1
        if caller.callbacks:
            assert caller.attempts <= MOST_ATTEMPTS


@settings(max_examples=200, deadline=None)
@given(STEPS, NUMBERS)
def test_e4_a_caller_who_comes_back_keeps_the_place_of_their_callback(steps, number):
    board = run(steps)
    pending = [c for c in board.callers.values() if c.number == number and c.state == CALLBACK]
    board.arrive(number, 0)
    again = board.callers[len(board.callers)]
    if pending:
        assert again.place_at == pending[0].place_at
        assert pending[0].state == ENDED  # one caller, one place
    mine = [c for c in board.callers.values() if c.number == number and c.state in WAITING_STATES]
    assert len([c for c in mine if c.state == CALLBACK]) == 0 or again.state == QUEUED


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 600), st.booleans()), min_size=1, max_size=30))
def test_e4_a_callback_stands_in_the_queue_where_its_caller_arrived(raw):
    entries = [Entry(key, START + timedelta(seconds=s), p, cb) for key, (p, s, cb) in enumerate(raw)]
    order = queue_order(entries)
    for before, after in itertools.pairwise(order):
        assert (before.priority, before.place_at, before.key) <= (after.priority, after.place_at, after.key)
    for entry in entries:
        earlier = [
            e
            for e in entries
            if (e.priority, e.place_at, e.key) < (entry.priority, entry.place_at, entry.key)
        ]
        assert place_of(entries, entry.key) == len(earlier) + 1


def test_e4_a_failed_callback_goes_back_to_its_place_and_is_given_up_after_the_attempts():
    assert callback_step(ANSWERED, "failed", attempts=1, most_attempts=3).state == CALLBACK
    assert callback_step(ANSWERED, "failed", attempts=3, most_attempts=3).state == ENDED
    assert callback_step(CALLBACK, "request").new is False
    assert callback_step(ANSWERED, "request").state is None  # an operator answered first
    assert callback_step(QUEUED, "start").state is None


def test_e4_the_offer_is_made_only_for_a_known_number_and_a_long_wait():
    def offered(**kw):
        return callback_offered(
            **{"number_known": True, "expected_seconds": None, "waited_seconds": 0, "after": 120, **kw}
        )

    assert not offered(number_known=False, waited_seconds=600)
    assert not offered()
    assert offered(expected_seconds=150)
    assert offered(waited_seconds=120)
    assert not offered(after=0, waited_seconds=600)


# The expected wait


@given(
    st.integers(0, 40),
    st.lists(st.floats(5, 900), min_size=3, max_size=40),
    st.integers(1, 8),
    st.integers(0, 8),
)
def test_s1_the_expected_wait_grows_with_the_callers_ahead_and_shrinks_with_operators(
    ahead, times, ops, busy
):
    busy = min(busy, ops)
    wait = expected_wait(WaitBasis(ahead, times, ops, busy))
    later = expected_wait(WaitBasis(ahead + 1, times, ops, busy))
    more = expected_wait(WaitBasis(ahead, times, ops + 1, busy))
    assert wait is not None and later is not None and more is not None
    assert timedelta(0) <= wait <= later
    assert more <= wait


def test_s1_no_estimate_without_a_basis():
    assert expected_wait(WaitBasis(3, [60.0, 90.0], 2)) is None  # too few recent calls
    assert expected_wait(WaitBasis(3, [60.0] * 10, 0)) is None  # no operator at work


def test_s1_the_expected_wait_from_the_callers_ahead_and_the_operators():
    # Two at work, both busy, 2 minutes a call: the third in the queue waits 3 minutes.
    assert expected_wait(WaitBasis(2, [120.0] * 5, 2, busy=2)) == timedelta(minutes=3)
    # One of them free: the next caller goes at once.
    assert expected_wait(WaitBasis(0, [120.0] * 5, 2, busy=1)) == timedelta(0)


def test_s1_the_wait_is_said_in_sensible_round_figures():
    spoken = lambda seconds: spoken_minutes(timedelta(seconds=seconds))  # noqa: E731
    assert [spoken(s) for s in (20, 60, 100, 150, 590, 640, 800, 1790, 3600, 3700)] == [
        0, 1, 2, 3, 10, 10, 15, 30, 60, None,
    ]  # fmt: skip


def test_s1_the_caller_hears_place_and_wait_in_swedish():
    from django.utils import translation

    with translation.override("sv"):
        text = place_words(3, timedelta(minutes=2), offer=False)
        assert text == "Du har plats 3 i kön. Beräknad väntetid är cirka 2 minuter."
        assert place_words(1, None, offer=False) == "Du har plats 1 i kön."
        assert "Tryck 1" in place_words(4, timedelta(minutes=9), offer=True)


# The keys a caller presses


def event_packet(
    event: int, *, stamp: int, end: bool, duration: int, seq: int, pt: int = 101, ssrc: int = 7
) -> bytes:
    header = struct.pack("!BBHII", 0x80, pt | (0x80 if duration == 160 else 0), seq, stamp, ssrc)
    return header + struct.pack("!BBH", event, (0x80 if end else 0) | 10, duration)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 15), min_size=1, max_size=8),
    st.integers(1, 4),  # how many times each packet is sent
    st.integers(1, 5),  # updates before the end
)
def test_e4_each_key_counts_once_however_often_its_packets_repeat(keys, copies, updates):
    decoder = TelephoneEvents(101)
    heard, seq = [], 0
    for index, key in enumerate(keys):
        stamp = 8000 * (index + 1)
        packets = [
            event_packet(key, stamp=stamp, end=False, duration=160 * (n + 1), seq=0) for n in range(updates)
        ]
        packets += [event_packet(key, stamp=stamp, end=True, duration=160 * (updates + 1), seq=0)] * 3
        for packet in packets:
            for _copy in range(copies):
                seq += 1
                digit = decoder.digit(packet[:2] + struct.pack("!H", seq & 0xFFFF) + packet[4:])
                if digit is not None:
                    heard.append(digit)
    assert heard == ["0123456789*#ABCD"[k] for k in keys]


def test_e4_a_key_whose_first_packets_were_lost_still_counts_once():
    decoder = TelephoneEvents(101)
    ends = [event_packet(1, stamp=400, end=True, duration=800, seq=n) for n in range(3)]
    assert [decoder.digit(p) for p in ends] == ["1", None, None]
    assert decoder.digit(event_packet(1, stamp=400, end=True, duration=800, seq=9, pt=96)) is None


def test_e4_the_offer_negotiates_telephone_events_on_the_callers_payload_type():
    offer = "m=audio 4000 RTP/AVP 8 0 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
    assert telephone_event_type(offer) == 96
    assert telephone_event_type(offer.replace(" 96\r\n", "\r\n", 1)) is None  # mapped but not offered
    assert telephone_event_type("m=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n") is None


def test_e4_a_key_in_sip_info():
    def info(kind: str, body: str) -> SipRequest:
        return SipRequest("INFO", "sip:media", {"content-type": [kind]}, body)

    assert info_digit(info("application/dtmf-relay", "Signal=1\r\nDuration=160\r\n")) == "1"
    assert info_digit(info("application/dtmf", "1")) == "1"
    assert info_digit(info("text/plain", "1")) is None
    assert info_digit(info("application/dtmf-relay", "Signal=12\r\n")) is None
