"""The installed `vaxel` console script on a fresh SQLite file."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.processes
@pytest.mark.once  # its own SQLite file, whichever database the run has
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
