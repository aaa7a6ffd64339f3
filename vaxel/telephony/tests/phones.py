"""A telephone for the end-to-end tests: a SIP user agent over UDP on 127.0.0.1 that
registers with digest credentials (RFC 3261, 22; RFC 2617), receives calls and answers
them, with an RTP socket of its own to count the audio that reaches it."""

import hashlib
import re
import secrets
import socket
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
