"""Several processes, as in production: the command line takes a message in one
process, the job worker (another process) sends it over real SMTP on 127.0.0.1.
With huey on SQLite (the embedded default) and on Redis (at scale)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from vaxel.core.testing_smtp import SmtpServer

pytestmark = pytest.mark.processes  # the command line and the job worker

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_message_taken_in_one_process_is_mailed_by_the_worker(tmp_path: Path, queue):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VAXEL_REDIS_URL")}
    smtp = SmtpServer()
    env.update(VAXEL_DATA_DIR=str(tmp_path), VAXEL_SMTP_PORT=str(smtp.port), VAXEL_SMTP_HOST="127.0.0.1")
    if queue == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
        env["VAXEL_REDIS_URL"] = REDIS_URL
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
    smtp.start()
    worker = subprocess.Popen(
        [vaxel, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        reference = vx(
            "message",
            "take",
            "--for",
            "anna@example.se",
            "--about",
            "Garage",
            "--caller-number",
            "036-123456",
        ).split(":")[0]
        deadline = time.monotonic() + 30
        while not the_message(smtp, reference) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    [(recipients, _email)] = the_message(smtp, reference)
    assert recipients == ["anna@example.se"]
    assert "sent " in vx("outbox")


def the_message(smtp: SmtpServer, reference: str) -> list:
    """The message's e-mail among those received: the worker may also send the daily
    digest, whose hour is the real clock's, which this test does not set."""
    return [
        (to, mail)
        for to, mail in smtp.inbox.received
        if "Meddelande från växeln" in mail["Subject"]
        and reference in mail.get_body(("plain",)).get_content()
    ]
