"""`vaxel absence|opening-hours|next-opening`: E3 merged, S4 said."""

import json

from vaxel.testing import vaxel_cli as run


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
