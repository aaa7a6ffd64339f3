"""Settings that protect a running instance (security)."""

import os
import subprocess
import sys
from pathlib import Path


def secret_key(data_dir: Path, **environ: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAXEL_")}
    env.update(VAXEL_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="vaxel.config.settings", **environ)
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_security_a_development_server_makes_its_own_random_key_and_keeps_it(tmp_path):
    first = secret_key(tmp_path / "a", VAXEL_DEBUG="1")
    assert len(first) >= 50
    assert secret_key(tmp_path / "a", VAXEL_DEBUG="1") == first  # kept: sessions survive a restart
    assert secret_key(tmp_path / "b", VAXEL_DEBUG="1") != first  # another instance, another key
    assert (tmp_path / "a" / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert secret_key(tmp_path / "a", VAXEL_CLI="1") == first  # the worker signs links with it too


def test_security_the_key_from_the_environment_wins(tmp_path):
    assert secret_key(tmp_path, VAXEL_SECRET_KEY="k" * 60) == "k" * 60
