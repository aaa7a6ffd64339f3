"""W2: the operator's usage specification imported (a column mapping with presets) and
unusual use found per subscription and month: premium-rate numbers, roaming outside the
EU/EEA, much use outside working hours, a month far above the usual. The people called
are nobody's business: their numbers are kept masked; premium numbers are shown."""

from datetime import date

import pytest

from vaxel.compliance.selectors import compliance_report
from vaxel.core.errors import VaxelError
from vaxel.mobiles import misuse
from vaxel.mobiles.imports import usage_import
from vaxel.mobiles.models import Anomaly, UsageImport, UsageMonth, UsageRecord
from vaxel.mobiles.selectors import anomaly_report
from vaxel.mobiles.tests.conftest import shows_dana
from vaxel.testing import PASSWORD, vaxel_cli

TELIA = "Anknytning;Datum;Klockslag;Tjänst;Till nummer;Samtalstid;Volym (kB);Belopp;Land;Moms\n"
DANA = "070-555 00 01"


def line(day: str, clock: str, kind="Samtal", to="0701234567", seconds="0:02:05", kb="", kr="1,50", land=""):
    return f"{DANA};{day};{clock};{kind};{to};{seconds};{kb};{kr};{land};0\n"


def normal_month(month: int) -> str:
    return "".join(line(f"2026-{month:02d}-{day:02d}", "10:15", kr="10,00") for day in range(2, 12))


def unusual_november() -> str:
    rows = [
        line("2026-11-03", "11:00", to="0900-123 45 67", kr="45,00"),
        line("2026-11-03", "11:05", kind="SMS", to="72550", seconds="", kr="50,00"),
        line("2026-11-04", "09:00", to="+41 44 668 18 00", land="Schweiz", kr="900,00"),
        line("2026-11-05", "09:00", land="NO"),  # Norway is in the EEA: no roaming anomaly
        line("2026-11-06", "12:00", kind="Data", to="", seconds="", kb="20480", land="CH", kr="1100,00"),
    ]
    rows += [line(f"2026-11-{day:02d}", "21:30") for day in range(7, 30)]  # evenings and weekends
    return "".join(rows)


def usage(months=(8, 9, 10), november=True) -> bytes:
    return (
        TELIA + "".join(normal_month(m) for m in months) + (unusual_november() if november else "")
    ).encode()


def test_w2_unusual_use_is_found_per_subscription_and_month(mobiles):
    result = usage_import(data=usage(), file_name="telia-2026.csv", preset="telia")
    assert result.rows == 30 + 28 and result.months == ["2026-08", "2026-09", "2026-10", "2026-11"]
    found = {a.kind: a.detail for a in Anomaly.objects.filter(subscription=mobiles.dana)}
    assert set(found) == {"premium", "roaming", "outside_hours", "above_usual"}
    assert "0900-1234567" in found["premium"] and "72550" in found["premium"]
    assert "CH" in found["roaming"] and "NO" not in found["roaming"]
    assert "23 av 27 samtal och meddelanden utanför arbetstid" in found["outside_hours"]
    assert "gånger en vanlig månad" in found["above_usual"]
    assert Anomaly.objects.filter(month=date(2026, 11, 1)).count() == 4  # the usual months are usual
    november = UsageMonth.objects.get(subscription=mobiles.dana, month=date(2026, 11, 1))
    assert november.premium == 2 and november.roaming == 2 and november.roaming_countries == "CH"
    # Private numbers are kept masked; premium numbers in full.
    kept = set(UsageRecord.objects.values_list("counterpart", flat=True))
    assert "070-•••••••" in kept and "0701234567" not in kept and "0900-1234567" in kept
    assert "+41 •••" in kept


def test_w2_managers_see_their_units_employees_their_own_and_review(client, logins, mobiles, dana_login):
    usage_import(data=usage(), file_name="telia-2026.csv", preset="telia")
    assert {r["holder"] for r in anomaly_report(unit_ids={mobiles.dana_person.unit_id})} == {"Dana Ek"}
    assert anomaly_report(unit_ids={logins["manager"].person.unit_id + 1000}) == []
    client.login(username="dana", password=PASSWORD)
    page = client.get("/min-sida/mobil/").content.decode()
    assert "betalnummer" in page and "0900-1234567" in page and "Rutinen för tjänstemobiler" in page
    assert "handsfree (W3)" in page and "Testby kommun" in page
    client.login(username="bjorn", password=PASSWORD)
    assert "0900" not in client.get("/min-sida/mobil/").content.decode()  # not his

    rules = {f.rule for f in compliance_report(first=date(2026, 11, 1), last=date(2026, 11, 30))}
    assert "W2" in rules
    client.login(username="anna", password=PASSWORD)
    page = client.get("/mobiler/").content.decode()
    assert "0701234567" not in page and "0900-1234567" in page
    for anomaly in Anomaly.objects.all():
        answer = client.post("/mobiler/", {"action": "review", "anomaly": anomaly.pk, "note": "Tjänsteresa"})
        assert answer.status_code == 302
    assert not [
        f for f in compliance_report(first=date(2026, 11, 1), last=date(2026, 11, 30)) if f.rule == "W2"
    ]
    assert client.post("/mobiler/", {"action": "review", "anomaly": anomaly.pk}).status_code == 400  # done


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Anknytning;Datum;Klockslag;Favoritfärg\n".encode(), "Favoritfärg"),
        (TELIA.encode() + line("2026-11-31", "10:00").encode(), "rad 2: "),
        (TELIA.encode() + line("2026-11-03", "10:00").replace(DANA, "070-999 99 99").encode(), "rad 2: '070"),
        (TELIA.encode() + line("2026-11-03", "10:00", kind="Brevduva").encode(), "Brevduva"),
        (TELIA.encode() + line("2026-11-03", "10:00", land="Narnia").encode(), "Narnia"),
        (TELIA.encode() + line("2026-11-03", "10:00", seconds="-5").encode(), "under noll"),
        (TELIA.encode(), "inga trafikrader"),
    ],
)
def test_w2_a_bad_specification_names_the_row_and_writes_nothing(mobiles, data, message):
    with pytest.raises(VaxelError, match=message):
        usage_import(data=data, file_name="x.csv", preset="telia")
    assert not UsageRecord.objects.exists() and not UsageImport.objects.exists()


def test_w2_the_same_file_twice_and_the_command_line_with_a_mapping(capsys, mobiles, tmp_path):
    path = tmp_path / "spec.csv"
    text = "Nr,När,Typ,Till\n" + "".join(
        f"46705550001,2026-11-{d:02d}T10:00,SMS,72550\n" for d in range(2, 5)
    )  # MSISDNs, as operators write them
    path.write_bytes(text.encode("cp1252"))
    code, out, _err = vaxel_cli(
        capsys,
        "mobile",
        "usage",
        "import",
        str(path),
        "--columns",
        "number=Nr,at=När,kind=Typ,counterpart=Till",
    )
    assert code == 0 and "3 rader" in out
    code, _out, err = vaxel_cli(
        capsys, "mobile", "usage", "import", str(path), "--columns", "number=Nr,at=När"
    )
    assert code == 1 and "importerades redan" in err
    assert vaxel_cli(capsys, "mobile", "usage", "import", str(path))[0] == 1  # say how the columns are named
    code, out, _err = vaxel_cli(capsys, "mobile", "usage", "report", "--format", "csv")
    assert "premium" in out and "72550" in out and not shows_dana(out)  # her number is not consented


@pytest.mark.parametrize(
    ("number", "message", "premium"),
    [("0900123456", False, True), ("0939123456", False, True), ("0944123456", False, True),
     ("099123456", False, True), ("72550", True, True), ("71123", True, True), ("72550", False, False),
     ("0701234567", False, False), ("112", False, False), ("0370331000", False, False)],
)  # fmt: skip
def test_w2_premium_rate_numbers_are_recognised(number, message, premium):
    assert misuse.is_premium(number, message=message) is premium


def test_w2_roaming_and_the_usual_level():
    assert not misuse.roaming_outside_eea("NO") and not misuse.roaming_outside_eea("AX")
    assert misuse.roaming_outside_eea("CH") and misuse.roaming_outside_eea("GB")
    assert misuse.country_code("Storbritannien") == "GB" and misuse.country_code("Atlantis") is None
    assert misuse.far_above_usual(90_000, [10_000, 12_000, 9_000], by_cost=True) == pytest.approx(9.0)
    assert misuse.far_above_usual(25_000, [10_000, 12_000, 9_000], by_cost=True) is None
    assert misuse.far_above_usual(90_000, [10_000, 12_000], by_cost=True) is None  # too little history
    assert misuse.national("+46 70-123 45 67") == "0701234567" and misuse.national("0046900123") == "0900123"
