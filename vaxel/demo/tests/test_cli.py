"""`vaxel demo`."""

from vaxel.testing import vaxel_cli as run


def test_demo_verb_loads_once_and_creates_a_login_for_every_role(db, capsys, monkeypatch):
    from django.contrib.auth import authenticate

    from vaxel.access.constants import Role
    from vaxel.access.roles import roles_of

    monkeypatch.setenv("VAXEL_DEMO_PASSWORD", "demo-lösenord-1")
    code, out, _ = run(capsys, "demo", "--people", "60")
    assert code == 0 and "Gnosjö kommun: 60 units" in out
    assert "Logins, all with the password demo-lösenord-1" in out
    for login in ("admin (administrator", "telefonist (operator", "chef (", "anstalld ("):
        assert f"  {login}" in out, login
    assert authenticate(username="admin", password="demo-lösenord-1").is_superuser
    assert Role.OPERATOR in roles_of(authenticate(username="telefonist", password="demo-lösenord-1"))
    assert Role.MANAGER in roles_of(authenticate(username="chef", password="demo-lösenord-1"))
    assert roles_of(authenticate(username="anstalld", password="demo-lösenord-1")) == {Role.EMPLOYEE}
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "already" in out and "password" not in out


def test_s4_the_demo_can_keep_the_switchboard_open_today_for_the_simulator(db, capsys):
    from datetime import time, timedelta

    from vaxel.availability.selectors import next_opening_overview
    from vaxel.core.time import at_local, local_date, now

    code, out, _ = run(capsys, "demo", "--people", "60", "--open-today")
    assert code == 0 and "open all day" in out
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):  # a holiday or a Sunday included
        for hour in (0, 12, 23):
            assert next_opening_overview(at=at_local(day, time(hour, 30)))["open_now"], (day, hour)
