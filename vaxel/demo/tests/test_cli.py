"""`vaxel demo`."""

from vaxel.core.testing import vaxel_cli as run


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
