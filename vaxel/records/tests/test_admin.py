"""The records officer in the Django admin: the rules are there from the first visit,
a hold is placed with who placed it and lifted (never deleted), the log is read only."""

from vaxel.records.constants import RecordKind
from vaxel.records.models import Hold, RetentionRule
from vaxel.records.services import thinning_run
from vaxel.records.tests.conftest import taken
from vaxel.testing import PASSWORD


def _admin(client, logins):
    client.login(username=logins["administrator"].username, password=PASSWORD)
    return client


def test_the_rules_are_made_from_the_defaults_on_the_first_visit(client, logins):
    answer = _admin(client, logins).get("/admin/records/retentionrule/")
    assert answer.status_code == 200
    assert RetentionRule.objects.count() == len(RecordKind.values)
    assert "uppringarnas nummer i samtalsposter" in answer.content.decode()


def test_a_hold_placed_in_the_admin_says_who_and_is_lifted_not_deleted(client, logins, data_dir):
    message = taken(days_ago=3)
    admin = _admin(client, logins)
    answer = admin.post(
        "/admin/records/hold/add/",
        {"scope": "message", "message": message.pk, "reason": "complaint", "note": "Klagomål 2026/9"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    hold = Hold.objects.get()
    assert hold.placed_by == logins["administrator"] and hold.reference == message.reference
    admin.post("/admin/records/hold/", {"action": "lift", "_selected_action": [hold.pk]})
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by_name
    assert admin.get(f"/admin/records/hold/{hold.pk}/delete/").status_code == 403


def test_the_thinning_log_is_read_only(client, logins, data_dir):
    run = thinning_run().run
    admin = _admin(client, logins)
    assert admin.get(f"/admin/records/thinningrun/{run.pk}/change/").status_code == 200
    assert admin.post(f"/admin/records/thinningrun/{run.pk}/delete/").status_code == 403
    assert admin.get("/admin/records/thinningrun/add/").status_code == 403


def test_a_hold_that_does_not_say_what_it_covers_is_refused_and_nothing_written(client, logins):
    answer = _admin(client, logins).post(
        "/admin/records/hold/add/", {"scope": "period", "reason": "legal_matter", "note": "Mål T 1-26"}
    )
    assert answer.status_code == 200 and "Ange vad spärren omfattar" in answer.content.decode()
    assert not Hold.objects.exists()


def test_s3_a_held_private_mobile_is_not_shown_in_the_admin_nor_the_command_line(client, logins, capsys):
    from vaxel.records.services import hold_place
    from vaxel.testing import ANNA_SECRET_MOBILE, vaxel_cli

    hold = hold_place(caller=ANNA_SECRET_MOBILE, reason="complaint", note="Klagomål")
    admin = _admin(client, logins)
    for page in ("/admin/records/hold/", f"/admin/records/hold/{hold.pk}/change/"):
        answer = admin.get(page)
        assert answer.status_code == 200 and "701234567" not in answer.content.decode().replace(" ", "")
    _code, out, _err = vaxel_cli(capsys, "records", "hold", "list")
    assert "701234567" not in out.replace(" ", "")
