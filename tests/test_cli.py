"""The administrator's command line, verb by verb: output, exit codes, and that bad
input writes nothing."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vaxel.availability.models import Absence, ScheduleException
from vaxel.cli import main
from vaxel.directory.models import Person, PhoneNumber, Unit


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_directory_verbs_build_a_municipality(db, capsys):
    assert (
        run(capsys, "organisation", "set", "--name", "Gnosjö kommun", "--switchboard-number", "0370-331000")[
            0
        ]
        == 0
    )
    assert run(capsys, "unit", "add", "Bygg och miljö")[0] == 0
    code, out, _ = run(
        capsys,
        "unit",
        "add",
        "Bygglov",
        "--parent",
        "Bygg och miljö",
        "--keywords",
        "bygglov,detaljplan",
        "--telephone-hours",
        "mon-fri 08:30-10:00",
    )
    assert code == 0 and out.strip() == "Bygglov"
    code, _, _ = run(
        capsys,
        "person",
        "add",
        "--name",
        "Anna Sjöberg",
        "--email",
        "anna.sjoberg@example.se",
        "--unit",
        "Bygglov",
        "--title",
        "bygglovshandläggare",
        "--direct-number",
        "0370-123456",
        "--mobile",
        "070-1234567",
        "--mobile-consent",
        "no",
        "--manager",
    )
    assert code == 0
    run(
        capsys,
        "person",
        "add",
        "--name",
        "Örjan Hägg",
        "--email",
        "orjan@example.se",
        "--unit",
        "Bygglov",
        "--direct-number",
        "0370-123457",
    )
    code, out, _ = run(
        capsys,
        "shared-number",
        "add",
        "0370-335001",
        "--unit",
        "Bygglov",
        "--members",
        "anna.sjoberg@example.se,orjan@example.se",
    )
    assert code == 0 and out.strip() == "Bygglov: 2"
    assert Unit.objects.get(name="Bygglov").parent.name == "Bygg och miljö"
    assert Person.objects.get(email="anna.sjoberg@example.se").managed_units.count() == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "person",
                "add",
                "--name",
                "X",
                "--email",
                "x@example.se",
                "--unit",
                "Bygglov",
                "--direct-number",
                "123",
            ],
            "inget giltigt telefonnummer",
        ),
        (["person", "add", "--name", "X", "--email", "x@example.se", "--unit", "Saknas"], "ingen enhet"),
        (
            [
                "person",
                "add",
                "--name",
                "X",
                "--email",
                "x@example.se",
                "--unit",
                "Bygglov",
                "--direct-number",
                "0370-331001",
            ],
            "en ägare",
        ),
        (
            [
                "absence",
                "add",
                "anna.sjoberg@example.se",
                "--reason",
                "möte",
                "--from",
                "2026-12-01T12:00",
                "--until",
                "2026-12-01T10:00",
            ],
            "slutar",
        ),
        (["absence", "add", "anna.sjoberg@example.se", "--reason", "möte", "--from", "imorgon"], "ISO 8601"),
        (
            ["absence", "add", "anna.sjoberg@example.se", "--reason", "fika", "--from", "2026-12-01T12:00"],
            "ingen frånvaroorsak",
        ),
        (
            ["absence", "add", "okand@example.se", "--reason", "möte", "--from", "2026-12-01T12:00"],
            "ingen med e-postadressen",
        ),
        (["opening-hours", "set", "--weekly", "mon-fri 8-16"], "TT:MM-TT:MM"),
        (["opening-hours", "set", "--weekly", "måndag 08:00-16:00"], "veckoschema"),
        (["opening-hours", "exception", "add", "2026-13-01", "--closed"], "inget datum"),
        (["opening-hours", "exception", "add", "2026-12-24"], "--closed"),
        (["route", "--to", "0370-331000", "--at", "igår"], "ISO 8601"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(town, capsys, argv, message):
    before = (
        Person.objects.count(),
        PhoneNumber.objects.count(),
        Absence.objects.count(),
        ScheduleException.objects.count(),
    )
    code, _out, err = run(capsys, *argv)
    assert code == 1
    assert message in err
    assert err.startswith("vaxel: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert (
        Person.objects.count(),
        PhoneNumber.objects.count(),
        Absence.objects.count(),
        ScheduleException.objects.count(),
    ) == before


def test_every_verb_has_help(capsys):
    for argv in (
        ["--help"],
        ["route", "--help"],
        ["absence", "add", "--help"],
        ["opening-hours", "exception", "add", "--help"],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
    assert "--divert-to" in capsys.readouterr().out


def test_e3_absence_list_json_shows_the_merge_and_what_callers_hear(town, capsys):
    run(
        capsys,
        "absence",
        "add",
        town.anna.email,
        "--reason",
        "möte",
        "--from",
        "2026-12-01T10:00",
        "--until",
        "2026-12-01T12:00",
        "--note",
        "Ledningsgrupp",
    )
    run(
        capsys,
        "absence",
        "add",
        town.anna.email,
        "--reason",
        "lunch",
        "--from",
        "2026-12-01T12:00+01:00",
        "--until",
        "2026-12-01T12:00:00Z",
        "--divert-to",
        "colleague:bjorn.aberg@example.se",
    )
    code, out, _ = run(capsys, "absence", "list", town.anna.email, "--at", "2026-12-01T10:30", "--json")
    listing = json.loads(out)
    assert code == 0
    [absence] = listing["absences"]
    assert absence["starts_at"] == "2026-12-01T10:00:00+01:00"
    assert absence["ends_at"] == "2026-12-01T13:00:00+01:00"
    assert absence["reasons"] == ["meeting", "lunch"]
    assert absence["announcement"] == "Anna Sjöberg är på möte och är tillbaka klockan 13.00."
    assert [p["divert_to"] for p in absence["parts"]] == ["switchboard", "colleague"]


def test_absence_clear_ends_the_current_absence(town, capsys):
    run(capsys, "absence", "add", town.anna.email, "--reason", "sjuk", "--from", "2020-01-01T08:00")
    code, out, _ = run(capsys, "absence", "clear", town.anna.email)
    assert (code, out.strip()) == (0, "1")
    assert json.loads(run(capsys, "absence", "list", town.anna.email, "--json")[1])["absences"] == []


def test_s4_next_opening_json(town, capsys):
    run(capsys, "opening-hours", "exception", "add", "2026-12-07", "--hours", "10:00-12:00")
    code, out, _ = run(capsys, "next-opening", "--at", "2026-12-04T18:00", "--json")
    result = json.loads(out)
    assert code == 0 and result["open_now"] is False
    assert result["next_opening"] == "2026-12-07T10:00:00+01:00"
    assert "öppnar igen måndag den 7 december klockan 10.00" in result["announcement"]
    result = json.loads(run(capsys, "next-opening", "--at", "2026-12-07T11:00", "--json")[1])
    assert result["open_now"] is True and result["closes_at"] == "2026-12-07T12:00:00+01:00"


def test_route_json_for_an_absent_person_and_the_switchboard(town, capsys):
    run(
        capsys,
        "absence",
        "add",
        town.anna.email,
        "--reason",
        "hembesök",
        "--from",
        "2026-12-01T09:00",
        "--until",
        "2026-12-01T11:30",
    )
    decision = json.loads(
        run(
            capsys,
            "route",
            "--to",
            "0370-331001",
            "--from",
            "0701234567",
            "--at",
            "2026-12-01T10:00",
            "--json",
        )[1]
    )
    assert decision["action"] == "divert"
    assert decision["announcement"] == "Anna Sjöberg är på hembesök och är tillbaka klockan 11.30."
    assert decision["absence"]["back_at"] == "2026-12-01T11:30:00+01:00"
    assert decision["destinations"][0]["kind"] == "switchboard"
    assert decision["destinations"][0]["display"] == "0370-33 10 00"
    assert decision["calling"] is None  # Anna's own mobile, unconsented (S3)
    code, out, _ = run(capsys, "route", "--to", "0370-331000", "--at", "2026-12-01T09:00")
    assert code == 0 and out.startswith("queue → 0370-33 10 00") and "Välkommen till Testby kommun." in out


@pytest.mark.processes
def test_the_installed_console_script_works_on_a_fresh_sqlite_file(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VAXEL_DATA_DIR"] = str(tmp_path)
    vaxel = Path(sys.executable).with_name("vaxel")

    def vx(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(vaxel), *argv], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert vx("migrate").returncode == 0
    assert (
        vx("organisation", "set", "--name", "Gnosjö kommun", "--switchboard-number", "0370-331000").returncode
        == 0
    )
    assert vx("opening-hours", "set", "--weekly", "mon-fri 08:00-16:00").returncode == 0
    result = vx("route", "--to", "0370-331000", "--at", "2026-12-05T10:00", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["announcement"].endswith(
        "öppnar igen måndag den 7 december klockan 08.00."
    )
    bad = vx("unit", "add", "X", "--parent", "Saknas")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    with sqlite3.connect(tmp_path / "vaxel.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_demo_verb_loads_once_and_creates_an_administrator_and_an_operator(db, capsys, monkeypatch):
    from django.contrib.auth import authenticate

    from vaxel.access.constants import Role
    from vaxel.access.roles import roles_of

    monkeypatch.setenv("VAXEL_DEMO_PASSWORD", "demo-lösenord-1")
    code, out, _ = run(capsys, "demo", "--people", "60")
    assert code == 0 and "Gnosjö kommun: 60 units" in out
    assert "admin (administrator) and telefonist (operator), password demo-lösenord-1" in out
    assert authenticate(username="admin", password="demo-lösenord-1").is_superuser
    assert Role.OPERATOR in roles_of(authenticate(username="telefonist", password="demo-lösenord-1"))
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "already" in out and "password" not in out


def test_calendar_verbs_connect_import_list_and_sync(db, capsys, tmp_path):
    from vaxel.calendars.models import Calendar
    from vaxel.core.testing import small_municipality

    small_municipality()
    ics = Path(__file__).parent.parent / "vaxel" / "calendars" / "tests" / "ics" / "outlook.ics"
    code, out, _ = run(capsys, "calendar", "add", "anna.sjoberg@example.se", "--file", str(ics))
    assert code == 0 and "connected and read" in out
    listing = tmp_path / "feeds.csv"
    listing.write_text(
        "email,url\nbjorn.aberg@example.se,ftp://fel\nnobody@example.se,https://x.example/k.ics\n"
    )
    code, _, err = run(capsys, "calendar", "import", str(listing))
    assert code == 1 and "line 2" in err and "line 3" in err
    assert Calendar.objects.count() == 1  # the bad lines wrote nothing
    code, out, _ = run(capsys, "calendar", "list")
    assert "anna.sjoberg@example.se  upload  (file)  read" in out
    assert run(capsys, "calendar", "sync", "--all")[1].strip() == "1 calendars read"
