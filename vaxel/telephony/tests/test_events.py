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
