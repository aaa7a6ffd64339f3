"""S3: the running server's log, access log included, never carries a phone number's
digits, although callers' numbers arrive in query strings (`vaxel serve`, real uvicorn)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.processes  # vaxel serve

SECRET_MOBILE = "+46701234567"
WRITTEN = [SECRET_MOBILE, "46701234567", "0701234567", "701234567", "070-123 45 67", "070-1234567"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.once  # a server of its own on its own SQLite file, whichever database the run has
def test_s3_the_servers_log_never_carries_a_callers_mobile(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "VAXEL_"))}
    env.update(VAXEL_DATA_DIR=str(tmp_path), VAXEL_DEBUG="1")
    vaxel = str(Path(sys.executable).with_name("vaxel"))

    def vx(*argv: str) -> str:
        done = subprocess.run(
            [vaxel, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    vx("migrate")
    vx("organisation", "set", "--name", "Testby kommun", "--switchboard-number", "0370-331000")
    vx("unit", "add", "Bygglov")
    vx("person", "add", "--name", "Anna Sjöberg", "--email", "anna@example.se", "--unit", "Bygglov")
    vx("user", "add", "vaxeln", "--roles", "operator,administrator", "--password", "hemligt-lösenord-1")
    cecilia = ["--name", "Cecilia Öst", "--email", "cecilia@example.se", "--unit", "Bygglov"]
    vx("person", "add", *cecilia, "--mobile", "070-123 45 67", "--mobile-consent", "no")
    route_token = vx("token", "create", "--owner", "vaxeln", "--scopes", "route", "--name", "pbx").split()[-1]
    token = vx("token", "create", "--owner", "vaxeln", "--scopes", "route,messages", "--name", "t").split()[
        -1
    ]

    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(
        [vaxel, "serve", "--port", str(port), "--no-worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str, secret: str) -> int:
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()  # noqa: S310 (loopback)
                break
            except OSError:
                assert time.monotonic() < deadline, "vaxel serve did not start"
                time.sleep(0.2)
        for number in (SECRET_MOBILE, "070-123 45 67", "0701234567"):
            assert get(f"/pbx/route/?from={quote(number)}&to=0370331000", route_token) == 200
            assert get(f"/api/v1/route/?to=0370331000&from={quote(number)}", token) == 200
            assert get(f"/api/v1/messages/?caller={quote(number)}", token) == 200
            get(f"/api/v1/route/?to={quote(number)}x", token)  # a bad request is logged as a warning
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    written = log.read()
    assert "/pbx/route/?from=[nummer]" in written  # the access log is there, masked
    for needle in WRITTEN:
        assert needle not in written, needle
