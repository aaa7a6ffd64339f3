"""Telephony test parts: the media endpoint on a thread of its own, a caller's phone,
Växel over HTTP in a thread, and Kamailio started and stopped by its pid file."""

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

from vaxel.access.services import token_create
from vaxel.telephony.media import peers_parse
from vaxel.telephony.media_endpoint import media_endpoint
from vaxel.telephony.sip_udp import SipClient, parse_response, request


@pytest.fixture
def ask(client):
    """Kamailio's question to Växel for a called address, in proxy mode, with a route token."""
    from vaxel.access.services import token_create

    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")

    def route(to: str):
        return client.get("/pbx/route/", {"to": to, "mode": "proxy"}, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return route


@pytest.fixture
def media(transactional_db):
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box = {}

    def recorded(message, length):
        box["message"], box["recorded"] = message, length

    def run():
        asyncio.set_event_loop(loop)
        transport, server = loop.run_until_complete(
            media_endpoint("127.0.0.1", 0, peers=peers_parse("127.0.0.1"), on_recorded=recorded)
        )
        box["port"], box["server"] = transport.get_extra_info("sockname")[1], server
        started.set()
        loop.run_forever()
        # Stopped: end the sessions still running, as `vaxel media` does when it stops,
        # so no task is left pending when the loop goes.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        transport.close()
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(5)
    yield box
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


class Caller:
    """A caller's phone: SIP and RTP sockets on 127.0.0.1."""

    def __init__(self, media_port: int):
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.settimeout(10)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(0.3)
        self.media = ("127.0.0.1", media_port)
        self.call_id = f"call-{time.monotonic_ns()}"

    def invite(self, user: str, prompt: str = "", *, acknowledge: bool = True) -> tuple[int, int]:
        """The INVITE's final status and the answer's RTP port; a 200 is acknowledged
        (ACK) unless `acknowledge` is False, as a phone that has not got it yet."""
        sdp = (
            "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp.getsockname()[1]} RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n"
        )
        extra = f"X-Vaxel-Prompt: {prompt}\r\n" if prompt else ""
        message = request(
            "INVITE",
            user,
            "+46361234567",
            host="127.0.0.1",
            port=self.media[1],
            extra=extra,
            call_id=self.call_id,
        )
        message = message.replace(b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp\r\n")
        message += f"Content-Length: {len(sdp)}\r\n\r\n{sdp}".encode()
        self.sip.sendto(message, self.media)
        while (answer := parse_response(raw := self.sip.recvfrom(65535)[0])).status < 200:
            pass  # 100 Trying, 180 Ringing from a proxy on the way
        self.answer = answer
        if answer.status == 200 and acknowledge:
            self.acknowledge(answer)
        found = re.search(rb"m=audio (\d+)", raw)
        return answer.status, int(found.group(1)) if found else 0

    def acknowledge(self, answer) -> None:
        """The ACK of the INVITE's 200 (RFC 3261, 13.2.2.4): the dialog is confirmed."""
        ack = (
            f"ACK sip:media@127.0.0.1:{self.media[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.sip.getsockname()[1]};branch=z9hG4bK{time.monotonic_ns()}\r\n"
            f"From: {answer.header('from')}\r\nTo: {answer.header('to')}\r\nCall-ID: {self.call_id}\r\n"
            "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        self.sip.sendto(ack.encode(), self.media)

    def hear(self, amount: int, seconds: float = 5.0) -> int:
        """Bytes of audio heard once `amount` have come (fewer: the audio stopped)."""
        heard, deadline = 0, time.monotonic() + seconds
        while heard < amount and time.monotonic() < deadline:
            try:
                heard += len(self.rtp.recv(2048)) - 12
            except TimeoutError:
                continue
        return heard

    def listen(self, until_bye: bool) -> bytes:
        audio = bytearray()
        self.sip.setblocking(False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                packet = self.rtp.recv(2048)
                audio += packet[12:]
            except TimeoutError:
                if not until_bye and audio:
                    break
            try:
                data = self.sip.recv(65535)
                if data.startswith(b"BYE"):
                    break
            except BlockingIOError:
                pass
        self.sip.setblocking(True)
        return bytes(audio)


KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class VaxelServer:
    """Växel over HTTP in a thread, on a port that survives a stop and a start."""

    def __init__(self):
        self.port = free_port()
        self.server = None

    def start(self):
        self.server = ThreadedWSGIServer(("127.0.0.1", self.port), Quiet, allow_reuse_address=True)
        self.server.set_app(get_internal_wsgi_application())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vaxel(town):
    """Växel over HTTP for Kamailio to ask, with the module's own `town` loaded."""
    server = VaxelServer()
    server.start()
    yield server
    if server.server is not None:
        server.stop()


def kamailio_start(folder: Path, config: str) -> Path:
    """Kamailio with `config` (and its local file) in `folder`; returns its pid file."""
    pid_file = folder / "kamailio.pid"
    subprocess.run(
        [KAMAILIO, "-f", config, "-P", str(pid_file), "-Y", str(folder), "-w", str(folder)],
        cwd=folder,
        check=True,
        timeout=20,
        capture_output=True,
    )
    return pid_file


def kamailio_stop(pid_file: Path) -> None:
    """SIGTERM, then wait until it has exited (a daemon nobody reaps stays a zombie: that
    counts as exited)."""
    pid = int(pid_file.read_text().strip())
    os.kill(pid, signal.SIGTERM)
    stat = Path(f"/proc/{pid}/stat")
    for _ in range(50):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
        except FileNotFoundError:
            break
        time.sleep(0.05)


RTPENGINE = shutil.which("rtpengine") or "/usr/bin/rtpengine"


@pytest.fixture(scope="session")
def rtpengine(tmp_path_factory):
    """rtpengine in userspace (no kernel module) on 127.0.0.1, one for the whole run (it
    keeps nothing between calls that a test could see); its ng control address."""
    control = free_port(socket.SOCK_DGRAM)
    low = 30000 + (control % 300) * 100
    folder = tmp_path_factory.mktemp("rtpengine")
    pid_file = folder / "rtpengine.pid"
    log = (folder / "rtpengine.log").open("w")
    process = subprocess.Popen(
        [
            RTPENGINE,
            "--config-file=none",
            "--foreground",
            "--table=-1",
            "--interface=127.0.0.1",
            f"--listen-ng=127.0.0.1:{control}",
            f"--port-min={low}",
            f"--port-max={low + 99}",
            "--log-stderr",
            f"--pidfile={pid_file}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.settimeout(0.2)
    deadline = time.monotonic() + 10
    while True:
        probe.sendto(b"1 d7:command4:pinge", ("127.0.0.1", control))
        try:
            if b"pong" in probe.recv(1024):
                break
        except TimeoutError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "rtpengine did not start"
    probe.close()
    yield f"udp:127.0.0.1:{control}"
    pid = int(pid_file.read_text().strip()) if pid_file.exists() else process.pid
    os.kill(pid, signal.SIGTERM)
    process.wait(timeout=10)
    log.close()


SWITCHBOARD_CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "kamailio" / "switchboard.cfg"
DOMAIN = "vaxel.test"


def local_config(*, sip_port: int, ws_port: int, route: str, secret: str, rtpengine: str) -> str:
    return (
        f"#!define LISTEN_UDP udp:127.0.0.1:{sip_port}\n"
        f"#!define LISTEN_WS tcp:127.0.0.1:{ws_port}\n"
        f'#!define SIP_DOMAIN "{DOMAIN}"\n'
        f'#!define SIP_SECRET "{secret}"\n'
        f'#!define VAXEL_HTTPCON "vaxel=>{route}"\n'
        '#!define TRUSTED "127.0.0.1/32"\n'
        f'#!define CONTROL_CONTACT "sip:vaxel@127.0.0.1:{sip_port}"\n'
        f'#!define RTPENGINE "{rtpengine}"\n'
    )


def switchboard_start(folder: Path, *, vaxel_port: int, rtpengine: str) -> tuple[Path, int, int]:
    """Kamailio as the switchboard (switchboard.cfg) in `folder`, asking the Växel on
    `vaxel_port`; its pid file, SIP (UDP) port and WebSocket port, once it answers."""
    _token, secret = token_create(owner="operator", scopes="route", name="Kamailio")
    sip_port, ws_port = free_port(socket.SOCK_DGRAM), free_port()
    (folder / "switchboard.cfg").write_text(SWITCHBOARD_CONFIG.read_text())
    (folder / "switchboard-local.cfg").write_text(
        local_config(
            sip_port=sip_port,
            ws_port=ws_port,
            route=f"http://pbx:{secret}@127.0.0.1:{vaxel_port}/pbx/route",
            secret=settings.VAXEL_SIP_SECRET,
            rtpengine=rtpengine,
        )
    )
    pid_file = kamailio_start(folder, "switchboard.cfg")
    client = SipClient("127.0.0.1", sip_port, timeout=1)
    deadline = time.monotonic() + 10
    while client.send(request("OPTIONS", "", "test", host="127.0.0.1", port=sip_port)) is None:
        assert time.monotonic() < deadline, "Kamailio did not answer"
    client.close()
    return pid_file, sip_port, ws_port
