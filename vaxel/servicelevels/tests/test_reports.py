"""The service-level report from the command line and the API (C2)."""

import csv
import io
import json

from rest_framework.test import APIClient

from vaxel.cli import main
from vaxel.testing import GROUP_NUMBER, PASSWORD

TUESDAY_WEEK = ["--from", "2026-11-23", "--to", "2026-11-29"]


def test_c2_the_report_as_a_table_says_missed_and_no_calls(tuesday, capsys):
    assert main(["report", "service-level", "--unit", "Bygglov", *TUESDAY_WEEK, "--by", "day"]) == 0
    out = capsys.readouterr().out
    assert "Bygglov: 2026-11-23 – 2026-11-29" in out
    assert "80 % besvarade inom 20 s" in out  # the default target, in Swedish
    assert "Besvarade i tid" in out and "33.3 %" in out
    lines = out.splitlines()
    tuesday_row = next(line for line in lines if line.startswith("2026-11-24"))
    assert "MISSAT" in tuesday_row
    monday_row = next(line for line in lines if line.startswith("2026-11-23"))
    assert monday_row.split()[3] == "0" and "–" in monday_row  # no calls: no share, no verdict


def test_c2_the_report_as_csv_and_json_by_week(tuesday, capsys):
    assert main(["report", "service-level", "--unit", "Bygglov", *TUESDAY_WEEK, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["first"] for r in rows] == ["2026-11-23", "total"]
    assert rows[0]["offered"] == "4" and rows[0]["answered_in_time_percent"] == "33.3"
    assert rows[0]["answer_target_met"] == "False" and rows[0]["callbacks_on_time_percent"] == ""
    assert main(["report", "service-level", "--switchboard", *TUESDAY_WEEK, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scope"]["kind"] == "switchboard"
    assert data["total"]["internal"] == 1 and data["total"]["p90_wait_seconds"] == 5


def test_bad_input_on_the_command_line_says_what_is_wrong(tuesday, capsys):
    assert main(["report", "service-level", "--unit", "Nohow", *TUESDAY_WEEK]) != 0
    assert "Nohow" in capsys.readouterr().err
    assert main(["report", "service-level", "--from", "2026-11-29", "--to", "2026-11-23"]) != 0
    assert "slutar" in capsys.readouterr().err


def test_c2_managers_get_their_units_and_shared_numbers_in_the_api(tuesday, logins):
    client = APIClient()
    client.login(username="anna", password=PASSWORD)
    url = "/api/v1/reports/service-level/"
    week = {"from": "2026-11-23", "to": "2026-11-29"}
    answer = client.get(url, {**week, "unit": "Bygglov", "by": "month"})
    assert answer.status_code == 200
    assert answer.json()["periods"][0]["offered"] == 4 and answer.json()["by"] == "month"
    assert client.get(url, {**week, "number": GROUP_NUMBER}).json()["total"]["transferred"] == 1
    assert client.get(url, {**week, "unit": "Skolskjuts"}).status_code == 403
    assert client.get(url, {**week, "unit": "9" * 30}).status_code == 404
    assert client.get(url, week).status_code == 403  # the organisation is the switchboard's
    assert (
        client.get(url, {**week, "unit": "Bygglov", "by": "year"}).json()["error"]["id"] == "invalid_period"
    )
    assert client.get(url, {"from": "2026-13-01", "to": "x", "unit": "Bygglov"}).status_code == 400
    client.login(username="bjorn", password=PASSWORD)
    assert client.get(url, {**week, "unit": "Bygglov"}).status_code == 403
    client.login(username="operator", password=PASSWORD)
    everyone = client.get(url, week).json()
    assert everyone["scope"]["kind"] == "organisation" and everyone["total"]["offered"] == 6


def test_recounting_attributes_calls_to_a_number_added_afterwards(tuesday, capsys):
    from vaxel.directory.services import person_add
    from vaxel.servicelevels.models import CallRecord
    from vaxel.servicelevels.tests.conftest import report_calls

    report_calls(("late", "+46370331009", [("arrived", "2026-11-24T09:00:00")]))
    assert CallRecord.objects.get(call_id="late").unit is None  # nobody has the number yet
    person_add(name="Dora Ny", email="dora@example.se", unit="Skolskjuts", direct_number="0370-331009")
    assert main(["call-events", "recount", "--from", "2026-11-24", "--to", "2026-11-24"]) == 0
    assert "7 calls counted again" in capsys.readouterr().out
    assert CallRecord.objects.get(call_id="late").unit == tuesday.other_unit
