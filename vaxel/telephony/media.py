"""The media endpoint (`vaxel media`): a small SIP user agent over UDP that answers the
calls Kamailio sends it, plays a prompt as RTP (G.711 A-law, 20 ms packets) and hangs
up; for voicemail it plays the person's greeting, records what the caller says until
they hang up (or two minutes pass) and hands the recording over as a message.

Why our own: Debian 12's baresip could play a file, but not take its prompt from the
INVITE nor hand a recording to Växel without a control protocol of its own to drive;
the few hundred lines below do only what the routine needs and are tested end to end.

    INVITE sip:announcement@media   X-Vaxel-Prompt: <address of the WAV>
    INVITE sip:voicemail-+46370331001@media

Only configured peers are served (VAXEL_MEDIA_PEERS: Kamailio, the PBX, rtpengine); a
datagram from anyone else is dropped unanswered, and RTP goes only to a peer's address.
An offer that is not a plain PCMA audio stream to such an address gets 488. Every
session's sockets are closed on every path, and at most MOST_SESSIONS run at once.
"""

import asyncio
import ipaddress
import logging
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from vaxel.telephony.g711 import FRAME, frames
from vaxel.telephony.selectors import media_audio
from vaxel.telephony.services import media_recorded

logger = logging.getLogger(__name__)

LONGEST_RECORDING = 120.0  # seconds
RTP_HEADER = struct.Struct("!BBHII")
MOST_SESSIONS = 100
LARGEST_REQUEST = 8192  # bytes; an INVITE with its SDP is far smaller
Peers = list[ipaddress.IPv4Network | ipaddress.IPv6Network]


def peers_parse(text: str) -> Peers:
    """VAXEL_MEDIA_PEERS: "127.0.0.1, 10.0.5.0/24"."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def is_peer(address: str, peers: Peers) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in peers)


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


def remote_rtp(sdp: str, peers: Peers) -> tuple[str, int] | None:
    """Where to send RTP: the offer's IPv4 address and port, when it offers PCMA (payload
    8) on a usable port at one of the peers' addresses; None for anything else."""
    host = re.search(r"^c=IN IP4 (\S+)\s*$", sdp, re.M)
    media = re.search(r"^m=audio (\d{1,5}) RTP/AVP((?: \d{1,3})+)\s*$", sdp, re.M)
    if host is None or media is None or "8" not in media.group(2).split():
        return None
    port = int(media.group(1))
    if not 1024 <= port <= 65535 or not is_peer(host.group(1), peers):
        return None
    return host.group(1), port


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
        peers: Peers,
    ):
        self.host, self.prompt_for, self.recorded, self.peers = host, prompt_for, recorded, peers
        self.sessions: dict[str, Session] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) > LARGEST_REQUEST or not is_peer(addr[0], self.peers):
            return  # a stranger learns nothing, not even that something listens here
        request = parse_request(data)
        if request is None or self.transport is None:
            return
        call_id = request.header("call-id")
        if request.method == "INVITE" and call_id not in self.sessions:
            if len(self.sessions) >= MOST_SESSIONS:
                self.transport.sendto(
                    _reply(request, "503 Service Unavailable", extra="Retry-After: 5\r\n"), addr
                )
                return
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
        try:
            await self._serve(session)
        except Exception:
            logger.exception("A media session failed")
        finally:
            if session.rtp is not None:
                session.rtp.close()
            self.sessions.pop(session.request.header("call-id"), None)

    async def _serve(self, session: Session) -> None:
        request, transport = session.request, self.transport
        assert transport is not None
        session.remote = remote_rtp(request.body, self.peers)
        if session.remote is None:
            transport.sendto(
                _reply(request, "488 Not Acceptable Here", to_tag=session.to_tag), session.source
            )
            return
        try:
            audio = await self.prompt_for(request)
        except Exception:
            logger.exception("No prompt for %s", request.uri)
            transport.sendto(_reply(request, "404 Not Found", to_tag=session.to_tag), session.source)
            return
        loop = asyncio.get_running_loop()
        session.rtp, _protocol = await loop.create_datagram_endpoint(
            lambda: _Rtp(session), local_addr=(self.host, 0)
        )
        port = session.rtp.get_extra_info("sockname")[1]
        sdp = (
            f"v=0\r\no=vaxel {int(time.time())} 1 IN IP4 {self.host}\r\ns=Vaxel\r\nc=IN IP4 {self.host}\r\n"
            f"t=0 0\r\nm=audio {port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
        )
        contact = f"Contact: <sip:media@{self.host}:{transport.get_extra_info('sockname')[1]}>\r\n"
        transport.sendto(
            _reply(request, "200 OK", to_tag=session.to_tag, extra=contact, body=sdp), session.source
        )
        await self._play(session, audio)
        if request.uri.startswith("sip:voicemail-"):
            session.received.clear()  # what is said after the greeting
            try:
                await asyncio.wait_for(session.ended.wait(), timeout=LONGEST_RECORDING)
            except TimeoutError:
                self._bye(session)
            await asyncio.to_thread(self.recorded, request, bytes(session.received))
        elif not session.ended.is_set():
            self._bye(session)

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


async def serve(
    host: str, port: int, *, prompt_for, recorded, peers: Peers
) -> tuple[asyncio.DatagramTransport, MediaServer]:
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(
        lambda: MediaServer(host=host, prompt_for=prompt_for, recorded=recorded, peers=peers),
        local_addr=(host, port),
    )
    return transport, server


async def media_endpoint(
    host: str,
    port: int,
    *,
    peers: Peers | None = None,
    on_recorded: Callable[[object, int], None] | None = None,
) -> tuple[asyncio.DatagramTransport, MediaServer]:
    """The media endpoint as `vaxel media` runs it: prompts and greetings from Växel,
    recordings handed over as messages (E5), peers from VAXEL_MEDIA_PEERS."""
    from django.conf import settings

    async def prompt_for(request: SipRequest) -> bytes:
        return await asyncio.to_thread(media_audio, request.uri, request.header("x-vaxel-prompt"))

    def recorded(request: SipRequest, alaw: bytes) -> None:
        message = media_recorded(uri=request.uri, caller=request.header("from"), alaw=alaw)
        if on_recorded is not None:
            on_recorded(message, len(alaw))

    chosen = peers if peers is not None else peers_parse(settings.VAXEL_MEDIA_PEERS)
    return await serve(host, port, prompt_for=prompt_for, recorded=recorded, peers=chosen)
