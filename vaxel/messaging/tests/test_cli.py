import json

from vaxel.cli import main
from vaxel.messaging.models import Message, OutboxEmail


def test_message_verbs_take_list_mark_and_show_the_outbox(town, capsys):
    assert (
        main(
            [
                "message",
                "take",
                "--for",
                town.anna.email,
                "--about",
                "Bygglov garage",
                "--caller-name",
                "Greta Ek",
                "--caller-number",
                "036-123456",
                "--urgent",
            ]
        )
        == 0
    )
    reference = capsys.readouterr().out.split(":")[0]
    assert Message.objects.get(reference=reference).urgent
    assert main(["message", "list", "--caller", "+4636123456", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["reference"] == reference and row["caller"] == "Greta Ek (036-12 34 56)"
    assert main(["message", "mark", reference, "called_back"]) == 0
    assert capsys.readouterr().out.strip() == f"{reference}: handled"
    assert main(["message", "list", "--open", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["outbox", "--json"]) == 0
    overview = json.loads(capsys.readouterr().out)
    assert overview["sent"] + overview["waiting"] == OutboxEmail.objects.count() == 1


def test_bad_message_input_writes_nothing(town, capsys):
    assert main(["message", "take", "--for", town.anna.email, "--about", " "]) == 1
    assert "meddelandet är tomt" in capsys.readouterr().err
    assert main(["message", "take", "--unit", "Bygglov", "--about", "X", "--caller-number", "12"]) == 1
    assert (
        main(
            [
                "message",
                "take",
                "--for",
                town.anna.email,
                "--about",
                "X",
                "--caller-number",
                "036-123456",
                "--due",
                "2020-01-01T10:00",
            ]
        )
        == 1
    )
    assert "förflutna" in capsys.readouterr().err
    assert main(["message", "mark", "M-NOPE1", "read"]) == 1
    assert Message.objects.count() == 0 and OutboxEmail.objects.count() == 0
