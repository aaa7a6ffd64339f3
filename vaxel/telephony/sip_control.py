"""Växel's own requests to Kamailio about a call in progress (switchboard.cfg, route
CONTROL): REFER to put an answered caller through, BYE to end the call. They name the
call by its opaque `op-…` address, never by a number, and Kamailio acts within the
call's dialog; used when the operator's telephone is a desk phone the console cannot
drive itself."""

import secrets
import socket
import time

from django.conf import settings

ANSWER_SECONDS = 2.0


def _proxy() -> tuple[str, int]:
    host, _sep, port = settings.VAXEL_SIP_PROXY.rpartition(":")
    return host or settings.VAXEL_SIP_PROXY, int(port or 5060)


def control_request(method: str, target: str, *, refer_to: str = "") -> int:
    """Send `method` (REFER or BYE) for the call at `target` (sip:op-…@domain) to
    Kamailio; its final status, or 0 when it did not answer in time."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(_proxy())
        host, port = sock.getsockname()
        call_id = secrets.token_hex(12)
        extra = f"Refer-To: <{refer_to}>\r\nReferred-By: <sip:vaxel@{settings.VAXEL_SIP_DOMAIN}>\r\n"
        message = (
            f"{method} {target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK{secrets.token_hex(8)};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:vaxel@{settings.VAXEL_SIP_DOMAIN}>;tag={secrets.token_hex(4)}\r\n"
            f"To: <{target}>\r\nCall-ID: {call_id}\r\nCSeq: 1 {method}\r\n"
            f"Contact: <sip:vaxel@{host}:{port}>\r\n{extra if refer_to else ''}"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        deadline = time.monotonic() + ANSWER_SECONDS
        sent_at = 0.0
        while (left := deadline - time.monotonic()) > 0:
            if time.monotonic() - sent_at >= 0.5:  # UDP: say it again until answered
                sock.send(message)
                sent_at = time.monotonic()
            sock.settimeout(min(left, 0.5))
            try:
                data = sock.recv(65535)
            except (TimeoutError, ConnectionRefusedError):
                continue
            status = data.split(b" ", 2)[1] if data.startswith(b"SIP/2.0 ") else b""
            if status.isdigit() and int(status) >= 200:
                return int(status)
    return 0
