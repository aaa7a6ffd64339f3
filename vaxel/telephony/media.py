"""The media endpoint (`vaxel media`): a small SIP user agent over UDP that answers the
calls Kamailio sends it, plays a prompt as RTP (G.711 A-law, 20 ms packets) and hangs
up; for voicemail it plays the person's greeting, records what the caller says until
they hang up (or two minutes pass) and hands the recording over as a message.

Why our own: Debian 12's baresip could play a file, but not take its prompt from the
INVITE nor hand a recording to Växel without a control protocol of its own to drive;
the few hundred lines below do only what the routine needs and are tested end to end.

    INVITE sip:announcement@media   X-Vaxel-Prompt: <address of the WAV>
    INVITE sip:voicemail-+46370331001@media
"""

import asyncio
import logging
import re
import secrets
import struct
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from vaxel.telephony.g711 import FRAME, frames, wav_audio

logger = logging.getLogger(__name__)

LONGEST_RECORDING = 120.0  # seconds
RTP_HEADER = struct.Struct("!BBHII")


@dataclass
class SipRequest:
    method: str
    uri: str
    headers: dict[str, list[str]]
    body: str

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or [""])[0]


def parse_request(data: bytes) -> SipRequest | None:
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] != "SIP/2.0":
        return None
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return SipRequest(parts[0], parts[1], headers, body.decode(errors="replace"))


def remote_rtp(sdp: str) -> tuple[str, int] | None:
    host = re.search(r"^c=IN IP4 (\S+)", sdp, re.M)
    port = re.search(r"^m=audio (\d+) ", sdp, re.M)
    return (host.group(1), int(port.group(1))) if host and port else None


@dataclass
class Session:
    request: SipRequest
    source: tuple[str, int]
    to_tag: str
    rtp: asyncio.DatagramTransport | None = None
    remote: tuple[str, int] | None = None
    received: bytearray = field(default_factory=bytearray)
    ended: asyncio.Event = field(default_factory=asyncio.Event)


def _reply(request: SipRequest, status: str, *, to_tag: str = "", extra: str = "", body: str = "") -> bytes:
    to = request.header("to") + (f";tag={to_tag}" if to_tag and ";tag=" not in request.header("to") else "")
    via = "".join(f"Via: {v}\r\n" for v in request.headers.get("via", []))
    kind = "Content-Type: application/sdp\r\n" if body else ""
    return (
        f"SIP/2.0 {status}\r\n{via}From: {request.header('from')}\r\nTo: {to}\r\n"
        f"Call-ID: {request.header('call-id')}\r\nCSeq: {request.header('cseq')}\r\n{extra}{kind}"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    ).encode()


class _Rtp(asyncio.DatagramProtocol):
    def __init__(self, session: Session):
        self.session = session

    def datagram_received(self, data: bytes, addr) -> None:
        pcma = len(data) > RTP_HEADER.size and data[1] & 0x7F == 8
        if pcma and len(self.session.received) < LONGEST_RECORDING * 8000:
            self.session.received += data[RTP_HEADER.size :]


class MediaServer(asyncio.DatagramProtocol):
    """`prompt_for(request)` gives the A-law audio to play; `recorded(request, alaw)` takes
    a voicemail's recording (called in a worker thread: it may use the database)."""

    def __init__(
        self,
        *,
        host: str,
        prompt_for: Callable[[SipRequest], Awaitable[bytes]],
        recorded: Callable[[SipRequest, bytes], None],
    ):
        self.host, self.prompt_for, self.recorded = host, prompt_for, recorded
        self.sessions: dict[str, Session] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        request = parse_request(data)
        if request is None or self.transport is None:
            return
        call_id = request.header("call-id")
        if request.method == "INVITE" and call_id not in self.sessions:
            session = Session(request, addr, secrets.token_hex(4))
            self.sessions[call_id] = session
            asyncio.get_running_loop().create_task(self._answer(session))
        elif request.method == "BYE":
            self.transport.sendto(_reply(request, "200 OK"), addr)
            if call_id in self.sessions:
                self.sessions[call_id].ended.set()
        elif request.method == "OPTIONS":
            self.transport.sendto(_reply(request, "200 OK"), addr)
        elif request.method not in ("ACK", "INVITE"):
            self.transport.sendto(_reply(request, "405 Method Not Allowed"), addr)

    async def _answer(self, session: Session) -> None:
        request, transport = session.request, self.transport
        assert transport is not None
        session.remote = remote_rtp(request.body)
        if session.remote is None or " 8" not in (re.search(r"^m=audio .*$", request.body, re.M) or [""])[0]:
            transport.sendto(
                _reply(request, "488 Not Acceptable Here", to_tag=session.to_tag), session.source
            )
            self.sessions.pop(request.header("call-id"), None)
            return
        try:
            audio = await self.prompt_for(request)
        except Exception:
            logger.exception("No prompt for %s", request.uri)
            transport.sendto(_reply(request, "404 Not Found", to_tag=session.to_tag), session.source)
            self.sessions.pop(request.header("call-id"), None)
            return
        loop = asyncio.get_running_loop()
        rtp, _protocol = await loop.create_datagram_endpoint(lambda: _Rtp(session), local_addr=(self.host, 0))
        session.rtp = rtp
        port = rtp.get_extra_info("sockname")[1]
        sdp = (
            f"v=0\r\no=vaxel {int(time.time())} 1 IN IP4 {self.host}\r\ns=Vaxel\r\nc=IN IP4 {self.host}\r\n"
            f"t=0 0\r\nm=audio {port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
        )
        contact = f"Contact: <sip:media@{self.host}:{transport.get_extra_info('sockname')[1]}>\r\n"
        transport.sendto(
            _reply(request, "200 OK", to_tag=session.to_tag, extra=contact, body=sdp), session.source
        )
        await self._play(session, audio)
        voicemail = request.uri.startswith("sip:voicemail-")
        if voicemail:
            session.received.clear()  # what is said after the greeting
            try:
                await asyncio.wait_for(session.ended.wait(), timeout=LONGEST_RECORDING)
            except TimeoutError:
                self._bye(session)
            await asyncio.to_thread(self.recorded, request, bytes(session.received))
        elif not session.ended.is_set():
            self._bye(session)
        rtp.close()
        self.sessions.pop(request.header("call-id"), None)

    async def _play(self, session: Session, audio: bytes) -> None:
        assert session.rtp is not None and session.remote is not None
        ssrc, sequence, stamp = secrets.randbits(32), secrets.randbits(16), secrets.randbits(32)
        started = time.monotonic()
        for index, packet in enumerate(frames(audio)):
            if session.ended.is_set():
                return
            header = RTP_HEADER.pack(0x80, 8 | (0x80 if index == 0 else 0), sequence, stamp, ssrc)
            session.rtp.sendto(header + packet, session.remote)
            sequence, stamp = (sequence + 1) & 0xFFFF, (stamp + FRAME) & 0xFFFFFFFF
            await asyncio.sleep(max(0.0, started + (index + 1) * 0.02 - time.monotonic()))

    def _bye(self, session: Session) -> None:
        request, transport = session.request, self.transport
        assert transport is not None
        to = request.header("to") + f";tag={session.to_tag}"
        bye = (
            f"BYE {request.header('contact').strip('<>') or request.uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{transport.get_extra_info('sockname')[1]};"
            f"branch=z9hG4bK{secrets.token_hex(8)}\r\n"
            f"From: {to}\r\nTo: {request.header('from')}\r\nCall-ID: {request.header('call-id')}\r\n"
            "CSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        ).encode()
        transport.sendto(bye, session.source)


async def fetch_prompt(url: str) -> bytes:
    """The A-law audio of a prompt WAV that Växel serves."""

    def read() -> bytes:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (Växel's own address)
            return answer.read()

    tag, audio = wav_audio(await asyncio.to_thread(read))
    if tag != 6:
        raise ValueError("the prompt is not G.711 A-law")
    return audio


async def serve(
    host: str, port: int, *, prompt_for, recorded
) -> tuple[asyncio.DatagramTransport, MediaServer]:
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(
        lambda: MediaServer(host=host, prompt_for=prompt_for, recorded=recorded), local_addr=(host, port)
    )
    return transport, server
