"""A telephone for the end-to-end tests: a SIP user agent over UDP on 127.0.0.1 that
registers with digest credentials (RFC 3261, 22; RFC 2617), receives calls and answers
them, with an RTP socket of its own to count the audio that reaches it."""

import contextlib
import hashlib
import re
import secrets
import socket
import struct
import threading
import time

from vaxel.telephony.sip_udp import SipResponse, parse_response


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5


def digest(challenge: str, *, method: str, uri: str, username: str, password: str) -> str:
    """The Authorization value answering a Digest challenge."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    ha1 = _md5(f"{username}:{fields['realm']}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    cnonce, count = secrets.token_hex(8), "00000001"
    if "qop" in fields:
        response = _md5(f"{ha1}:{fields['nonce']}:{count}:{cnonce}:auth:{ha2}")
        extra = f', qop=auth, nc={count}, cnonce="{cnonce}"'
    else:
        response, extra = _md5(f"{ha1}:{fields['nonce']}:{ha2}"), ""
    return (
        f'Digest username="{username}", realm="{fields["realm"]}", nonce="{fields["nonce"]}", '
        f'uri="{uri}", response="{response}", algorithm=MD5{extra}'
    )


class Phone:
    """A phone registered at Kamailio as `user` of `domain`."""

    def __init__(self, *, proxy_port: int, user: str, domain: str):
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.port = self.sip.getsockname()[1]
        self.proxy = ("127.0.0.1", proxy_port)
        self.user, self.domain = user, domain
        self.call_id = secrets.token_hex(10)
        self.cseq = 0

    def close(self) -> None:
        self.sip.close()
        self.rtp.close()

    def _request(self, method: str, uri: str, *, to: str, authorization: str = "", body: str = "") -> bytes:
        self.cseq += 1
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <sip:{self.user}@{self.domain}>;tag={self.call_id[:8]}",
            f"To: <{to}>",
            f"Call-ID: {self.call_id}-{method.lower()}",
            f"CSeq: {self.cseq} {method}",
            f"Contact: <sip:{self.user}@127.0.0.1:{self.port}>",
            "Expires: 300",
        ]
        if authorization:
            lines.append(f"Authorization: {authorization}")
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def _final(self, seconds: float = 3.0) -> SipResponse | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sip.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = self.sip.recv(65535)
            except TimeoutError:
                return None
            if data.startswith(b"SIP/2.0"):
                answer = parse_response(data)
                if answer.status >= 200:
                    return answer
        return None

    def register(self, username: str, password: str) -> int:
        """REGISTER, answering the challenge; the final status (0: no answer)."""
        uri, to = f"sip:{self.domain}", f"sip:{self.user}@{self.domain}"
        self.sip.sendto(self._request("REGISTER", uri, to=to), self.proxy)
        answer = self._final()
        if answer is not None and answer.status == 401:
            authorization = digest(
                answer.header("www-authenticate"),
                method="REGISTER",
                uri=uri,
                username=username,
                password=password,
            )
            self.sip.sendto(self._request("REGISTER", uri, to=to, authorization=authorization), self.proxy)
            answer = self._final()
        return 0 if answer is None else answer.status

    def ringing(self, seconds: float = 5.0) -> str:
        """The next INVITE that reaches this phone ("" when none does)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sip.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data, _addr = self.sip.recvfrom(65535)
            except TimeoutError:
                return ""
            if data.startswith(b"INVITE "):
                return data.decode(errors="replace")
        return ""


def _headers(message: str) -> tuple[str, dict[str, list[str]], str]:
    head, _sep, body = message.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return lines[0], headers, body


def _uri(value: str) -> str:
    return value.split("<", 1)[-1].split(">", 1)[0] if "<" in value else value.split(";", 1)[0]


def _sdp_address(body: str) -> tuple[str, int] | None:
    host = re.search(r"^c=IN IP4 (\S+)", body, re.M)
    port = re.search(r"^m=audio (\d+)", body, re.M)
    return (host.group(1), int(port.group(1))) if host and port else None


class Dialog:
    def __init__(self, call_id: str, local: str, remote: str, local_tag: str):
        self.call_id, self.local, self.remote, self.local_tag = call_id, local, remote, local_tag
        self.remote_tag, self.target, self.route, self.cseq = "", "", [], 1
        self.media: tuple[str, int] | None = None
        self.answered = threading.Event()
        self.ended = threading.Event()
        self.status = 0


class CallerAgent:
    """A caller's telephone beyond the trunk: calls through Kamailio, follows the route
    the proxy records, takes a REFER as a transferee does (RFC 3515: 202, a new call to
    the address referred to, NOTIFY with how it went), answers BYE, and sends A-law
    audio every 20 ms to whoever it is talking to while counting what comes back."""

    def __init__(self, proxy_port: int, number: str = "+46361234567"):
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.settimeout(0.1)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(0.02)
        self.port, self.rtp_port = self.sip.getsockname()[1], self.rtp.getsockname()[1]
        self.proxy = ("127.0.0.1", proxy_port)
        self.number = number
        self.dialogs: list[Dialog] = []
        self.received = 0  # RTP packets, since the last call was answered
        self.sent = 0
        self.requests: list[str] = []  # what reached this phone, for the tests to read
        self.stopped = threading.Event()
        self._threads = [threading.Thread(target=run, daemon=True) for run in (self._signal, self._audio)]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self.stopped.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self.sip.close()
        self.rtp.close()

    @property
    def talking(self) -> Dialog | None:
        live = [d for d in self.dialogs if d.answered.is_set() and not d.ended.is_set()]
        return live[-1] if live else None

    def call(self, uri: str) -> Dialog:
        """A new call to `uri` (sip:user@host), through the proxy."""
        dialog = Dialog(
            f"caller-{secrets.token_hex(8)}",
            f"sip:{self.number}@127.0.0.1",
            uri,
            secrets.token_hex(4),
        )
        dialog.target = uri
        self.dialogs.append(dialog)
        self._send(self._request(dialog, "INVITE", body=self._sdp(), route=False))
        return dialog

    def hang_up(self) -> None:
        """BYE to whoever the caller is talking to."""
        dialog = self.talking
        if dialog is not None:
            self._send(self._request(dialog, "BYE"))
            dialog.ended.set()

    def _request(self, dialog: Dialog, method: str, *, body: str = "", extra: str = "", route=True) -> str:
        if method != "ACK" and dialog.remote_tag:  # the first INVITE is 1, its ACK too
            dialog.cseq += 1
        to = f"<{dialog.remote}>" + (f";tag={dialog.remote_tag}" if dialog.remote_tag else "")
        routes = "".join(f"Route: {r}\r\n" for r in dialog.route) if route else ""
        content = "Content-Type: application/sdp\r\n" if body.startswith("v=0") else ""
        if body and not content:
            content = "Content-Type: message/sipfrag;version=2.0\r\n"
        return (
            f"{method} {dialog.target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{secrets.token_hex(8)};rport\r\n"
            f"{routes}Max-Forwards: 70\r\n"
            f"From: <{dialog.local}>;tag={dialog.local_tag}\r\nTo: {to}\r\n"
            f"Call-ID: {dialog.call_id}\r\nCSeq: {dialog.cseq} {method}\r\n"
            f"Contact: <sip:{self.number}@127.0.0.1:{self.port}>\r\n{extra}{content}"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        )

    def _send(self, message: str) -> None:
        with contextlib.suppress(OSError):  # a transfer still under way when the test ends
            self.sip.sendto(message.encode(), self.proxy)

    def _sdp(self) -> str:
        return (
            "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=sendrecv\r\n"
        )

    def _reply(self, message: str, status: str, body: str = "") -> None:
        _first, headers, _body = _headers(message)
        kept = "".join(f"Via: {v}\r\n" for v in headers.get("via", []))
        to = headers["to"][0]
        mine = next((d for d in self.dialogs if d.call_id == headers["call-id"][0]), None)
        if ";tag=" not in to and mine is not None:
            to += f";tag={mine.local_tag}"
        self._send(
            f"SIP/2.0 {status}\r\n{kept}From: {headers['from'][0]}\r\nTo: {to}\r\n"
            f"Call-ID: {headers['call-id'][0]}\r\nCSeq: {headers['cseq'][0]}\r\n"
            f"Contact: <sip:{self.number}@127.0.0.1:{self.port}>\r\n"
            + ("Content-Type: application/sdp\r\n" if body else "")
            + f"Content-Length: {len(body)}\r\n\r\n{body}"
        )

    def _signal(self) -> None:
        while not self.stopped.is_set():
            try:
                data = self.sip.recv(65535).decode(errors="replace")
            except (TimeoutError, OSError):
                continue
            first, headers, body = _headers(data)
            dialog = next((d for d in self.dialogs if d.call_id == headers.get("call-id", [""])[0]), None)
            if first.startswith("SIP/2.0"):
                self._response(dialog, int(first.split()[1]), headers, body)
                continue
            self.requests.append(data)
            method = first.split(" ", 1)[0]
            if method == "BYE":
                self._reply(data, "200 OK")
                if dialog is not None:
                    dialog.ended.set()
            elif method == "REFER" and dialog is not None:
                self._reply(data, "202 Accepted")
                threading.Thread(
                    target=self._transfer, args=(dialog, _uri(headers["refer-to"][0])), daemon=True
                ).start()
            elif method in ("INVITE", "UPDATE") and dialog is not None:  # hold, resume
                dialog.media = _sdp_address(body) or dialog.media
                self._reply(data, "200 OK", body=self._sdp() if body else "")
            elif method != "ACK":
                self._reply(data, "200 OK")

    def _response(self, dialog: Dialog | None, status: int, headers: dict, body: str) -> None:
        if dialog is None or "INVITE" not in headers.get("cseq", [""])[0]:
            return
        if status >= 200:
            dialog.status = status
            dialog.remote_tag = headers["to"][0].split(";tag=", 1)[-1].split(";", 1)[0]
            if 200 <= status < 300:
                dialog.target = _uri(headers.get("contact", [dialog.target])[0])
                dialog.route = list(reversed(headers.get("record-route", [])))
                dialog.route = [r for value in dialog.route for r in reversed(value.split(","))]
                dialog.media = _sdp_address(body)
                self._send(self._request(dialog, "ACK"))
                self.received = 0
                dialog.answered.set()
            else:
                self._send(self._request(dialog, "ACK", route=False))
                dialog.ended.set()

    def _transfer(self, referring: Dialog, uri: str) -> None:
        moved = self.call(uri)
        deadline = time.monotonic() + 20
        while moved.status == 0 and time.monotonic() < deadline and not self.stopped.is_set():
            time.sleep(0.02)
        result = "SIP/2.0 200 OK" if 200 <= moved.status < 300 else f"SIP/2.0 {moved.status or 408} Failed"
        self._send(
            self._request(
                referring,
                "NOTIFY",
                body=result + "\r\n",
                extra="Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n",
            )
        )

    def _audio(self) -> None:
        header = struct.Struct("!BBHII")
        sequence, stamp, ssrc = 0, 0, secrets.randbits(32)
        next_at = time.monotonic()
        while not self.stopped.is_set():
            talking = self.talking
            if talking is not None and talking.media is not None and time.monotonic() >= next_at:
                packet = header.pack(0x80, 8, sequence, stamp, ssrc) + b"\xd5" * 160
                try:
                    self.rtp.sendto(packet, talking.media)
                    self.sent += 1
                except OSError:
                    pass
                sequence, stamp = (sequence + 1) & 0xFFFF, (stamp + 160) & 0xFFFFFFFF
                next_at += 0.02
            elif talking is None:
                next_at = time.monotonic()
            try:
                self.rtp.recv(2048)
                self.received += 1
            except (TimeoutError, OSError):
                pass


def answer(phone: Phone, invite_text: str) -> tuple[str, int] | None:
    """The phone picks up the call `invite_text` rang it with: 200 OK with its audio
    address (and the route the proxy recorded); returns where to send audio."""
    _first, headers, body = _headers(invite_text)
    copied = "".join(f"Via: {v}\r\n" for v in headers.get("via", []))
    copied += "".join(f"Record-Route: {r}\r\n" for r in headers.get("record-route", []))
    sdp = (
        "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {phone.rtp.getsockname()[1]} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
    )
    phone.sip.sendto(
        (
            f"SIP/2.0 200 OK\r\n{copied}From: {headers['from'][0]}\r\n"
            f"To: {headers['to'][0]};tag={secrets.token_hex(4)}\r\nCall-ID: {headers['call-id'][0]}\r\n"
            f"CSeq: {headers['cseq'][0]}\r\nContact: <sip:{phone.user}@127.0.0.1:{phone.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}"
        ).encode(),
        phone.proxy,
    )
    return _sdp_address(body)


def talk(sock: socket.socket, to: tuple[str, int], seconds: float) -> int:
    """Send A-law audio to `to` for `seconds`; the RTP packets that came back meanwhile."""
    header = struct.Struct("!BBHII")
    ssrc, received, index = secrets.randbits(32), 0, 0
    sock.settimeout(0.005)
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if time.monotonic() >= started + index * 0.02:
            sock.sendto(header.pack(0x80, 8, index, index * 160, ssrc) + b"\xd5" * 160, to)
            index += 1
        try:
            sock.recv(2048)
            received += 1
        except TimeoutError:
            pass
    return received


def until(check, seconds: float = 10.0):
    """What `check` gives once it gives something, within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError("it never happened")
