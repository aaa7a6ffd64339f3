"""A small SIP user-agent client over UDP, for the end-to-end tests and bench/sip.py
(the media endpoint reads its own requests' answers with `parse_response`):
it sends real INVITEs (RFC 3261), reads the final answer and acknowledges it."""

import secrets
import socket
import time
from dataclasses import dataclass, field


@dataclass
class SipResponse:
    status: int
    reason: str
    headers: dict[str, list[str]] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return ", ".join(self.headers.get(name.lower(), []))


def parse_response(data: bytes) -> SipResponse:
    head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    lines = head.split("\r\n")
    _version, status, reason = ([*lines[0].split(" ", 2), ""])[:3]
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return SipResponse(int(status), reason, headers)


def invite(
    to: str, caller: str, *, host: str, port: int, call_id: str | None = None, extra: str = ""
) -> bytes:
    return request("INVITE", to, caller, host=host, port=port, call_id=call_id, extra=extra)


def request(
    method: str, to: str, caller: str, *, host: str, port: int, call_id: str | None = None, extra: str = ""
) -> bytes:
    local = "127.0.0.1"
    branch = "z9hG4bK" + secrets.token_hex(8)
    call_id = call_id or secrets.token_hex(12)
    return (
        f"{method} sip:{to}@{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {local}:5099;branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:{caller}@{local}>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:{to}@{host}>\r\n"
        f"Call-ID: {call_id}\r\n"
        f"CSeq: 1 {method}\r\n"
        f"Contact: <sip:{caller}@{local}:5099>\r\n"
        f"{extra}"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def ack(invite_message: bytes, answer: SipResponse) -> bytes:
    """The ACK for a failed or redirected INVITE (RFC 3261, 17.1.1.3): the same branch,
    the answer's To (with its tag), so the server stops repeating its answer."""
    lines = invite_message.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    uri = lines[0].split(" ")[1]
    kept = [line for line in lines[1:] if line.split(":")[0] in ("Via", "From", "Call-ID", "Max-Forwards")]
    cseq = next(line for line in lines if line.startswith("CSeq:")).split()[1]
    return (
        f"ACK {uri} SIP/2.0\r\n" + "\r\n".join(kept) + f"\r\nTo: {answer.header('to')}\r\n"
        f"CSeq: {cseq} ACK\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def _call_id(message: bytes) -> str:
    head = message.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    for line in head.split("\r\n")[1:]:
        name, _sep, value = line.partition(":")
        if name.strip().lower() in ("call-id", "i"):
            return value.strip()
    return ""


class SipClient:
    def __init__(self, host: str, port: int, timeout: float = 3.0):
        self.host, self.port = host, port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(timeout)

    def send(self, message: bytes) -> SipResponse | None:
        """Send one request; its final answer (provisional ones skipped), or None.
        Answers to other calls (a server repeating an answer nobody acknowledged) are
        skipped too."""
        call_id = _call_id(message)
        self.sock.sendto(message, (self.host, self.port))
        deadline = time.monotonic() + (self.sock.gettimeout() or 3.0)
        while time.monotonic() < deadline:
            try:
                data, _addr = self.sock.recvfrom(65535)
            except TimeoutError:
                return None
            response = parse_response(data)
            if call_id and response.header("call-id") != call_id:
                continue
            if response.status >= 200:
                if response.status >= 300 and message.startswith(b"INVITE "):
                    self.sock.sendto(ack(message, response), (self.host, self.port))
                return response
        return None

    def call(self, to: str, caller: str = "+46361234567", **kwargs) -> SipResponse | None:
        return self.send(invite(to, caller, host=self.host, port=self.port, **kwargs))

    def close(self) -> None:
        self.sock.close()
