"""`vaxel records`: thin --dry-run prints what it would remove and removes nothing;
holds are placed, listed and lifted; public records listed, exported and registered;
bad input is one line, exit 1, nothing written."""

import json

from vaxel.records.models import Hold, RetentionRule, ThinningRun
from vaxel.records.tests.conftest import exists, taken
from vaxel.testing import vaxel_cli


def test_thin_dry_run_prints_what_it_would_remove_and_removes_nothing(town, data_dir, capsys):
    message = taken(days_ago=400)
    code, out, _err = vaxel_cli(capsys, "records", "thin", "--dry-run")
    assert code == 0 and exists(message)
    line = next(line for line in out.splitlines() if line.startswith("message_handled"))
    assert " 1 " in line
    code, out, _err = vaxel_cli(capsys, "records", "thin", "--json")
    assert json.loads(out)["counts"]["message_handled"] == 1 and not exists(message)
    code, out, _err = vaxel_cli(capsys, "records", "log", "--json")
    assert len(json.loads(out)) == 2 == ThinningRun.objects.count()


def test_holds_are_placed_listed_and_lifted_with_who_when_and_why(town, capsys):
    code, out, err = vaxel_cli(
        capsys, "records", "hold", "add", "--person", "anna.sjoberg@example.se", "--reason", "complaint",
        "--note", "Klagomål 2026/45",
    )  # fmt: skip
    assert code == 0, err
    hold = Hold.objects.get()
    code, out, _err = vaxel_cli(capsys, "records", "hold", "list", "--json")
    assert json.loads(out)[0]["what"] == "anna.sjoberg@example.se"
    code, out, err = vaxel_cli(capsys, "records", "hold", "lift", str(hold.pk), "--note", "Besvarat")
    assert code == 0
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_note == "Besvarat"
    code, _out, err = vaxel_cli(capsys, "records", "hold", "lift", str(hold.pk), "--note", "igen")
    assert code == 1 and err.startswith("vaxel:")
    code, _out, err = vaxel_cli(capsys, "records", "hold", "lift", "99999999999999999999", "--note", "x")
    assert code == 1 and err.startswith("vaxel:")


def test_a_period_hold_needs_its_end_and_bad_input_writes_nothing(town, capsys):
    code, _out, err = vaxel_cli(
        capsys,
        "records",
        "hold",
        "add",
        "--from",
        "2026-11-01",
        "--reason",
        "legal_matter",
        "--note",
        "Mål T 12-26",
    )
    assert code == 1 and err.startswith("vaxel:") and not Hold.objects.exists()
    code, _out, err = vaxel_cli(
        capsys, "records", "hold", "add", "--message", "M-NOPE", "--reason", "complaint", "--note", "x"
    )
    assert code == 1 and not Hold.objects.exists()
    code, _out, err = vaxel_cli(capsys, "records", "rule", "caller_number", "--action", "delete")
    assert code == 1 and err.startswith("vaxel:") and not RetentionRule.objects.exists()


def test_public_records_are_listed_exported_as_csv_and_registered(town, data_dir, capsys):
    information = taken(days_ago=2, kind="information", step=None)
    taken(days_ago=2)  # a callback: of temporary importance
    code, out, _err = vaxel_cli(capsys, "records", "public", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("reference,") and len(out.splitlines()) == 2
    assert information.reference in out
    code, out, _err = vaxel_cli(capsys, "records", "register", information.reference, "--number", "BN 2026/7")
    assert code == 0
    code, out, _err = vaxel_cli(capsys, "records", "public", "--unregistered", "--format", "json")
    assert json.loads(out) == []


def test_rules_list_every_kind_and_a_rule_is_changed(town, capsys):
    code, out, _err = vaxel_cli(capsys, "records", "rule", "voicemail_recording", "--days", "14")
    assert code == 0
    code, out, _err = vaxel_cli(capsys, "records", "rules", "--json")
    rules = {r["kind"]: r for r in json.loads(out)}
    assert len(rules) == 11 and rules["voicemail_recording"]["days"] == 14
