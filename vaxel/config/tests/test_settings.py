"""Settings that protect a running instance (security)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes  # Django started afresh


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


def deploy_check(data_dir: Path, **environ: str) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("VAXEL_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(VAXEL_DATA_DIR=str(data_dir), VAXEL_SECRET_KEY=secrets.token_urlsafe(60), **environ)
    manage = Path(__file__).resolve().parents[3] / "manage.py"
    return subprocess.run(
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.once  # settings alone, whichever database the run has
def test_security_a_production_instance_passes_the_deploy_check(tmp_path):
    done = deploy_check(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # a plain-HTTP intranet may turn HTTPS off, and the check then says so
    plain = deploy_check(tmp_path, VAXEL_SSL_REDIRECT="0", VAXEL_HSTS_SECONDS="0")
    assert plain.returncode != 0 and "SECURE_SSL_REDIRECT" in plain.stdout + plain.stderr
