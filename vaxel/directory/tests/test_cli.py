"""`vaxel organisation|unit|person|shared-number` build a municipality."""

from vaxel.directory.models import NumberGroup, Person, Unit
from vaxel.testing import vaxel_cli as run


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


def test_s1_how_long_a_call_put_through_rings_is_set_per_unit_or_shared_number(town, capsys):
    assert run(capsys, "unit", "ring", "Bygglov", "--seconds", "30")[0] == 0
    assert Unit.objects.get(name="Bygglov").transfer_ring_seconds == 30
    assert run(capsys, "shared-number", "ring", "0370-335001", "--seconds", "15")[0] == 0
    assert NumberGroup.objects.get().transfer_ring_seconds == 15
    code, out, err = run(capsys, "unit", "ring", "Bygglov", "--seconds", "2")
    assert out == ""
    assert code != 0 and "mellan 5 och 120 sekunder" in err
    assert Unit.objects.get(name="Bygglov").transfer_ring_seconds == 30  # nothing written
    code, _out, err = run(capsys, "shared-number", "ring", "0370-331002", "--seconds", "15")
    assert code != 0 and "inget gruppnummer" in err
    assert run(capsys, "unit", "ring", "Bygglov")[0] == 0  # the default again
    assert Unit.objects.get(name="Bygglov").transfer_ring_seconds is None
