"""The managers' weekly e-mails over real SMTP: a missed service level with its figures
and chart (C2), and the compliance summary."""

from datetime import datetime

from vaxel.compliance.services import weekly_reports_send
from vaxel.core.time import STOCKHOLM
from vaxel.servicelevels.services import service_level_set

MONDAY_7 = datetime(2026, 11, 30, 7, 5, tzinfo=STOCKHOLM)


def test_c2_a_missed_week_e_mails_the_manager_the_figures_and_the_chart(
    tuesday, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_reports_send(at=MONDAY_7) == 2  # Bygglov's miss, Anna's summary
    by_subject = {email["Subject"]: (to, email) for to, email in smtp.inbox.received}
    assert set(by_subject) == {
        "Servicenivån missades vecka 48: Bygglov",
        "Telefonrutinen vecka 48: 3 avvikelser",
    }
    to, missed = by_subject["Servicenivån missades vecka 48: Bygglov"]
    assert to == ["anna.sjoberg@example.se"]
    text = missed.get_body(("plain",)).get_content()
    assert "Besvarade i tid: 33,3 % — MISSAT" in text and "Inkommande samtal: 4" in text
    html = missed.get_body(("html",)).get_content()
    [chart] = [part for part in missed.walk() if part.get_content_type() == "image/png"]
    assert chart.get_payload(decode=True).startswith(b"\x89PNG")
    assert f'src="cid:{chart["Content-ID"].strip("<>")}"' in html
    _to, summary = by_subject["Telefonrutinen vecka 48: 3 avvikelser"]
    body = summary.get_body(("plain",)).get_content()
    assert "vecka 48 (2026-11-23 – 2026-11-29)" in body and "W4 Bygglov, Anna Sjöberg" in body


def test_c2_a_week_that_met_its_target_sends_only_the_summary_and_only_once(
    tuesday, smtp, django_capture_on_commit_callbacks
):
    service_level_set(unit=tuesday.unit, answer_within_seconds=60, answer_share_percent=50)
    assert weekly_reports_send(at=MONDAY_7.replace(hour=6)) is None  # not yet
    assert weekly_reports_send(at=MONDAY_7.replace(day=29)) is None  # Sunday
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_reports_send(at=MONDAY_7) == 1
    assert weekly_reports_send(at=MONDAY_7.replace(hour=9)) is None  # sent already this week
    # Bygglov now has a service level of its own, so that finding (C2) is gone too.
    assert [email["Subject"] for _to, email in smtp.inbox.received] == [
        "Telefonrutinen vecka 48: 2 avvikelser"
    ]
