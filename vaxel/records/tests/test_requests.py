"""A person's requests (GDPR art. 15 and 17): everything held about an employee or a
caller in one JSON document, S3 kept for third parties' numbers; erasure where the law
allows, refused with the reason where a record must be kept."""

import base64
import json

import pytest

from vaxel.messaging.services import message_take
from vaxel.records.errors import RecordNotFound, RequestSubjectMissing
from vaxel.records.exports import records_export
from vaxel.records.services import erasure_request, hold_place, message_classify
from vaxel.records.tests.conftest import CALLER, exists, taken
from vaxel.telephony.models import Call
from vaxel.testing import ANNA_SECRET_MOBILE, vaxel_cli


def _from_anna_to_bjorn():
    return message_take(
        subject="Ring mig om ritningen",
        caller_name="Anna Sjöberg",
        caller_number=ANNA_SECRET_MOBILE,
        for_person="bjorn.aberg@example.se",
    )


def test_s3_a_private_mobile_never_leaves_in_an_export_about_someone_else(town, data_dir):
    _from_anna_to_bjorn()
    about_bjorn = json.dumps(records_export(person="bjorn.aberg@example.se"))
    assert ANNA_SECRET_MOBILE not in about_bjorn and "Ring mig om ritningen" in about_bjorn
    about_anna = records_export(person="anna.sjoberg@example.se")
    assert about_anna["messages_left"][0]["caller_number"] == ANNA_SECRET_MOBILE  # her own number
    assert {n["number"] for n in about_anna["directory"]["numbers"]} >= {ANNA_SECRET_MOBILE}


def test_a_callers_export_holds_their_messages_calls_and_their_own_voice(town, data_dir):
    message = taken(days_ago=1, step=None, recording=b"RIFF-the-callers-voice")
    Call.objects.create(external_id="x1", driver="test", caller=CALLER, called="+46370331000", state="ended")
    document = records_export(caller="036-1234567")
    assert document["subject"] == {"caller": CALLER}
    assert [m["reference"] for m in document["messages_left"]] == [message.reference]
    assert [c["id"] for c in document["calls"]] == ["x1"]
    recording = document["voicemail_recordings"][0]
    assert base64.b64decode(recording["wav_base64"]) == b"RIFF-the-callers-voice"
    assert document["messages_left"][0]["classification"] == "temporary"


def test_an_export_needs_exactly_one_subject_and_an_unknown_person_is_said_so(town):
    with pytest.raises(RequestSubjectMissing):
        records_export()
    with pytest.raises(RecordNotFound):
        records_export(person="nobody@example.se")


def test_erasure_removes_what_it_may_and_refuses_public_records_holds_and_open_callbacks(town, data_dir):
    handled = taken(days_ago=10)
    public = taken(days_ago=10)
    message_classify(reference=public.reference, classification="public_record")
    held = taken(days_ago=10)
    hold_place(message=held.reference, reason="complaint", note="Klagomål 2026-11")
    open_callback = taken(days_ago=1, step=None)
    Call.objects.create(external_id="x2", driver="test", caller=CALLER, called="+46370331000", state="ended")
    dry = erasure_request(caller=CALLER, dry_run=True)
    assert dry.erased["messages"] == 1 and exists(handled)
    result = erasure_request(caller=CALLER)
    assert not exists(handled) and exists(public) and exists(held) and exists(open_callback)
    reasons = {r["record"]: r["reason"] for r in result.refused}
    assert "arkivlagen" in reasons[public.reference]
    assert "lifted" in reasons[held.reference] or "hävs" in reasons[held.reference]
    assert open_callback.reference in reasons
    assert Call.objects.get(external_id="x2").caller.startswith("#")


def test_an_employees_erasure_keeps_the_directory_and_says_why(town, data_dir):
    result = erasure_request(person="anna.sjoberg@example.se")
    assert "17.3" in result.refused[0]["reason"]


def test_cli_export_writes_one_json_file_and_bad_input_writes_nothing(town, data_dir, capsys, tmp_path):
    target = tmp_path / "begaran.json"
    code, _out, _err = vaxel_cli(
        capsys, "records", "export", "--caller", "036-1234567", "--output", str(target)
    )
    assert code == 0 and json.loads(target.read_text())["subject"] == {"caller": CALLER}
    code, _out, err = vaxel_cli(capsys, "records", "export", "--caller", "inte-ett-nummer")
    assert code == 1 and err.startswith("vaxel:") and err[-1] == "\n" and err.count("\n") == 1
    code, _out, err = vaxel_cli(
        capsys, "records", "export", "--person", "x@example.se", "--output", "/nonexistent/x.json"
    )
    assert code == 1 and err.startswith("vaxel:")


def test_a_callers_own_hold_refuses_their_erasure_with_the_reason(town, data_dir):
    handled = taken(days_ago=10)
    Call.objects.create(external_id="x3", driver="test", caller=CALLER, called="+46370331000", state="ended")
    hold_place(caller=CALLER, reason="legal_matter", note="Mål T 77-26")
    result = erasure_request(caller=CALLER)
    assert exists(handled) and Call.objects.get(external_id="x3").caller == CALLER
    assert result.erased == {"messages": 0, "calls": 0, "call_events": 0}
    assert {r["record"] for r in result.refused} >= {handled.reference}
