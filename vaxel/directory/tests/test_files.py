"""`vaxel directory import`: people from Excel and CSV files as Swedish offices write them."""

import io

import pytest
from openpyxl import Workbook

from vaxel.audit.models import Change
from vaxel.directory.files import directory_import
from vaxel.directory.models import Person, PhoneNumber
from vaxel.testing import vaxel_cli

pytestmark = pytest.mark.django_db

HEADER = [
    "Anställningsnummer",
    "Förnamn",
    "Efternamn",
    "E-post",
    "Befattning",
    "Förvaltning",
    "Enhet",
    "Telefon",
    "Mobil",
]
ROWS = [
    [
        "1001",
        "Åsa",
        "Öberg",
        "asa.oberg@example.se",
        "Rektor",
        "Barn- och utbildning",
        "Järnvägsskolan",
        "0370-331101",
        "070-1110001",
    ],
    [
        "1002",
        "Pär",
        "Ängström",
        "par.angstrom@example.se",
        "Lärare",
        "Barn- och utbildning",
        "Järnvägsskolan",
        "0370-331102",
        "",
    ],
]


def csv_bytes(rows, *, encoding="cp1252", delimiter=";", header=HEADER) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def cli(capsys, tmp_path):
    """`vaxel directory import` of these bytes: (exit code, stdout, stderr)."""

    def run(data: bytes, *args: str, name: str = "people.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return vaxel_cli(capsys, "directory", "import", str(path), *args)

    return run


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(ROWS),  # Swedish Excel's "CSV (semikolonavgränsad)": Windows-1252
        csv_bytes(ROWS, encoding="utf-8-sig"),
        csv_bytes(ROWS, encoding="utf-8", delimiter=","),
        xlsx_bytes(ROWS),
    ],
    ids=["cp1252-semicolon", "utf8-bom", "utf8-comma", "xlsx"],
)
def test_people_come_in_from_csv_and_excel_files(town, data):
    report, _ = directory_import(data=data)
    asa = Person.objects.get(email="asa.oberg@example.se")
    assert (asa.name, asa.title, asa.unit.name, asa.unit.parent.name) == (
        "Åsa Öberg",
        "Rektor",
        "Järnvägsskolan",
        "Barn- och utbildning",
    )
    assert (asa.source, asa.source_id) == ("file", "1001")
    assert asa.numbers.get(kind="direct").e164 == "+46370331101"
    assert len(report.added) == 2


def test_s3_a_file_never_gives_mobile_consent(town, cli):
    directory_import(data=csv_bytes(ROWS))
    assert PhoneNumber.objects.get(e164="+46701110001").disclosure_consent is False
    code, _out, err = cli(csv_bytes([[*r, "ja"] for r in ROWS], header=[*HEADER, "Samtycke"]))
    assert code == 1 and "S3" in err
    assert PhoneNumber.objects.get(e164="+46701110001").disclosure_consent is False


def test_errors_name_the_row_and_the_column_and_nothing_is_written(town, cli):
    bad = [ROWS[0], ["1003", "Eva", "Lund", "eva.lund@", "Lärare", "", "Järnvägsskolan", "12", ""]]
    code, _out, err = cli(csv_bytes(bad))
    assert code == 1
    assert "rad 3, E-post" in err and "rad 3, Telefon" in err
    assert "Traceback" not in err
    assert not Person.objects.filter(email="asa.oberg@example.se").exists()


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(town, cli):
    bad = [ROWS[0], ["1003", "Eva", "Lund", "eva.lund@", "Lärare", "", "Järnvägsskolan", "", ""]]
    code, out, err = cli(csv_bytes(bad), "--skip-bad", "--partial")
    assert code == 0, err
    assert Person.objects.filter(email="asa.oberg@example.se").exists()
    assert "rad 3, E-post" in out


def test_dry_run_prints_what_would_be_added_changed_and_deactivated(town, cli):
    directory_import(data=xlsx_bytes(ROWS), complete=True)
    before = Change.objects.count()
    changed = [[*ROWS[0][:4], "Förvaltningschef", *ROWS[0][5:]]]  # Pär has left
    code, out, err = cli(xlsx_bytes(changed), "--dry-run", name="people.xlsx")
    assert code == 0, err
    assert "Åsa Öberg <asa.oberg@example.se>: titel" in out
    assert "Pär Ängström <par.angstrom@example.se>" in out
    assert Change.objects.count() == before
    assert Person.objects.get(email="par.angstrom@example.se").active


def test_e1_a_leaver_in_the_file_is_deactivated_not_deleted(town):
    directory_import(data=xlsx_bytes(ROWS))
    directory_import(data=xlsx_bytes(ROWS[:1]))
    par = Person.objects.get(email="par.angstrom@example.se")
    assert not par.active
    assert par.numbers.get(kind="direct").e164 == "+46370331102"


def test_columns_name_what_the_presets_do_not_know(town, cli):
    header = ["Namn", "Mejladress", "Kostnadsställe"]
    data = csv_bytes([["Olle Berg", "olle@example.se", "Kultur"]], header=header, encoding="utf-8")
    code, _out, err = cli(data)
    assert code == 1 and "--columns" in err and "email" in err
    code, _out, err = cli(data, "--columns", "email=Mejladress,unit=Kostnadsställe")
    assert code == 0, err
    assert Person.objects.get(email="olle@example.se").unit.name == "Kultur"
    code, _out, err = cli(data, "--columns", "colour=Blå")
    assert code == 1 and "colour" in err


def test_a_file_that_is_no_table_is_refused_clearly(town, cli, capsys):
    code, _out, err = cli(b"\x00\x01\x02garbage", name="people.xlsx")
    assert code == 1 and "Traceback" not in err
    code, _out, err = vaxel_cli(capsys, "directory", "import", "/nonexistent/people.csv")
    assert code == 1 and "Traceback" not in err


def test_an_administrator_sees_which_source_last_changed_each_field(town, capsys):
    directory_import(data=csv_bytes(ROWS))
    code, out, _err = vaxel_cli(capsys, "directory", "sources", "asa.oberg@example.se")
    assert code == 0
    assert "titel: filimport" in out or "title: file import" in out


def test_s3_the_export_shows_a_mobile_only_with_its_owners_consent(town, tmp_path, capsys):
    from openpyxl import load_workbook

    code, out, _err = vaxel_cli(capsys, "directory", "export")
    assert code == 0
    assert "Björn Åberg" in out and "070-234 56 78" in out  # he consents
    assert "123 45 67" not in out and "1234567" not in out  # Anna does not
    assert "Anna Sjöberg" in out
    path = tmp_path / "katalog.xlsx"
    code, _out, _err = vaxel_cli(capsys, "directory", "export", "--format", "xlsx", "--output", str(path))
    assert code == 0
    cells = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert "070-234 56 78" in cells and not any("123 45 67" in str(c) for c in cells)


def test_the_export_reads_back_as_an_import(town, tmp_path, capsys):
    path = tmp_path / "katalog.csv"
    assert vaxel_cli(capsys, "directory", "export", "--output", str(path))[0] == 0
    report, read = directory_import(data=path.read_bytes(), dry_run=True, complete=False)
    assert report.errors == [] and len(read.people) == 3
