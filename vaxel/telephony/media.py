"""The media endpoint (`vaxel media`): a small SIP user agent over UDP that answers the
calls Kamailio sends it, plays a prompt as RTP (G.711 A-law, 20 ms packets) and hangs
up; for voicemail it plays the person's greeting, records what the caller says until
they hang up (or two minutes pass) and hands the recording over as a message.

Why our own: Debian 12's baresip could play a file, but not take its prompt from the
INVITE nor hand a recording to Växel without a control protocol of its own to drive;
the few hundred lines below do only what the routine needs and are tested end to end.

    INVITE sip:announcement@media   X-Vaxel-Prompt: <address of the WAV>
    INVITE sip:voicemail-+46370331001@media
    INVITE sip:queue@media          (Kamailio as the switchboard's proxy)

The queue: a caller to the open switchboard is held here. They hear the greeting (S1)
and their place in the queue, then waiting music with their place said again every
half minute, and the call waits in the consoles' queue. When an operator answers it,
the caller is referred (REFER, RFC 3515) to that operator's console; once the console
has them (NOTIFY 200) this leg ends. A caller who hangs up first has abandoned.

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
    moved: asyncio.Event = field(default_factory=asyncio.Event)  # a REFER succeeded: the caller is elsewhere
    cseq: int = 1
    referred: bool = False
    recording: bool = False  # only a voicemail, after its greeting, with recording on


@dataclass(frozen=True)
class QueueHooks:
    """What the queue asks of Växel; each runs in a worker thread (it may use the
    database). `arrived(request)` records the call and gives the greeting's audio,
    `position(request)` the audio of the caller's place, `music()` the waiting music,
    `referrals()` the (Call-ID, address, id) of answered calls to refer, `referred(id)`
    notes one sent, `left(request)` the caller hung up before reaching an operator."""

    arrived: Callable[[SipRequest], bytes]
    position: Callable[[SipRequest], bytes]
    music: Callable[[], bytes]
    referrals: Callable[[], list[tuple[str, str, int]]]
    referred: Callable[[int], None]
    left: Callable[[SipRequest], None]


POLL_SECONDS = 0.2  # how soon an answer at a console reaches the waiting caller
POSITION_EVERY = 30.0  # seconds between the caller's place being said again


def _reply(request: SipRequest, status: str, *, to_tag: str = "", extra: str = "", body: str = "") -> bytes:
    to = request.header("to") + (f";tag={to_tag}" if to_tag and ";tag=" not in request.header("to") else "")
    via = "".join(f"Via: {v}\r\n" for v in request.headers.get("via", []))
    if status.startswith("2") and request.method == "INVITE":  # the dialog's route (RFC 3261, 12.1.1)
        via += "".join(f"Record-Route: {r}\r\n" for r in request.headers.get("record-route", []))
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
        if self.session.recording and pcma and len(self.session.received) < LONGEST_RECORDING * 8000:
            self.session.received += data[RTP_HEADER.size :]


class MediaServer(asyncio.DatagramProtocol):
    """`prompt_for(request)` gives the A-law audio to play; `recorded(request, alaw)` takes
    a voicemail's recording (called in a worker thread: it may use the database);
    `records()` says whether voicemail is recorded at all (off: the greeting is played
    and the call ends). Nothing else a caller says is kept, not even in memory."""

    def __init__(
        self,
        *,
        host: str,
        prompt_for: Callable[[SipRequest], Awaitable[bytes]],
        recorded: Callable[[SipRequest, bytes], None],
        peers: Peers,
        queue: QueueHooks | None = None,
        records: Callable[[], bool] = lambda: False,
    ):
        self.host, self.prompt_for, self.recorded, self.peers = host, prompt_for, recorded, peers
        self.records = records
        self.queue = queue
        self.sessions: dict[str, Session] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.referrer: asyncio.Task | None = None

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
        elif request.method == "NOTIFY":
            self.transport.sendto(_reply(request, "200 OK"), addr)
            held = self.sessions.get(call_id)
            sipfrag = request.body.strip()
            if held is not None and sipfrag.startswith("SIP/2.0 2"):
                held.moved.set()  # the caller's new call was answered at the console
            elif held is not None and re.match(r"SIP/2\.0 [3-6]", sipfrag):
                logger.warning("A referred caller did not reach the console: %s", sipfrag[:40])
        elif request.method not in ("ACK", "INVITE") and not request.method.startswith("SIP/"):
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
        queue = self.queue if request.uri.startswith("sip:queue@") else None
        try:
            audio = await (asyncio.to_thread(queue.arrived, request) if queue else self.prompt_for(request))
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
        if queue is not None:
            await self._hold(session, audio)
            return
        await self._play(session, audio)
        if request.uri.startswith("sip:voicemail-") and self.records() and not session.ended.is_set():
            session.received.clear()
            session.recording = True  # what is said after the greeting and its notice
            try:
                await asyncio.wait_for(session.ended.wait(), timeout=LONGEST_RECORDING)
            except TimeoutError:
                self._bye(session)
            session.recording = False
            await asyncio.to_thread(self.recorded, request, bytes(session.received))
        elif not session.ended.is_set():
            self._bye(session)

    async def _hold(self, session: Session, greeting: bytes) -> None:
        """The caller waits: the greeting and their place, then music and their place
        again now and then, until an operator's console has them or they hang up."""
        assert self.queue is not None
        moved = session.moved.is_set  # the console has the caller: the queue falls silent
        await self._play(session, greeting, until=moved)
        music = await asyncio.to_thread(self.queue.music)
        said = time.monotonic()
        while not (session.ended.is_set() or moved()):
            await self._play(session, music, until=moved)
            if time.monotonic() - said >= POSITION_EVERY and not session.referred:
                place = await asyncio.to_thread(self.queue.position, session.request)
                await self._play(session, place, until=moved)
                said = time.monotonic()
        if session.moved.is_set() and not session.ended.is_set():
            self._bye(session)
        elif not session.moved.is_set():
            await asyncio.to_thread(self.queue.left, session.request)

    async def refer_due(self) -> None:
        """Every POLL_SECONDS while callers are held: refer each answered one to its console."""
        assert self.queue is not None
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if not any(s.request.uri.startswith("sip:queue@") for s in self.sessions.values()):
                continue  # nobody is held here: the database is left alone
            try:
                due = await asyncio.to_thread(self.queue.referrals)
            except Exception:
                logger.exception("Could not read the answered calls")
                continue
            for call_id, address, target_id in due:
                session = self.sessions.get(call_id)
                if session is None or session.referred or session.ended.is_set():
                    continue
                session.referred = True
                self._in_dialog(
                    session, "REFER", f"Refer-To: <{address}>\r\nReferred-By: <sip:queue@{self.host}>\r\n"
                )
                await asyncio.to_thread(self.queue.referred, target_id)

    async def _play(self, session: Session, audio: bytes, until: Callable[[], bool] | None = None) -> None:
        assert session.rtp is not None and session.remote is not None
        ssrc, sequence, stamp = secrets.randbits(32), secrets.randbits(16), secrets.randbits(32)
        started = time.monotonic()
        for index, packet in enumerate(frames(audio)):
            if session.ended.is_set() or (until is not None and until()):
                return
            header = RTP_HEADER.pack(0x80, 8 | (0x80 if index == 0 else 0), sequence, stamp, ssrc)
            session.rtp.sendto(header + packet, session.remote)
            sequence, stamp = (sequence + 1) & 0xFFFF, (stamp + FRAME) & 0xFFFFFFFF
            await asyncio.sleep(max(0.0, started + (index + 1) * 0.02 - time.monotonic()))

    def _bye(self, session: Session) -> None:
        self._in_dialog(session, "BYE")

    def _in_dialog(self, session: Session, method: str, extra: str = "") -> None:
        """A request of ours in the caller's dialog: to their Contact, along the route
        the INVITE recorded (Kamailio's Record-Route, in the order received)."""
        request, transport = session.request, self.transport
        assert transport is not None
        port = transport.get_extra_info("sockname")[1]
        to = request.header("to") + (f";tag={session.to_tag}" if ";tag=" not in request.header("to") else "")
        route = "".join(f"Route: {r}\r\n" for r in request.headers.get("record-route", []))
        session.cseq += 1
        target = request.header("contact").strip("<>").split(">")[0] or request.uri
        contact = f"Contact: <sip:media@{self.host}:{port}>\r\n"
        message = (
            f"{method} {target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{port};branch=z9hG4bK{secrets.token_hex(8)};rport\r\n"
            f"{route}From: {to}\r\nTo: {request.header('from')}\r\nCall-ID: {request.header('call-id')}\r\n"
            f"CSeq: {session.cseq} {method}\r\nMax-Forwards: 70\r\n{contact}"
            f"{extra}Content-Length: 0\r\n\r\n"
        ).encode()
        transport.sendto(message, session.source)


async def serve(
    host: str,
    port: int,
    *,
    prompt_for,
    recorded,
    peers: Peers,
    queue: QueueHooks | None = None,
    records: Callable[[], bool] = lambda: False,
) -> tuple[asyncio.DatagramTransport, MediaServer]:
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(
        lambda: MediaServer(
            host=host, prompt_for=prompt_for, recorded=recorded, peers=peers, queue=queue, records=records
        ),
        local_addr=(host, port),
    )
    if queue is not None:
        server.referrer = loop.create_task(server.refer_due())
    return transport, server
