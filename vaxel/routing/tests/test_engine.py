"""The routing decision, with no database: a hand-built snapshot of a small municipality."""

import json
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.availability.merging import AbsencePart, merge_absences
from vaxel.availability.schedule import Schedule, parse_hours, parse_weekly
from vaxel.core.time import STOCKHOLM
from vaxel.routing.engine import decide
from vaxel.routing.values import (
    Action,
    DestinationKind,
    GroupEntry,
    NumberOwner,
    OwnerKind,
    PersonEntry,
    Snapshot,
    UnitEntry,
)

SWITCHBOARD = "+46370331000"
ANNA, BJORN, CECILIA = "+46370331001", "+46370331002", "+46370331003"
ANNA_SECRET_MOBILE = "+46701234567"
GROUP = "+46370335001"
TUESDAY = datetime(2026, 12, 1, tzinfo=STOCKHOLM)


def at(hour: int, minute: int = 0, day: datetime = TUESDAY) -> datetime:
    return day.replace(hour=hour, minute=minute)


def absences(*parts: AbsencePart) -> tuple:
    return tuple(merge_absences(parts))


def town(anna_absences=(), bjorn_absences=(), cecilia_active=True, **anna_extra) -> Snapshot:
    persons = {
        1: PersonEntry(1, "Anna Sjöberg", 10, ANNA, absences=anna_absences, **anna_extra),
        2: PersonEntry(2, "Björn Åberg", 10, BJORN, absences=bjorn_absences, public_mobile="+46702345678"),
        3: PersonEntry(3, "Cecilia Öst", 10, CECILIA, active=cecilia_active),
    }
    return Snapshot(
        organisation="Testby kommun",
        switchboard=SWITCHBOARD,
        opening_hours=Schedule(
            parse_weekly("mon-thu 08:00-16:30, fri 08:00-15:00"), {}, parse_hours("08:00-12:00")
        ),
        persons=persons,
        groups={5: GroupEntry(5, "Bygglovsgruppen", GROUP, 10, (1, 2))},
        units={10: UnitEntry(10, "Bygglov")},
        numbers={
            ANNA: NumberOwner(OwnerKind.PERSON, 1),
            BJORN: NumberOwner(OwnerKind.PERSON, 2),
            CECILIA: NumberOwner(OwnerKind.PERSON, 3),
            ANNA_SECRET_MOBILE: NumberOwner(OwnerKind.PERSON, 1, public=False),
            GROUP: NumberOwner(OwnerKind.GROUP, 5),
        },
    )


def test_s1_switchboard_while_open_queues_with_the_greeting():
    decision = decide(town(), called="0370-331000", calling="+46361234567", at=at(9))
    assert decision.action is Action.QUEUE
    assert decision.greeting == "Välkommen till Testby kommun."
    assert decision.destinations[0].kind is DestinationKind.SWITCHBOARD
    assert not decision.internal


def test_s4_switchboard_while_closed_says_when_it_opens_in_swedish():
    friday_evening = datetime(2026, 12, 4, 18, tzinfo=STOCKHOLM)
    decision = decide(town(), called=SWITCHBOARD, calling=None, at=friday_evening)
    assert decision.action is Action.ANNOUNCE
    assert decision.announcement == (
        "Välkommen till Testby kommun. Växeln är stängd och öppnar igen måndag den 7 december klockan 08.00."
    )
    assert decision.next_opening == datetime(2026, 12, 7, 8, tzinfo=STOCKHOLM)


def test_s4_closed_announcement_says_tomorrow_and_today():
    assert (
        "öppnar igen i morgon klockan 08.00"
        in decide(town(), called=SWITCHBOARD, calling=None, at=at(17)).announcement
    )
    assert (
        "öppnar igen i dag klockan 08.00"
        in decide(town(), called=SWITCHBOARD, calling=None, at=at(6)).announcement
    )


def test_e8_internal_caller_to_the_switchboard_is_marked():
    decision = decide(town(), called=SWITCHBOARD, calling="0370-331002", at=at(9))
    assert decision.internal
    assert "internal_call_to_switchboard" in decision.flags
    assert (decision.caller_name, decision.caller_unit) == ("Björn Åberg", "Bygglov")


def test_e3_available_person_is_connected_to_their_direct_number():
    decision = decide(town(), called=ANNA, calling=None, at=at(9))
    assert decision.action is Action.CONNECT
    assert [d.number for d in decision.destinations] == [ANNA]


def test_e3_absent_person_diverts_with_reason_and_the_merged_back_time():
    anna = absences(AbsencePart(at(10), at(12), "meeting"), AbsencePart(at(12), at(13), "lunch"))
    decision = decide(town(anna_absences=anna), called=ANNA, calling=None, at=at(10, 30))
    assert decision.action is Action.DIVERT
    assert decision.announcement == "Anna Sjöberg är på möte och är tillbaka klockan 13.00."
    assert decision.absence.back_at == at(13)
    assert decision.absence.reasons == ("meeting", "lunch")
    assert decision.absence.activity == "meeting"
    assert decision.destinations[0].kind is DestinationKind.SWITCHBOARD
    lunch = decide(town(anna_absences=anna), called=ANNA, calling=None, at=at(12, 15))
    assert lunch.announcement == "Anna Sjöberg är på lunch och är tillbaka klockan 13.00."
    assert lunch.absence.activity == "meal"


def test_e3_absence_until_further_notice_and_back_another_day():
    sick = absences(AbsencePart(at(7), None, "sick", divert_to="voicemail"))
    decision = decide(town(anna_absences=sick), called=ANNA, calling=None, at=at(9))
    assert decision.announcement == "Anna Sjöberg är sjuk tills vidare."
    assert decision.destinations[0].kind is DestinationKind.VOICEMAIL
    away = absences(AbsencePart(at(7), at(8, day=TUESDAY + timedelta(days=7)), "vacation"))
    text = decide(town(anna_absences=away), called=ANNA, calling=None, at=at(9)).announcement
    assert text == "Anna Sjöberg har semester och är tillbaka tisdag den 8 december klockan 08.00."


def test_e3_absent_person_with_switchboard_diversion_gets_voicemail_after_hours():
    gone = absences(AbsencePart(at(15), at(8, day=TUESDAY + timedelta(days=1)), "gone_for_the_day"))
    decision = decide(town(anna_absences=gone), called=ANNA, calling=None, at=at(17))
    assert decision.destinations[0].kind is DestinationKind.VOICEMAIL
    assert decision.destinations[0].number == ANNA
    assert decision.announcement == "Anna Sjöberg har gått för dagen och är tillbaka i morgon klockan 08.00."


def test_e3_diversion_to_an_available_colleague():
    meeting = absences(AbsencePart(at(10), at(11), "meeting", divert_to="colleague", divert_colleague_id=2))
    decision = decide(town(anna_absences=meeting), called=ANNA, calling=None, at=at(10, 5))
    assert [d.number for d in decision.destinations] == [BJORN]
    bjorn_away = absences(AbsencePart(at(9), at(12), "meeting"))
    fallback = decide(
        town(anna_absences=meeting, bjorn_absences=bjorn_away), called=ANNA, calling=None, at=at(10, 5)
    )
    assert fallback.destinations[0].kind is DestinationKind.SWITCHBOARD


def test_e3_shared_number_rings_available_members_and_is_never_merged():
    # Anna away 10-12, Björn away 12-13: merged as one group these would leave
    # nobody 10-13; a shared number's availability is its members' (E3 exception).
    snapshot = town(
        anna_absences=absences(AbsencePart(at(10), at(12), "meeting")),
        bjorn_absences=absences(AbsencePart(at(12), at(13), "lunch")),
    )
    assert [d.number for d in decide(snapshot, called=GROUP, calling=None, at=at(9)).destinations] == [
        ANNA,
        BJORN,
    ]
    assert [d.number for d in decide(snapshot, called=GROUP, calling=None, at=at(11)).destinations] == [BJORN]
    assert [d.number for d in decide(snapshot, called=GROUP, calling=None, at=at(12, 30)).destinations] == [
        ANNA
    ]


def test_e3_shared_number_with_nobody_available_falls_back():
    both = town(
        anna_absences=absences(AbsencePart(at(8), at(18), "training")),
        bjorn_absences=absences(AbsencePart(at(8), at(18), "training")),
    )
    open_hours = decide(both, called=GROUP, calling=None, at=at(10))
    assert open_hours.action is Action.QUEUE and "no_member_available" in open_hours.flags
    closed = decide(both, called=GROUP, calling=None, at=at(17))
    assert closed.action is Action.VOICEMAIL
    assert closed.destinations[0].number == GROUP


def test_e1_number_of_someone_who_left_goes_to_the_switchboard_flagged():
    decision = decide(town(cecilia_active=False), called=CECILIA, calling=None, at=at(9))
    assert decision.action is Action.QUEUE
    assert "number_owner_left" in decision.flags


def test_unknown_number_goes_to_the_switchboard_flagged():
    decision = decide(town(), called="0370-339999", calling=None, at=at(9))
    assert decision.action is Action.QUEUE and decision.flags == ("unknown_number",)
    garbage = decide(town(), called="not a number", calling="'; DROP TABLE", at=at(9))
    assert garbage.action is Action.QUEUE and garbage.calling is None


def test_s3_a_caller_on_an_unconsented_mobile_is_named_but_its_digits_never_leave():
    decision = decide(town(), called=SWITCHBOARD, calling="070-123 45 67", at=at(9))
    assert decision.internal and decision.caller_name == "Anna Sjöberg"
    assert "701234567" not in json.dumps(decision.as_dict())


@settings(max_examples=200, deadline=None)
@given(
    called=st.sampled_from([SWITCHBOARD, ANNA, BJORN, CECILIA, GROUP, ANNA_SECRET_MOBILE, "0370-339999"]),
    calling=st.sampled_from([None, ANNA_SECRET_MOBILE, "0701234567", BJORN, "+4636123456"]),
    hour=st.integers(0, 23),
    days=st.integers(0, 400),
    absent=st.booleans(),
)
def test_s3_no_decision_ever_contains_an_unconsented_mobile(called, calling, hour, days, absent):
    when = at(hour, day=TUESDAY + timedelta(days=days))
    anna = (
        absences(AbsencePart(when - timedelta(hours=1), when + timedelta(hours=1), "meeting"))
        if absent
        else ()
    )
    decision = decide(town(anna_absences=anna), called=called, calling=calling, at=when)
    text = json.dumps(decision.as_dict(), ensure_ascii=False)
    assert "701234567" not in text
    assert "070-123" not in text
