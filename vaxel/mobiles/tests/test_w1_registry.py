"""W1: the registry of work mobiles: device, subscription, holder with history; the
number is the holder's directory mobile (E1) and its consent stays theirs (S3); the
operator's subscription list imported all or nothing."""

import io

import pytest
from openpyxl import Workbook

from vaxel.audit.models import Change
from vaxel.core.errors import VaxelError
from vaxel.directory.models import NumberKind, PhoneNumber
from vaxel.mobiles.imports import subscriptions_import
from vaxel.mobiles.models import Assignment, Subscription
from vaxel.mobiles.services import mobile_hand_out, mobile_return, subscription_add
from vaxel.mobiles.tests.conftest import DANA_MOBILE, shows_dana
from vaxel.testing import ANNA_DIRECT, PASSWORD, vaxel_cli

ICCID = "89460100000000000041"


def test_w1_a_mobile_handed_out_becomes_the_holders_directory_mobile_without_consent(mobiles, town):
    number = PhoneNumber.objects.get(e164=DANA_MOBILE)
    assert number.kind == NumberKind.MOBILE and number.person == mobiles.dana_person
    assert not number.disclosure_consent  # the owner's to give (S3)
    assert PhoneNumber.objects.get(e164="+46702345678").disclosure_consent  # Björn's consent kept
    mobile_return(subscription=mobiles.dana)
    assert not PhoneNumber.objects.filter(e164=DANA_MOBILE).exists()
    assert Assignment.objects.get(subscription=mobiles.dana).returned_at is not None
    history = list(mobiles.dana.assignments.values_list("person__name", flat=True))
    assert history == ["Dana Ek"]
    changes = list(Change.objects.filter(entity="work_mobile").values_list("summary", flat=True))
    assert any("utlämnad till Dana Ek" in c for c in changes) and any(
        "lämnade tillbaka" in c for c in changes
    )


def test_w1_one_number_one_owner(mobiles, town):
    with pytest.raises(VaxelError, match="redan ett annat mobilnummer"):
        subscription = subscription_add(number="070-5550002", operator="Tele2", iccid=ICCID)
        mobile_hand_out(subscription=subscription, person=town.anna)  # she has a private mobile
    with pytest.raises(VaxelError, match="inte ett mobilnummer"):
        subscription_add(number="0370-331001", operator="Tele2", iccid=ICCID)
    cecilias = subscription_add(number="073-3456789", operator="Tele2", iccid="89460100000000000090")
    mobile_return(subscription=mobiles.dana)
    with pytest.raises(VaxelError, match="Det numret tillhör redan Cecilia Öst"):  # her private mobile
        mobile_hand_out(subscription=cecilias, person=mobiles.dana_person)
    mobile_hand_out(subscription=mobiles.dana, person=mobiles.dana_person)
    with pytest.raises(VaxelError, match="innehas av Dana Ek"):
        mobile_hand_out(subscription=mobiles.dana, person=town.cecilia)
    with pytest.raises(VaxelError, match="inget giltigt telefonnummer"):
        subscription_add(number="inte ett nummer", operator="Telia", iccid=ICCID)
    with pytest.raises(VaxelError, match="inget ICCID"):
        subscription_add(number="070-5550003", operator="Telia", iccid="12345")
    with pytest.raises(VaxelError, match="inget IMEI"):
        subscription_add(number="070-5550003", operator="Telia", iccid=ICCID, imei="490154203237519")
    assert ANNA_DIRECT not in Subscription.objects.values_list("number", flat=True)


CSV_HEADER = "Mobilnummer;ICCID;Operatör;Kostnadsställe;IMEI;Modell;E-post\n"


def test_w1_the_subscription_list_is_imported_from_csv_in_windows_1252(mobiles, town):
    rows = "073-9990001;89460100000000000058;Telia;Bygglov 4711;356938035643809;Samsung Galaxy A55;\n"
    rows += "073-9990002;89460100000000000066;Telia;Skolskjuts;;;cecilia.ost@example.se\n"
    with pytest.raises(VaxelError, match="redan ett annat mobilnummer"):  # Cecilia has a private mobile
        subscriptions_import(data=(CSV_HEADER + rows).encode("cp1252"))
    PhoneNumber.objects.filter(person=town.cecilia, kind=NumberKind.MOBILE).delete()
    dry = subscriptions_import(data=(CSV_HEADER + rows).encode("cp1252"), dry_run=True)
    assert (dry.created, dry.handed_out, dry.dry_run) == (2, 1, True)
    assert Subscription.objects.count() == 2  # the dry run wrote nothing
    result = subscriptions_import(data=(CSV_HEADER + rows).encode("cp1252"))
    assert (result.created, result.updated, result.handed_out) == (2, 0, 1)
    imported = Subscription.objects.get(number="+46739990001")
    assert imported.cost_centre == "Bygglov 4711" and imported.device.model == "Samsung Galaxy A55"
    assert PhoneNumber.objects.get(e164="+46739990002").person == town.cecilia
    again = subscriptions_import(
        data=("\ufeff" + CSV_HEADER.replace(";", ",") + rows.replace(";", ",")).encode()
    )
    assert (again.created, again.updated, again.handed_out) == (0, 2, 0)


def test_w1_the_subscription_list_from_excel(mobiles):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nummer", "SIM-kort", "Kostnadsställe"])
    sheet.append(["0739990003", "89460100000000000074", "IT"])
    data = io.BytesIO()
    book.save(data)
    result = subscriptions_import(data=data.getvalue(), operator="Telenor")
    assert result.created == 1 and Subscription.objects.get(number="+46739990003").operator == "Telenor"


ROW = "0739990001;89460100000000000058;Telia;;;;"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mobilnummer;ICCID;Favoritfärg\n0739990001;89460100000000000058;blå\n", "Favoritfärg"),
        (CSV_HEADER + "inget nummer;89460100000000000058;Telia;;;;\n", "rad 2: "),
        (CSV_HEADER + ROW + "\n0739990001;89460100000000000066;Telia;;;;\n", "rad 3: 0739990001 finns två"),
        (CSV_HEADER + ROW + "dana.ek@example.se\n", "rad 2: Dana Ek har redan"),
        (CSV_HEADER + ROW + "ingen@example.se\n", "rad 2: Det finns ingen"),
        (
            CSV_HEADER + "070-5550001;89460100000000000058;Telia;;;;bjorn.aberg@example.se\n",
            "innehas av Dana",
        ),
    ],
)
def test_w1_a_bad_subscription_list_names_the_row_and_writes_nothing(mobiles, text, message):
    before = (Subscription.objects.count(), Change.objects.count())
    with pytest.raises(VaxelError, match=message):
        subscriptions_import(data=text.encode())
    assert (Subscription.objects.count(), Change.objects.count()) == before


def test_w1_the_command_line_and_the_registry_page(client, capsys, logins, mobiles, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(CSV_HEADER + "073-9990009;89460100000000000082;Telia;;;;\n", encoding="utf-8")
    code, out, _err = vaxel_cli(capsys, "mobile", "import", str(path), "--dry-run")
    assert (
        code == 0 and "Provkörning" in out and not Subscription.objects.filter(number="+46739990009").exists()
    )
    assert vaxel_cli(capsys, "mobile", "import", str(path))[0] == 0
    code, out, _err = vaxel_cli(capsys, "mobile", "list")
    assert "(dolt: inget medgivande)" in out and not shows_dana(out)  # Dana's number, no consent (S3)
    assert "070-234 56 78" in out  # Björn consented
    assert vaxel_cli(capsys, "mobile", "hand-out", "073-9990009", "--to", "nobody@example.se")[0] == 1

    client.login(username="anna", password=PASSWORD)  # the manager of Bygglov
    page = client.get("/mobiler/").content.decode()
    assert "Dana Ek" in page and "Björn Åberg" in page and not shows_dana(page)
    mine = Subscription.objects.get(number="+46739990009")
    refused = client.post(
        "/mobiler/", {"action": "hand_out", "mobile": mine.pk, "email": "cecilia.ost@example.se"}
    )
    assert refused.status_code == 400  # Cecilia is not in Anna's units
    assert client.post("/mobiler/", {"action": "return", "mobile": mobiles.dana.pk}).status_code == 302
    assert client.get(f"/mobiler/{mobiles.dana.pk}/").status_code == 200
    client.login(username="bjorn", password=PASSWORD)
    assert client.get("/mobiler/").status_code == 403
