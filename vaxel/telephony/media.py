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
    INVITE sip:park-<token>@media   a parked caller: held with music like the queue

The queue: a caller to the open switchboard is held here. They hear the greeting (S1)
and their place in the queue with the expected wait, then waiting music with both said
again every half minute (VAXEL_QUEUE_ANNOUNCE_SECONDS), and the call waits in the
consoles' queue. When the wait is long they hear they may press 1 to be called back:
the key comes as an RFC 4733 telephone-event (offered and accepted in the SDP, on the
payload type the caller chose) or, failing that, as SIP INFO (application/dtmf-relay
or application/dtmf); each press counts once however often its packets or its INFO
are repeated. On 1 the caller hears the confirmation and the call ends here, its
place kept in the queue as a callback. When an operator answers it,
the caller is referred (REFER, RFC 3515) to that operator's console; once the console
has them (NOTIFY 200) this leg ends. A caller who hangs up first has abandoned.

Over UDP it keeps RFC 3261's timers: 100 Trying at once, its 200 OK repeated until
the caller's ACK, its REFERs and BYEs repeated until answered; a caller is referred only
once their ACK has come (a REFER before it finds no call at their phone), and a REFER
refused or never answered leaves them held, as a failed NOTIFY does.

Only configured peers are served (VAXEL_MEDIA_PEERS: Kamailio, the PBX, rtpengine); a
datagram from anyone else is dropped unanswered, and RTP goes only to a peer's address.
An offer that is not a plain PCMA audio stream to such an address gets 488. Every
session's sockets are closed on every path, and at most MOST_SESSIONS run at once.
"""

import asyncio
import contextlib
import ipaddress
import logging
import re
import secrets
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from vaxel.telephony.g711 import FRAME, frames
from vaxel.telephony.sip_udp import parse_response

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


def telephone_event_type(sdp: str) -> int | None:
    """The payload type the offer gives RFC 4733 telephone-events (8 kHz), if any."""
    media = re.search(r"^m=audio \d{1,5} RTP/AVP((?: \d{1,3})+)\s*$", sdp, re.M)
    if media is None:
        return None
    offered = media.group(1).split()
    for found in re.finditer(r"^a=rtpmap:(\d{1,3}) telephone-event/8000\s*$", sdp, re.M | re.I):
        if found.group(1) in offered and 96 <= int(found.group(1)) <= 127:
            return int(found.group(1))
    return None


EVENT_DIGITS = "0123456789*#ABCD"


class TelephoneEvents:
    """RFC 4733 telephone-event packets in, each key pressed out once: an event's packets
    (its start, its updates, its end sent three times) share one RTP timestamp, and a
    timestamp once counted is not counted again. Pure: no sockets, no clock."""

    def __init__(self, payload_type: int):
        self.payload_type = payload_type
        self.counted: deque[tuple[int, int]] = deque(maxlen=64)

    def digit(self, packet: bytes) -> str | None:
        if len(packet) < RTP_HEADER.size or packet[0] >> 6 != 2 or packet[1] & 0x7F != self.payload_type:
            return None
        _first, _second, _sequence, stamp, ssrc = RTP_HEADER.unpack_from(packet)
        start = RTP_HEADER.size + 4 * (packet[0] & 0x0F)
        if packet[0] & 0x10:  # a header extension: its length in 32-bit words
            if len(packet) < start + 4:
                return None
            start += 4 + 4 * struct.unpack_from("!H", packet, start + 2)[0]
        if len(packet) < start + 4 or packet[start] >= len(EVENT_DIGITS) or (ssrc, stamp) in self.counted:
            return None
        self.counted.append((ssrc, stamp))
        return EVENT_DIGITS[packet[start]]


def info_digit(request: "SipRequest") -> str | None:
    """The key a SIP INFO carries (application/dtmf-relay "Signal=1", application/dtmf "1")."""
    kind = request.header("content-type").split(";", 1)[0].strip().lower()
    if kind == "application/dtmf-relay":
        found = re.search(r"^\s*Signal\s*=\s*([0-9*#A-Da-d])\s*$", request.body, re.M)
    elif kind == "application/dtmf":
        found = re.match(r"\s*([0-9*#A-Da-d])\s*$", request.body)
    else:
        return None
    return found.group(1).upper() if found else None


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
    answer: bytes = b""  # our 200 OK, repeated until the caller's ACK (RFC 3261, 13.3.1.4)
    confirmed: asyncio.Event = field(default_factory=asyncio.Event)  # the ACK came: requests may go
    referred: bool = False
    recording: bool = False  # only a voicemail, after its greeting, with recording on
    events: TelephoneEvents | None = None  # the caller's keys, when they offered telephone-events
    offered: bool = False  # the caller was told they may press 1 to be called back
    wants_callback: asyncio.Event = field(default_factory=asyncio.Event)
    infos: set[str] = field(default_factory=set)  # the CSeqs of the INFOs counted

    def pressed(self, digit: str) -> None:
        """A key the caller pressed: 1, after the offer, asks for a callback."""
        if digit == "1" and self.offered and not self.referred:
            self.wants_callback.set()


class Announcement(NamedTuple):
    """What the queue says to a caller, and whether it offered them a callback."""

    audio: bytes
    offers_callback: bool = False


@dataclass(frozen=True)
class QueueHooks:
    """What the queue asks of Växel; each runs in a worker thread (it may use the
    database). `arrived(request)` records the call and gives the greeting's audio,
    `position(request)` the audio of the caller's place and wait, both saying whether
    they offered a callback, `music()` the waiting music, `referrals()` the (Call-ID,
    address, id) of answered calls to refer, `referred(id)` notes one sent,
    `left(request)` the caller hung up before reaching an operator, `callback(request)`
    the caller pressed 1 after the offer: the confirmation's audio, or b"" when the
    callback cannot be (the caller then waits on), `unreferred(call_id)` the caller's
    telephone could not follow a referral (its NOTIFY said so): they are still here.
    Every `announce_every` seconds the place is said again. `watch(wake)` has `wake()`
    called, from any thread, whenever an operator may have answered a caller held here,
    and gives back the function that stops it."""

    arrived: Callable[[SipRequest], Announcement]
    position: Callable[[SipRequest], Announcement]
    music: Callable[[], bytes]
    referrals: Callable[[], list[tuple[str, str, int]]]
    referred: Callable[[int], None]
    left: Callable[[SipRequest], None]
    callback: Callable[[SipRequest], bytes] = lambda _request: b""
    unreferred: Callable[[str], None] = lambda _call_id: None
    announce_every: float = 30.0
    watch: Callable[[Callable[[], None]], Callable[[], None]] = lambda _wake: lambda: None


HELD = ("sip:queue@", "sip:park-")  # callers held here until an operator answers them
# An answer at a console wakes the endpoint at once (QueueHooks.watch); it also looks
# this often while callers are held, for the times of parked calls and the overflow.
POLL_SECONDS = 1.0
T1, T2, TIMEOUT = 0.5, 4.0, 32.0  # RFC 3261's UDP timers: first repeat, longest gap, give up


def repeats() -> list[float]:
    """The waits between a request's (or a 200's) sendings over UDP: T1 doubling to T2,
    until TIMEOUT (Timer E and F of RFC 3261, 17.1.2.2; 13.3.1.4 for a 200)."""
    waits: list[float] = []
    wait = T1
    while sum(waits) + wait < TIMEOUT:
        waits.append(wait)
        wait = min(wait * 2, T2)
    return waits


def response_of(data: bytes) -> tuple[str, int, int] | None:
    """(Call-ID, CSeq number, status) of a SIP response; None for anything else."""
    if not data.startswith(b"SIP/2.0 "):
        return None
    try:
        response = parse_response(data)
        return response.header("call-id"), int(response.header("cseq").split(" ", 1)[0]), response.status
    except ValueError:
        return None


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
        events = self.session.events
        if events is not None and len(data) > 1 and data[1] & 0x7F == events.payload_type:
            digit = events.digit(data)
            if digit is not None:
                self.session.pressed(digit)
            return
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
        self.asked: dict[tuple[str, int], asyncio.Future[int]] = {}  # our requests awaiting an answer
        self.tasks: set[asyncio.Task] = set()  # kept until done (the loop holds tasks weakly)
        self.unwatch: Callable[[], None] = lambda: None
        self._due = asyncio.Event()  # an operator may have answered: look at once
        self._loop: asyncio.AbstractEventLoop | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._loop = asyncio.get_running_loop()

    def connection_lost(self, exc) -> None:
        self.unwatch()
        if self.referrer is not None:
            self.referrer.cancel()

    def wake(self) -> None:
        """From any thread: an operator may have answered a caller held here."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the endpoint's loop has ended
                self._loop.call_soon_threadsafe(self._due.set)

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) > LARGEST_REQUEST or not is_peer(addr[0], self.peers):
            return  # a stranger learns nothing, not even that something listens here
        response = response_of(data)
        if response is not None:  # to a request of ours (a REFER, a BYE)
            waiting = self.asked.get(response[:2])
            if waiting is not None and not waiting.done() and response[2] >= 200:
                waiting.set_result(response[2])
            return
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
            self.transport.sendto(_reply(request, "100 Trying"), addr)  # the greeting may take a while
            self._start(self._answer(session))
        elif request.method == "INVITE":  # repeated: our answer so far, once more
            session = self.sessions[call_id]
            self.transport.sendto(session.answer or _reply(request, "100 Trying"), addr)
        elif request.method == "ACK":
            if call_id in self.sessions:
                self.sessions[call_id].confirmed.set()
        elif request.method == "BYE":
            self.transport.sendto(_reply(request, "200 OK"), addr)
            if call_id in self.sessions:
                self.sessions[call_id].ended.set()
        elif request.method == "OPTIONS":
            self.transport.sendto(_reply(request, "200 OK"), addr)
        elif request.method == "INFO":  # a key pressed, where the caller sends no telephone-events
            talking = self.sessions.get(call_id)
            self.transport.sendto(
                _reply(request, "200 OK" if talking else "481 Call/Transaction Does Not Exist"), addr
            )
            digit = info_digit(request)
            cseq = request.header("cseq").split(" ", 1)[0]
            if talking is not None and digit is not None and cseq not in talking.infos:
                talking.infos.add(cseq)  # a retransmitted INFO has the same CSeq
                talking.pressed(digit)
        elif request.method == "NOTIFY":
            self.transport.sendto(_reply(request, "200 OK"), addr)
            held = self.sessions.get(call_id)
            sipfrag = request.body.strip()
            if held is not None and sipfrag.startswith("SIP/2.0 2"):
                held.moved.set()  # the caller's new call was answered at the console
            elif held is not None and re.match(r"SIP/2\.0 [3-6]", sipfrag):
                self._not_reached(held, repr(sipfrag.splitlines()[0][:40]))
        else:
            self.transport.sendto(_reply(request, "405 Method Not Allowed"), addr)

    def _start(self, work) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _not_reached(self, held: Session, why: str) -> None:
        """A referral that did not take the caller anywhere (its REFER refused or never
        answered, or its NOTIFY a failure): they are still held here."""
        logger.warning("A referred caller did not get there: %s", why)
        if self.queue is not None and held.referred and not held.moved.is_set():
            held.referred = False  # a later referral may go
            self._start(asyncio.to_thread(self.queue.unreferred, held.request.header("call-id")))

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
        queue = self.queue if request.uri.startswith(HELD) else None
        try:
            if queue is not None:
                greeting = await asyncio.to_thread(queue.arrived, request)
                audio = greeting.audio
            else:
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
        event_type = telephone_event_type(request.body) if queue is not None else None
        events = (
            f" {event_type}",
            f"a=rtpmap:{event_type} telephone-event/8000\r\na=fmtp:{event_type} 0-15\r\n",
        )
        formats, rtpmaps = events if event_type is not None else ("", "")
        session.events = TelephoneEvents(event_type) if event_type is not None else None
        sdp = (
            f"v=0\r\no=vaxel {int(time.time())} 1 IN IP4 {self.host}\r\ns=Vaxel\r\nc=IN IP4 {self.host}\r\n"
            f"t=0 0\r\nm=audio {port} RTP/AVP 8{formats}\r\na=rtpmap:8 PCMA/8000\r\n{rtpmaps}a=sendrecv\r\n"
        )
        contact = f"Contact: <sip:media@{self.host}:{transport.get_extra_info('sockname')[1]}>\r\n"
        session.answer = _reply(request, "200 OK", to_tag=session.to_tag, extra=contact, body=sdp)
        transport.sendto(session.answer, session.source)
        self._start(self._answer_until_acknowledged(session))
        if queue is not None:
            await self._hold(session, greeting)
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

    async def _hold(self, session: Session, greeting: Announcement) -> None:
        """The caller waits: the greeting, their place, then music and their place
        again now and then, until an operator's console has them, they hang up, or they
        press 1 after the offer and leave their place to a callback."""
        queue = self.queue
        assert queue is not None
        moved = session.moved.is_set  # the console has the caller: the queue falls silent

        def interrupted() -> bool:
            return moved() or session.wants_callback.is_set()

        # The caller is answered at once; their place and wait, which may need speaking
        # anew, are composed after (the offer of a callback holds from the greeting on).
        place = await asyncio.to_thread(queue.position, session.request)
        session.offered = greeting.offers_callback or place.offers_callback
        await self._play(session, greeting.audio, until=interrupted)
        if not (session.referred or interrupted()):
            await self._play(session, place.audio, until=interrupted)
        music = await asyncio.to_thread(queue.music)
        said = time.monotonic()
        while not (session.ended.is_set() or moved()):
            if session.wants_callback.is_set():
                confirmation = b""
                if not session.referred:  # an operator answered first: the caller goes there
                    confirmation = await asyncio.to_thread(queue.callback, session.request)
                if confirmation:  # the call leaves the line; its place waits as a callback
                    await self._play(session, confirmation, until=moved)
                    if not session.ended.is_set():
                        self._bye(session)
                    return
                session.wants_callback.clear()
                session.offered = False
            await self._play(session, music, until=interrupted)
            if time.monotonic() - said >= queue.announce_every and not session.referred:
                place = await asyncio.to_thread(queue.position, session.request)
                session.offered = place.offers_callback
                await self._play(session, place.audio, until=interrupted)
                said = time.monotonic()
        if session.moved.is_set() and not session.ended.is_set():
            self._bye(session)
        elif not session.moved.is_set():
            await asyncio.to_thread(queue.left, session.request)

    async def _answer_until_acknowledged(self, session: Session) -> None:
        """Our 200 OK, repeated over UDP until the caller's ACK; with none after TIMEOUT
        the dialog counts as confirmed all the same (a caller's phone that never
        acknowledges still hears its prompt, and may still be referred)."""
        assert self.transport is not None
        for wait in repeats():
            try:
                await asyncio.wait_for(session.confirmed.wait(), timeout=wait)
                return
            except TimeoutError:
                if session.ended.is_set():
                    return
                self.transport.sendto(session.answer, session.source)
        session.confirmed.set()

    async def _refer(self, session: Session, address: str) -> None:
        """Refer the caller to `address` once their dialog is confirmed (a REFER that
        overtakes our 200 OK finds no dialog at their phone); a REFER refused or never
        answered leaves them held here, as a failed NOTIFY does."""
        await session.confirmed.wait()
        status = await self._in_dialog(
            session, "REFER", f"Refer-To: <{address}>\r\nReferred-By: <sip:queue@{self.host}>\r\n"
        )
        if status >= 300:
            self._not_reached(session, f"the REFER was answered {status}")

    async def refer_due(self) -> None:
        """When woken, and every POLL_SECONDS while callers are held: refer each
        answered one to its console."""
        assert self.queue is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), timeout=POLL_SECONDS)
            self._due.clear()  # a wake from here on means another look
            if not any(s.request.uri.startswith(HELD) for s in self.sessions.values()):
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
                self._start(self._refer(session, address))
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
        self._start(self._in_dialog(session, "BYE"))

    async def _in_dialog(self, session: Session, method: str, extra: str = "") -> int:
        """A request of ours in the caller's dialog: to their Contact, along the route
        the INVITE recorded (Kamailio's Record-Route, in the order received), sent again
        until it is answered. Its final status; 408 when nothing answered in TIMEOUT."""
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
        key = (request.header("call-id"), session.cseq)
        answered = self.asked[key] = asyncio.get_running_loop().create_future()
        try:
            for wait in repeats():
                transport.sendto(message, session.source)
                try:
                    return await asyncio.wait_for(asyncio.shield(answered), timeout=wait)
                except TimeoutError:
                    continue
            return 408
        finally:
            del self.asked[key]


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
        server.unwatch = queue.watch(server.wake)
        server.referrer = loop.create_task(server.refer_due())
    return transport, server
