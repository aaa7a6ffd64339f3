"""`vaxel route`: the routing decision on the command line."""

import json

from vaxel.testing import vaxel_cli as run


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
