"""The compliance report: each of the routine's rules checked on a small town, by hand."""

from datetime import date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from vaxel.availability.models import Absence
from vaxel.availability.services import absence_add
from vaxel.cli import main
from vaxel.compliance.selectors import compliance_report
from vaxel.core.time import STOCKHOLM
from vaxel.directory.services import person_deactivate
from vaxel.messaging.services import message_take
from vaxel.mobiles.services import greeting_record
from vaxel.servicelevels.services import call_records_catch_up, service_level_set
from vaxel.telephony.services import call_arrive
from vaxel.testing import ANNA_DIRECT, PASSWORD, SWITCHBOARD

TUESDAY_9 = datetime(2026, 11, 24, 9, tzinfo=STOCKHOLM)  # a week that is over: callbacks can be late
pytestmark = pytest.mark.clock("2026-12-01T10:00")  # the week after it
WEEK = {"first": date(2026, 11, 23), "last": date(2026, 11, 29)}


def rules_of(findings, person=None):
    return sorted(f.rule for f in findings if person is None or f.person == person)


def test_every_rule_is_checked_and_names_its_rule(town):
    absence_add(
        person=town.anna, reason="meeting", starts_at=TUESDAY_9, ends_at=TUESDAY_9 + timedelta(hours=2)
    )
    absence_add(person=town.anna, reason="vacation", starts_at=TUESDAY_9 + timedelta(days=1), ends_at=None)
    Absence.objects.filter(reason="vacation").update(nudged_at=TUESDAY_9 + timedelta(days=2))  # E3 asked
    late = message_take(
        subject="Garage", caller_number="036-123456", for_person=town.anna.email, at=TUESDAY_9
    )
    unread = message_take(
        subject="Plank", caller_number="036-123457", for_person=town.bjorn.email, at=TUESDAY_9
    )
    unread.unread_flagged_at = TUESDAY_9 + timedelta(days=1)
    unread.save()
    call_arrive(caller=ANNA_DIRECT, called=SWITCHBOARD, at=TUESDAY_9)  # E8
    call_records_catch_up()  # the worker's minute job
    greeting_record(person=town.anna, text="Hej, du har kommit till Anna Sjöberg, Bygglov, Testby kommun.")
    person_deactivate(email=town.cecilia.email)
    service_level_set(unit=town.unit, callback_working_hours=4)

    findings = compliance_report(**WEEK)
    assert rules_of(findings, "Anna Sjöberg") == ["E3", "E4", "E7", "E8"]
    assert late.due_at < TUESDAY_9 + timedelta(days=1)
    assert rules_of(findings, "Björn Åberg") == ["E4", "E5", "W4"]  # not called back, unread, no greeting
    assert rules_of(findings, "Cecilia Öst") == ["E1"]  # her number is still hers though she has left
    unit_rules = [(f.rule, f.unit) for f in findings if not f.person]
    assert ("E7", "Skolskjuts") in unit_rules and ("C2", "Skolskjuts") in unit_rules
    assert ("C2", "Bygglov") not in unit_rules


def test_a_period_with_nothing_has_only_the_standing_findings(town):
    findings = compliance_report(first=date(2020, 1, 1), last=date(2020, 1, 31))
    assert set(rules_of(findings)) <= {"C2", "E1", "E7", "W4"}
    assert not [f for f in findings if f.when is not None]


def test_managers_get_their_units_in_the_api_and_bad_periods_are_refused(town, logins):
    absence_add(
        person=town.anna, reason="meeting", starts_at=TUESDAY_9, ends_at=TUESDAY_9 + timedelta(hours=2)
    )
    client = APIClient()
    client.login(username="anna", password=PASSWORD)
    answer = client.get("/api/v1/reports/compliance/", {"from": "2026-11-23", "to": "2026-11-29"})
    assert answer.status_code == 200
    assert {row["unit"] for row in answer.json()} == {"Bygglov"}
    assert any(row["rule"] == "E7" and row["person"] == "Anna Sjöberg" for row in answer.json())
    assert (
        client.get("/api/v1/reports/compliance/", {"from": "2026-11-29", "to": "2026-11-23"}).status_code
        == 400
    )
    client.login(username="bjorn", password=PASSWORD)
    assert (
        client.get("/api/v1/reports/compliance/", {"from": "2026-11-23", "to": "2026-11-29"}).status_code
        == 403
    )


def test_the_report_from_the_command_line_as_csv(town, capsys):
    absence_add(
        person=town.anna, reason="meeting", starts_at=TUESDAY_9, ends_at=TUESDAY_9 + timedelta(hours=2)
    )
    argv = [
        "report",
        "compliance",
        "--unit",
        "Bygglov",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
        "--format",
        "csv",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "rule,unit,person,what,when"
    assert any(line.startswith("E7,Bygglov,Anna Sjöberg,") for line in out)
    assert not any(",Skolskjuts," in line for line in out)
