"""The thinning (gallring), rule by rule: it removes exactly what is past its period,
keeps what a hold covers, keeps the statistics identical when it pseudonymises callers'
numbers, takes files with their rows, and logs every run without contents."""

import os
from datetime import date, datetime, timedelta

import pytest
from axes.models import AccessLog

from vaxel.audit.models import Change
from vaxel.availability.constants import AbsenceSource
from vaxel.availability.models import Absence
from vaxel.core.pseudonyms import is_pseudonym
from vaxel.core.time import STOCKHOLM, now
from vaxel.messaging.models import MessageEvent, OutboxEmail, OutboxState
from vaxel.records.constants import RecordKind
from vaxel.records.models import ThinningEntry, ThinningRun
from vaxel.records.services import (
    hold_lift,
    hold_place,
    message_classify,
    message_register,
    rule_set,
    thinning_run,
)
from vaxel.records.tests.conftest import CALLER, exists, taken
from vaxel.records.thinning import THINNED
from vaxel.servicelevels.models import CallRecord
from vaxel.servicelevels.selectors import statistics_report, statistics_scope
from vaxel.servicelevels.services import call_records_recount
from vaxel.telephony.models import Call, CallEvent

TUESDAY = date(2026, 11, 24)


def test_handled_messages_go_exactly_when_past_their_period(town, data_dir):
    old = taken(days_ago=365 + 1)
    young = taken(days_ago=365 - 1)
    unhandled = taken(days_ago=800, step=None)
    result = thinning_run()
    assert result.counts[RecordKind.MESSAGE_HANDLED] == 1
    assert not exists(old) and exists(young) and exists(unhandled)
    assert not MessageEvent.objects.filter(message_id=old.pk).exists()
    assert not OutboxEmail.objects.filter(message_id=old.pk).exists()


def test_closed_messages_follow_their_own_rule(town, data_dir):
    rule_set(kind="message_closed", days=30)
    closed = taken(days_ago=40, step="closed")
    called_back = taken(days_ago=40)
    thinning_run()
    assert not exists(closed) and exists(called_back)


def test_pseudonymised_messages_keep_their_times_and_states_but_not_who_called_or_why(town, data_dir):
    rule_set(kind="message_handled", days=30, action="pseudonymise")
    message = taken(days_ago=40)
    thinning_run()
    message.refresh_from_db()
    assert (message.subject, message.caller_name, message.caller_number, message.details) == (
        THINNED,
        "",
        "",
        "",
    )
    assert message.status == "handled" and message.handled_at is not None
    assert thinning_run().counts[RecordKind.MESSAGE_HANDLED] == 0  # done once


def test_a_held_message_is_never_thinned_until_the_hold_is_lifted(town, data_dir):
    message = taken(days_ago=400)
    hold = hold_place(message=message.reference, reason="public_records_request", note="Begäran 2026-12-01")
    assert thinning_run().counts[RecordKind.MESSAGE_HANDLED] == 0
    assert exists(message)
    hold_lift(hold_id=hold.pk, note="Begäran besvarad")
    thinning_run()
    assert not exists(message)


@pytest.mark.parametrize(
    "hold",
    [
        {"person": "anna.sjoberg@example.se", "reason": "complaint"},
        {"caller": "036-1234567", "reason": "legal_matter"},
        {"period": True, "reason": "legal_matter"},
    ],
)
def test_a_persons_a_callers_or_a_periods_hold_keeps_their_records(town, data_dir, hold):
    message = taken(days_ago=400)
    rule_set(kind="voicemail_recording", days=30)
    if hold.pop("period", False):
        hold.update(
            period_from=message.taken_at - timedelta(days=1),
            period_until=message.taken_at + timedelta(days=1),
        )
    hold_place(note="Ärende 2026/12", **hold)
    Call.objects.create(
        external_id="held-call",
        driver="test",
        caller=CALLER,
        called="+46370331000",
        state="ended",
        arrived_at=message.taken_at,
    )
    thinning_run()
    assert exists(message)
    caller_kept = "caller" in hold or "period_from" in hold
    assert Call.objects.get(external_id="held-call").caller == (
        CALLER if caller_kept else Call.objects.get(external_id="held-call").caller
    )


def test_a_voicemail_recording_file_goes_with_its_row_and_the_message_stays(
    town, data_dir, django_capture_on_commit_callbacks
):
    message = taken(days_ago=31, step=None, recording=b"RIFF" + b"\0" * 100)
    path = data_dir / message.recording
    assert path.exists()
    young = taken(days_ago=29, step=None, recording=b"RIFF" + b"\0" * 100)
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        result = thinning_run()
    assert result.counts[RecordKind.VOICEMAIL_RECORDING] == 1
    message.refresh_from_db()
    assert message.recording == "" and not path.exists() and exists(message)
    assert OutboxEmail.objects.get(message=message).attachment == ""
    assert (data_dir / young.recording).exists()


def test_deleting_a_message_removes_its_recording_from_disk(
    town, data_dir, django_capture_on_commit_callbacks
):
    rule_set(kind="voicemail_recording", days=1000)
    message = taken(days_ago=400, recording=b"RIFF" + b"\0" * 100)
    path = data_dir / message.recording
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        thinning_run()
    assert not exists(message) and not path.exists()


def test_an_unregistered_public_record_is_kept_and_a_registered_one_follows_its_rule(town, data_dir):
    public = taken(days_ago=400)
    message_classify(reference=public.reference, classification="public_record")
    information = taken(days_ago=400, kind="information")  # a public record by default
    thinning_run()
    assert exists(public) and exists(information)
    message_register(reference=public.reference, number="BN 2026/123")
    thinning_run()
    assert not exists(public) and exists(information)


def _report():
    report = statistics_report(statistics_scope(), first=TUESDAY, last=TUESDAY)
    switchboard = statistics_report(statistics_scope(switchboard=True), first=TUESDAY, last=TUESDAY)
    other = statistics_report(statistics_scope(unit="Skolskjuts"), first=TUESDAY, last=TUESDAY)
    return [(r.days, r.waits, r.hours, r.total) for r in (report, switchboard, other)]


def test_callers_numbers_are_pseudonymised_and_the_service_level_report_is_identical(tuesday, data_dir):
    CallEvent.objects.update(calling=CALLER)
    CallEvent.objects.filter(call_id="c6").update(calling="+46370331003")  # Cecilia, internal (E8)
    call_records_recount()
    before = _report()
    at = datetime(2027, 3, 1, 3, 0, tzinfo=STOCKHOLM)  # 97 days after that Tuesday
    result = thinning_run(at=at, batch=2)
    assert result.counts[RecordKind.CALLER_NUMBER] == CallEvent.objects.count()
    assert all(is_pseudonym(c) for c in CallEvent.objects.values_list("calling", flat=True))
    assert not CallEvent.objects.filter(calling__in=[CALLER, "+46370331003"]).exists()
    assert _report() == before
    call_records_recount()  # made again from the pseudonymised events: still the same
    assert _report() == before
    assert CallRecord.objects.get(call_id="c6").internal


def test_one_calls_events_share_one_pseudonym_and_two_calls_from_one_caller_do_not(tuesday, data_dir):
    CallEvent.objects.update(calling=CALLER)
    thinning_run(at=datetime(2027, 3, 1, tzinfo=STOCKHOLM))
    c1 = set(CallEvent.objects.filter(call_id="c1").values_list("calling", flat=True))
    c4 = set(CallEvent.objects.filter(call_id="c4").values_list("calling", flat=True))
    assert len(c1) == 1 and len(c4) == 1 and c1 != c4


def test_calls_under_a_call_hold_keep_their_callers_number(town, data_dir):
    arrived = now() - timedelta(days=100)
    for name in ("kept", "thinned"):
        Call.objects.create(
            external_id=name,
            driver="test",
            caller=CALLER,
            called="+46370331000",
            state="ended",
            arrived_at=arrived,
            asks_for="Anna",
        )
    hold_place(call="kept", reason="complaint", note="Klagomål på bemötandet")
    thinning_run()
    assert Call.objects.get(external_id="kept").caller == CALLER
    thinned = Call.objects.get(external_id="thinned")
    assert is_pseudonym(thinned.caller) and thinned.asks_for == ""


def test_sent_outbox_emails_go_after_their_period_and_waiting_ones_never(town, data_dir):
    taken(days_ago=1, step=None)
    OutboxEmail.objects.update(created_at=now() - timedelta(days=31))
    waiting = OutboxEmail.objects.create(
        recipients=["a@example.se"],
        subject="s",
        text="t",
        header_message_id="<w@x>",
        created_at=now() - timedelta(days=400),
    )
    OutboxEmail.objects.exclude(pk=waiting.pk).update(state=OutboxState.SENT)
    assert thinning_run().counts[RecordKind.OUTBOX_EMAIL] == 1
    assert list(OutboxEmail.objects.all()) == [waiting]


def test_calendar_absences_titles_change_log_and_sign_ins_go_after_their_periods(town, data_dir):
    from vaxel.calendars.models import Calendar, CalendarEvent

    old = now() - timedelta(days=800)
    absence = Absence.objects.create(
        person=town.anna,
        reason="meeting",
        starts_at=old,
        ends_at=old + timedelta(hours=1),
        source=AbsenceSource.CALENDAR,
    )
    manual = Absence.objects.create(
        person=town.anna, reason="meeting", starts_at=old, ends_at=old + timedelta(hours=1)
    )
    calendar = Calendar.objects.create(person=town.anna, kind="ics")
    event = CalendarEvent.objects.create(
        calendar=calendar,
        uid="u",
        starts_at=old,
        ends_at=old + timedelta(hours=1),
        title="Läkarbesök",
        reason="meeting",
    )
    Change.objects.update(at=old)
    changes = Change.objects.count()
    AccessLog.objects.create(username="anna", ip_address="127.0.0.1")
    AccessLog.objects.update(attempt_time=old)
    counts = thinning_run().counts
    assert (
        not Absence.objects.filter(pk=absence.pk).exists() and Absence.objects.filter(pk=manual.pk).exists()
    )
    event.refresh_from_db()
    assert event.title == ""
    assert counts[RecordKind.CHANGE_LOG] == changes > 0 and not Change.objects.exists()
    assert counts[RecordKind.SIGNIN_LOG] == 1 and not AccessLog.objects.exists()


def test_chart_and_prompt_files_go_after_their_period_unless_an_email_waits_for_them(
    town, data_dir, django_capture_on_commit_callbacks
):
    old = (now() - timedelta(days=31)).timestamp()
    for folder, name in (
        ("charts", "a.png"),
        ("charts", "waiting.png"),
        ("prompts", "p.wav"),
        ("prompts", "new.wav"),
    ):
        (data_dir / folder).mkdir(exist_ok=True)
        (data_dir / folder / name).write_bytes(b"x")
        # A file's time is the machine's clock, not the test's: set both.
        made = now().timestamp() if name == "new.wav" else old
        os.utime(data_dir / folder / name, (made, made))
    OutboxEmail.objects.create(
        recipients=["a@example.se"],
        subject="s",
        text="t",
        header_message_id="<c@x>",
        attachment="charts/waiting.png",
    )
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        counts = thinning_run().counts
    assert (counts[RecordKind.CHART_FILE], counts[RecordKind.PROMPT_FILE]) == (1, 1)
    assert sorted(p.name for p in data_dir.rglob("*.*") if p.parent.name in ("charts", "prompts")) == [
        "new.wav",
        "waiting.png",
    ]


def test_a_dry_run_changes_nothing_and_is_logged_with_what_it_would_do(town, data_dir):
    message = taken(days_ago=400)
    result = thinning_run(dry_run=True)
    assert result.counts[RecordKind.MESSAGE_HANDLED] == 1 and exists(message)
    run = ThinningRun.objects.get()
    assert run.dry_run and run.entries.get(kind=RecordKind.MESSAGE_HANDLED).count == 1


def test_every_run_is_logged_per_rule_even_with_nothing_to_thin_and_never_with_contents(town, data_dir):
    taken(days_ago=400, subject="Hemlig sak")
    thinning_run()
    thinning_run()
    assert ThinningRun.objects.count() == 2
    assert all(run.finished_at for run in ThinningRun.objects.all())
    assert ThinningEntry.objects.filter(run=ThinningRun.objects.first()).count() == len(RecordKind.values)
    logged = " ".join(str(v) for e in ThinningEntry.objects.values() for v in e.values())
    assert "Hemlig" not in logged and "Greta" not in logged and CALLER not in logged


def test_a_rule_turned_off_is_not_applied(town, data_dir):
    message = taken(days_ago=400)
    rule_set(kind="message_handled", enabled=False)
    result = thinning_run()
    assert RecordKind.MESSAGE_HANDLED not in result.counts and exists(message)


def test_the_nightly_run_runs_once_a_night_from_its_time(town, data_dir):
    from vaxel.records.services import thinning_nightly

    night = datetime(2027, 2, 10, 2, 0, tzinfo=STOCKHOLM)
    assert thinning_nightly(at=night) is None  # before 02:30
    assert thinning_nightly(at=night + timedelta(minutes=40)) is not None
    assert thinning_nightly(at=night + timedelta(minutes=50)) is None
    assert ThinningRun.objects.get().night == night.date()


@pytest.mark.clock("2026-12-01T10:00")  # a Tuesday: the switchboard is open
def test_s2_a_voice_message_left_at_the_switchboard_goes_with_the_voicemail_rule(
    town, data_dir, settings, django_capture_on_commit_callbacks
):
    from vaxel.telephony.moves import call_overflow, overflow_voicemail_take
    from vaxel.telephony.services import call_arrive
    from vaxel.telephony.switchboard import target_resolve
    from vaxel.testing import SWITCHBOARD

    settings.VAXEL_OVERFLOW_TO, settings.VAXEL_VOICEMAIL_RECORDING = "voicemail", True
    rule_set(kind="voicemail_recording", days=30)

    def left(name: str, caller: str, days_ago: int) -> Call:
        call = call_arrive(caller=caller, called=SWITCHBOARD, external_id=name, driver="kamailio")
        call_overflow(call_id=call.pk, reason="nobody")
        token = call.sip_targets.get().token
        target_resolve(f"over-{token}")
        kept = overflow_voicemail_take(token=token, alaw=b"\x34" * 16000)
        assert kept is not None and (data_dir / kept.recording).exists()
        at = now() - timedelta(days=days_ago)  # left that long ago
        Call.objects.filter(pk=kept.pk).update(arrived_at=at, place_at=at, callback_requested_at=at)
        return kept

    old, withheld, young = left("old", CALLER, 31), left("withheld", "", 31), left("young", "036-100002", 29)
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        result = thinning_run()
    assert result.counts[RecordKind.VOICEMAIL_RECORDING] == 2
    for call in (old, withheld):
        path = data_dir / call.recording
        call.refresh_from_db()
        assert call.recording == "" and not path.exists() and call.state == "callback"  # the call stays
    assert (data_dir / young.recording).exists() and Call.objects.get(pk=young.pk).recording
