"""Call events from the telephone system: stored once however often they come, checked
before anything is stored, also from a call-detail CSV file."""

from rest_framework.test import APIClient

from vaxel.cli import main
from vaxel.telephony.models import CallEvent

EVENTS = [
    {
        "id": "e1",
        "call_id": "c1",
        "event": "arrived",
        "at": "2026-12-01T10:00:00+01:00",
        "called": "0370-331001",
    },
    {
        "id": "e2",
        "call_id": "c1",
        "event": "answered",
        "at": "2026-12-01T10:00:07+01:00",
        "answered_by": "anna",
    },
    {"call_id": "c1", "event": "ended", "at": "2026-12-01T10:03:00+01:00", "called": "0370-331001"},
]


def client_with(admin_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    return client


def test_a_repeated_event_is_not_counted_twice(admin_token):
    client = client_with(admin_token)
    first = client.post("/api/v1/call-events/", {"events": EVENTS}, format="json")
    assert first.status_code == 201 and first.json() == {"stored": 3, "duplicates": 0}
    again = client.post("/api/v1/call-events/", {"events": EVENTS}, format="json")  # a retry after a timeout
    assert again.json() == {"stored": 0, "duplicates": 3}
    assert CallEvent.objects.count() == 3
    assert CallEvent.objects.get(event_id="e1").called == "+46370331001"


def test_one_bad_event_stores_none_and_says_which(admin_token):
    bad = [*EVENTS[:2], {"call_id": "c2", "event": "arrived", "at": "i går", "called": "0370-331001"}]
    answer = client_with(admin_token).post("/api/v1/call-events/", {"events": bad}, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["details"]["index"] == 2
    answer = client_with(admin_token).post(
        "/api/v1/call-events/", {"events": [{**EVENTS[0], "called": "inget nummer"}]}, format="json"
    )
    assert answer.status_code == 400
    assert not CallEvent.objects.exists()


def test_a_call_detail_file_is_imported_once(db, tmp_path, capsys):
    cdr = tmp_path / "cdr.csv"
    cdr.write_text(
        "id,call_id,event,at,called,calling,answered_by,transferred_to\n"
        "r1,c9,arrived,2026-12-01T10:00,0370-331001,070-1234567,,\n"
        "r2,c9,abandoned,2026-12-01T10:01,0370-331001,070-1234567,,\n"
    )
    assert main(["call-events", "import", str(cdr)]) == 0
    assert main(["call-events", "import", str(cdr)]) == 0
    assert "0 events stored, 2 already there" in capsys.readouterr().out
    assert CallEvent.objects.count() == 2


def test_a_call_detail_file_with_a_bad_row_imports_nothing_unless_asked(db, tmp_path, capsys):
    cdr = tmp_path / "cdr.csv"
    cdr.write_text("call_id,event,at\nc1,arrived,2026-12-01T10:00\nc1,rang,2026-12-01T10:01\n")
    assert main(["call-events", "import", str(cdr)]) == 1
    assert "rad 3" in capsys.readouterr().err and not CallEvent.objects.exists()
    assert main(["call-events", "import", str(cdr), "--skip-bad"]) == 0
    assert CallEvent.objects.count() == 1


def test_security_a_call_id_that_would_break_a_sip_header_is_refused_at_the_edge(admin_token, town):
    """Identifiers that travel into SIP headers (the sip driver's Call-ID) hold only what
    a Call-ID may hold; nothing is stored when one does not."""
    from vaxel.telephony.models import Call
    from vaxel.testing import SWITCHBOARD

    client = client_with(admin_token)
    for hostile in ("c1\r\nRefer-To: <sip:+46701234567@evil>", "c1\nX: y", "c 1", "<c1>", "x" * 201):
        answer = client.post("/api/v1/calls/", {"id": hostile, "called": SWITCHBOARD}, format="json")
        assert answer.status_code == 400, hostile
        assert answer.json()["error"]["id"] in ("invalid_identifier", "invalid_input"), answer.json()
        event = {**EVENTS[0], "call_id": hostile}
        assert client.post("/api/v1/call-events/", [event], format="json").status_code == 400
        event = {**EVENTS[0], "id": hostile}
        assert client.post("/api/v1/call-events/", [event], format="json").status_code == 400
    assert not Call.objects.exists() and not CallEvent.objects.exists()
    ordinary = "a84b4c76e66710@pbx.testby.se"
    assert (
        client.post("/api/v1/calls/", {"id": ordinary, "called": SWITCHBOARD}, format="json").status_code
        == 201
    )


def test_a_call_detail_file_in_windows_1252_or_with_a_bom_is_read(db, tmp_path, capsys):
    rows = "call_id,event,at,answered_by\nc1,answered,2026-12-01T10:00,Åsa Öberg\n"
    for name, data in [("bom.csv", b"\xef\xbb\xbf" + rows.encode()), ("ansi.csv", rows.encode("cp1252"))]:
        (tmp_path / name).write_bytes(data)
        assert main(["call-events", "import", str(tmp_path / name)]) == 0
    assert CallEvent.objects.get().answered_by == "Åsa Öberg"  # the same event, read alike


def test_a_file_missing_binary_or_with_nul_is_refused_with_a_reason(db, tmp_path, capsys):
    (tmp_path / "nul.csv").write_bytes(b"call_id,event,at\nc1,arrived,2026-12-01T10:00\nc\x002,arrived,x\n")
    (tmp_path / "bild.png").write_bytes(bytes(range(256)) * 4)
    for path in [tmp_path / "saknas.csv", tmp_path / "nul.csv", tmp_path / "bild.png"]:
        assert main(["call-events", "import", str(path)]) == 1
        error = capsys.readouterr().err
        assert error.startswith("vaxel: ") and "Traceback" not in error
    assert not CallEvent.objects.exists()


def test_an_unclosed_quote_or_a_row_with_too_many_fields_is_reported_by_line(db, tmp_path, capsys):
    cdr = tmp_path / "cdr.csv"
    cdr.write_text(
        "call_id,event,at\n"
        'c1,arrived,"2026-12-01T10:00\n'  # the quote swallows the rows after it
        "c2,arrived,2026-12-01T10:01\n"
    )
    assert main(["call-events", "import", str(cdr)]) == 1
    assert "rad 2" in capsys.readouterr().err and not CallEvent.objects.exists()
    cdr.write_text("call_id,event,at\nc1,arrived,2026-12-01T10:00\nc2,arrived,2026-12-01T10:01,extra\n")
    assert main(["call-events", "import", str(cdr)]) == 1
    assert "rad 3" in capsys.readouterr().err and not CallEvent.objects.exists()
    assert main(["call-events", "import", str(cdr), "--skip-bad"]) == 0
    assert CallEvent.objects.count() == 1


def test_a_time_at_the_edge_of_the_calendar_is_refused_not_a_crash(admin_token, db, tmp_path, capsys):
    edge = "0001-01-01T00:00:00+14:00"
    cdr = tmp_path / "cdr.csv"
    cdr.write_text(f"call_id,event,at\nc1,arrived,{edge}\n")
    assert main(["call-events", "import", str(cdr)]) == 1
    assert "rad 2" in capsys.readouterr().err
    answer = client_with(admin_token).get("/api/v1/opening-hours/", {"at": edge})
    assert answer.status_code == 400 and answer.json()["error"]["id"] == "time_out_of_range"


def test_the_command_line_on_a_database_not_migrated_says_to_migrate(tmp_path, capsys, settings):
    import subprocess
    import sys
    from pathlib import Path

    env = {"VAXEL_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    (tmp_path / "cdr.csv").write_text("call_id,event,at\nc1,arrived,2026-12-01T10:00\n")
    vaxel = str(Path(sys.executable).with_name("vaxel"))
    done = subprocess.run(
        [vaxel, "call-events", "import", str(tmp_path / "cdr.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "vaxel migrate" in done.stderr and "Traceback" not in done.stderr
