"""W1: a work mobile reported lost or stolen in one step: recorded, the blockers e-mailed
over real SMTP with number, ICCID and IMEI, the manager told without digits, and no call
routed to it (the routing decision and the PBX endpoint's answer) until found or replaced."""

import json
import time
from datetime import timedelta

import pytest

from vaxel.access.services import token_create
from vaxel.audit.models import Change
from vaxel.core.errors import VaxelError
from vaxel.core.time import now
from vaxel.directory.models import PhoneNumber
from vaxel.mobiles.models import LossChannel, LossOutcome, LossReport
from vaxel.mobiles.services import mobile_replaced, mobile_report_lost
from vaxel.mobiles.tests.conftest import DANA_ICCID, DANA_IMEI, DANA_MOBILE, shows_dana
from vaxel.routing.selectors import route_now
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.testing import GROUP_NUMBER, PASSWORD, SWITCHBOARD, vaxel_cli

pytestmark = pytest.mark.clock("2026-12-01T10:00")  # a Tuesday, the switchboard open


def _ringing(decision) -> list[str | None]:
    return [d.number for d in decision.destinations]


def _pbx(client, to):
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    response = client.get("/pbx/route/", {"to": to, "gw": "10.0.0.5"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    return json.loads(response.content)


def _soon(check, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.django_db(transaction=True)  # committed: other processes hear of it (NOTIFY on PostgreSQL)
def test_w1_a_lost_phone_reported_on_my_page_stops_its_calls_end_to_end(
    client, logins, mobiles, dana_login, smtp, django_capture_on_commit_callbacks
):
    # Before: Dana (no direct number) is rung on her work mobile, alone and in the group.
    assert _ringing(route_now(called=DANA_MOBILE, calling=None, at=now())) == [DANA_MOBILE]
    assert DANA_MOBILE in _ringing(route_now(called=GROUP_NUMBER, calling=None, at=now()))
    assert f"<sip:{DANA_MOBILE}@10.0.0.5>" in _pbx(client, GROUP_NUMBER)["contact"]

    client.login(username="dana", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/min-sida/mobil/", {"action": "lost", "kind": "stolen", "how": "Ur bilen vid Coop"}
        )
    assert answer.status_code == 302
    report = LossReport.objects.get()
    assert report.kind == "stolen" and report.channel == LossChannel.SELF and report.blockers_notified_at

    # The routing decision: her number is out of service; the group rings the others.
    alone = route_now(called=DANA_MOBILE, calling=None, at=now())
    assert alone.action == "queue" and "mobile_out_of_service" in alone.flags
    assert DANA_MOBILE not in _ringing(alone)
    group = route_now(called=GROUP_NUMBER, calling=None, at=now())
    assert DANA_MOBILE not in _ringing(group) and group.destinations
    # The PBX endpoint's answer (Kamailio's): its cached snapshot is dropped by the change,
    # at once in one process, within milliseconds through PostgreSQL's NOTIFY.
    assert _soon(lambda: DANA_MOBILE not in _pbx(client, GROUP_NUMBER)["contact"])
    assert DANA_MOBILE not in _pbx(client, DANA_MOBILE)["contact"]

    # The e-mails, over real SMTP: the blockers get the digits, the manager none.
    received = {tuple(to): message for to, message in smtp.inbox.received}
    block = received[("foretag@operator.example", "it-servicedesk@example.se")]
    text = block.get_body(("plain",)).get_content()
    assert "070-555 00 01" in text and DANA_ICCID in text and DANA_IMEI in text and "Fairphone 5" in text
    assert "Ur bilen vid Coop" in text and f"ärende {report.pk}" in block["Subject"].lower()
    manager = received[("anna.sjoberg@example.se",)].get_body(("plain",)).get_content()
    assert "Dana Ek" in manager and not shows_dana(manager)

    # The change log has the chain, and never her digits (she has not consented, S3).
    summaries = list(Change.objects.filter(entity="work_mobile").values_list("summary", "after"))
    assert any("stulen" in summary for summary, _after in summaries)
    assert not shows_dana(json.dumps([list(s) for s in summaries], ensure_ascii=False))

    # Found: calls reach her again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/min-sida/mobil/", {"action": "found"})
    assert LossReport.objects.get().outcome == LossOutcome.FOUND
    assert _ringing(route_now(called=DANA_MOBILE, calling=None, at=now())) == [DANA_MOBILE]
    assert _soon(lambda: f"<sip:{DANA_MOBILE}@10.0.0.5>" in _pbx(client, GROUP_NUMBER)["contact"])
    assert len(smtp.inbox.received) == 3  # blockers, manager, then blockers again (lift the block)


def test_w1_the_switchboard_reports_for_a_caller_and_replacement_records_the_new_sim(client, logins, mobiles):
    client.login(username="operator", password=PASSWORD)
    page = client.post(
        "/mobiler/borttappad/", {"email": "dana.ek@example.se", "kind": "lost", "how": "I bussen"}
    )
    assert page.status_code == 200 and "Ärende" in page.content.decode()
    report = LossReport.objects.get()
    assert report.channel == LossChannel.OPERATOR and report.reported_by.username == "operator"
    again = client.post("/mobiler/borttappad/", {"email": "Dana Ek", "kind": "lost"})  # by name
    assert again.status_code == 400 and "redan anmäld" in again.content.decode()

    replaced = mobile_replaced(subscription=mobiles.dana, iccid="8946 0100 0000 0000 0033")
    mobiles.dana.refresh_from_db()
    assert mobiles.dana.iccid == "89460100000000000033" and replaced.outcome == LossOutcome.REPLACED
    assert DANA_ICCID in replaced.resolution_note
    assert _ringing(route_now(called=DANA_MOBILE, calling=None, at=now())) == [DANA_MOBILE]


def test_w1_after_hours_a_lost_number_goes_to_voicemail(mobiles, clock):
    mobile_report_lost(subscription=mobiles.dana, kind="lost", channel=LossChannel.ADMINISTRATION)
    clock.move_to(now() + timedelta(hours=10))  # 20:00
    decision = route_now(called=DANA_MOBILE, calling=None, at=now())
    assert decision.action == "voicemail" and "mobile_out_of_service" in decision.flags


def test_w1_bad_lost_reports_are_refused_and_write_nothing(client, capsys, logins, mobiles):
    code, _out, err = vaxel_cli(capsys, "mobile", "lost", "070-9999999")
    assert code == 1 and "inte en tjänstemobil i registret" in err
    code, _out, err = vaxel_cli(capsys, "mobile", "lost", "cecilia.ost@example.se")
    assert code == 1 and "Cecilia Öst har ingen tjänstemobil" in err
    future = (now() + timedelta(days=1)).isoformat()
    code, _out, err = vaxel_cli(capsys, "mobile", "lost", DANA_MOBILE, "--when", future)
    assert code == 1 and "framtiden" in err
    assert not LossReport.objects.exists()
    client.login(username="bjorn", password=PASSWORD)
    assert client.post("/min-sida/mobil/", {"action": "lost", "kind": "eaten"}).status_code == 400
    assert client.post("/min-sida/mobil/", {"action": "found"}).status_code == 400  # not lost
    client.login(username="anna", password=PASSWORD)  # a manager, not the switchboard
    assert client.post("/mobiler/borttappad/", {"email": "dana.ek@example.se"}).status_code == 403
    assert not LossReport.objects.exists()


def test_w1_the_cli_reports_confirms_the_block_and_finds(capsys, mobiles):
    code, _out, _err = vaxel_cli(
        capsys, "mobile", "lost", "dana.ek@example.se", "--kind", "stolen", "--for-caller"
    )
    assert code == 0
    case = LossReport.objects.get()
    assert case.channel == LossChannel.OPERATOR
    assert vaxel_cli(capsys, "mobile", "blocked", str(case.pk), "--note", "Telia 123")[0] == 0
    case.refresh_from_db()
    assert case.blocked_at is not None and case.blocked_note == "Telia 123"
    assert vaxel_cli(capsys, "mobile", "found", DANA_ICCID)[0] == 0
    assert LossReport.objects.get().outcome == LossOutcome.FOUND


def test_w1_the_switchboard_cannot_put_a_call_through_to_a_lost_mobile(logins, mobiles):
    call = call_arrive(caller="036-123456", called=SWITCHBOARD)
    call_answer(call_id=call.pk, actor=logins["operator"])
    mobile_report_lost(subscription=mobiles.dana, kind="lost", channel=LossChannel.OPERATOR)
    with pytest.raises(VaxelError, match="borttappad eller stulen"):
        call_put_through(
            call_id=call.pk, number_id=PhoneNumber.objects.get(e164=DANA_MOBILE).pk, actor=logins["operator"]
        )
