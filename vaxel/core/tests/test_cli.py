"""The command line as a whole: every verb has help, and bad input exits non-zero with
one line and writes nothing, whichever app the verb belongs to."""

import pytest

from vaxel.availability.models import Absence, ScheduleException
from vaxel.cli import main
from vaxel.directory.models import Person, PhoneNumber
from vaxel.testing import vaxel_cli as run


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
