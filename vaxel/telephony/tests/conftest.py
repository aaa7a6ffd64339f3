"""Telephony test parts: the media endpoint on a thread of its own, and a caller's phone."""

import asyncio
import re
import socket
import threading
import time

import pytest

from vaxel.telephony.media import peers_parse
from vaxel.telephony.media_endpoint import media_endpoint
from vaxel.telephony.sip_udp import parse_response, request


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

    def invite(self, user: str, prompt: str = "") -> tuple[int, int]:
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
        raw = self.sip.recvfrom(65535)[0]
        found = re.search(rb"m=audio (\d+)", raw)
        return parse_response(raw).status, int(found.group(1)) if found else 0

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
