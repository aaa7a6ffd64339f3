"""E-mail is never lost and is doubled only in the documented window (docs/messages.md):
a job worker killed with SIGKILL at the worst moment — after the SMTP server took the
e-mail, before the worker could mark it sent — leaves it to the next worker, which sends
it again with the same Message-ID about a claim's length later (seconds, not minutes).
A real `vaxel worker`, a real SMTP server (aiosmtpd) on 127.0.0.1."""

import os
import signal
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from fault_instance import until

from vaxel.core.testing_smtp import free_port

pytestmark = pytest.mark.processes

CLAIM = 3


class KillsOnFirstMail:
    """Takes every e-mail; on the first message e-mail, kills the worker before it hears
    the "250". Keeps the message e-mails (the worker may send a digest too, by the hour
    of the real clock, which this test does not set)."""

    def __init__(self):
        self.received = []
        self.worker_pid = 0

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        if "Meddelande från växeln" in mail["Subject"]:
            self.received.append((time.monotonic(), mail))
            if len(self.received) == 1 and self.worker_pid:
                os.kill(self.worker_pid, signal.SIGKILL)
        return "250 OK"


def test_s2_an_email_whose_worker_was_killed_mid_send_is_sent_again_soon_with_its_message_id(instances):
    inbox = KillsOnFirstMail()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        instance = instances(VAXEL_SMTP_PORT=str(port), VAXEL_OUTBOX_CLAIM_SECONDS=str(CLAIM))
        instance.set_up()
        taken = instance.vx(
            "message",
            "take",
            "--for",
            "anna@example.se",
            "--about",
            "Garage",
            "--caller-number",
            "036-123456",
        )
        reference = taken.stdout.split(":")[0]
        first = instance.start("worker", log="worker1.log")
        inbox.worker_pid = first.pid
        first.wait(timeout=60)
        assert first.returncode == -signal.SIGKILL  # killed after the server took the e-mail
        assert len(inbox.received) == 1

        time.sleep(CLAIM + 0.5)
        instance.start("worker", log="worker2.log")  # as systemd would restart it
        assert until(lambda: len(inbox.received) >= 2, seconds=30), instance.log("worker2.log")
        (killed_at, sent), (again_at, resent) = inbox.received[:2]
        assert reference in resent.get_body(("plain",)).get_content()
        assert resent["Message-ID"] == sent["Message-ID"]  # the recipient's program may show it once
        assert again_at - killed_at < CLAIM + 20
        assert "stopped mid-send" in instance.log("worker2.log")

        second = instance.vx(
            "message", "take", "--for", "anna@example.se", "--about", "Ring", "--caller-number", "036-123457"
        )
        reference = second.stdout.split(":")[0]
        assert until(lambda: len(inbox.received) >= 3, seconds=30)
        time.sleep(2)
        later = [m for _at, m in inbox.received[2:] if reference in m.get_body(("plain",)).get_content()]
        assert len(later) == 1  # an e-mail no worker lost is sent once
        assert "sent " in instance.vx("outbox").stdout
    finally:
        smtp.stop()


def test_s2_every_message_taken_while_the_smtp_server_is_down_is_mailed_once_when_it_is_back(instances):
    port = free_port()
    instance = instances(VAXEL_SMTP_PORT=str(port), VAXEL_OUTBOX_FIRST_RETRY_SECONDS="1")
    instance.set_up()
    instance.start("worker", log="worker.log")
    taken = []
    for number in range(10):
        out = instance.vx(
            "message",
            "take",
            "--for",
            "anna@example.se",
            "--about",
            f"Ärende {number}",
            "--caller-number",
            "036-123456",
        ).stdout
        taken.append(out.split(":")[0])
    time.sleep(2)  # the worker tries, the server is not there, the e-mails wait
    inbox = KillsOnFirstMail()  # nobody to kill: it only keeps what it receives
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:

        def mailed() -> list[str]:
            return [
                r for r in taken for _at, m in inbox.received if r in m.get_body(("plain",)).get_content()
            ]

        assert until(lambda: set(mailed()) == set(taken), seconds=30), instance.log("worker.log")
        time.sleep(2)
        assert sorted(mailed()) == sorted(taken)  # each once
        assert "not sent (attempt 1)" in instance.log("worker.log")
    finally:
        smtp.stop()
