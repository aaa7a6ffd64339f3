"""The edge where Växel fetches an address somebody typed (a calendar feed, a CalDAV
server): only http(s) to public internet addresses, unless an administrator has allowed
the host; checked after DNS resolution and again at every redirect, and the connection
goes to the very address that was checked, so a name that resolves differently a moment
later (DNS rebinding) gains nothing. Failures say what the user can do, never what the
inside network looks like (no "connection refused" against "timed out")."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.utils.translation import gettext as _

from vaxel.core.errors import AddressNotAllowed, AddressUnreachable, InvalidInput, TooManyRedirects

REDIRECTS = 3


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _refused() -> InvalidInput:
    return AddressNotAllowed(
        _(
            "Växel reads calendars only from addresses on the public internet; for a server "
            "inside the organisation, ask the administrator to allow its host."
        ),
    )


def _unreachable() -> InvalidInput:
    return AddressUnreachable(
        _("The server could not be reached; check the address. Växel tries again later."),
    )


def _host_allowed(host: str, allowed_hosts: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == entry.lower().rstrip(".") for entry in allowed_hosts)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def checked(url: str, *, allowed_hosts: list[str]) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for `url`, or InvalidInput."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refused() from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise _unreachable() from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise _unreachable()
    # Every address the name has must be public: the system's resolver picks among them.
    if not _host_allowed(parts.hostname, allowed_hosts) and not all(_is_public(a) for a in addresses):
        raise _refused()
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _target(url: str) -> str:
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    return path + (f"?{query}" if query else "")


def fetch(
    url: str, *, headers: dict[str, str], allowed_hosts: list[str], timeout: float, max_bytes: int
) -> Answer:
    """GET `url`, following up to three redirects, each checked like the first. Reads at
    most `max_bytes` + 1 bytes of the body, so the caller can tell "too large"."""
    for _hop in range(REDIRECTS + 1):
        scheme, host, port, address = checked(url, allowed_hosts=allowed_hosts)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address=address, timeout=timeout)
        try:
            connection.request("GET", _target(url), headers=headers)
            response = connection.getresponse()
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            if response.status in (301, 302, 303, 307, 308) and answer_headers.get("location"):
                url = urljoin(url, answer_headers["location"])
                continue
            return Answer(response.status, answer_headers, response.read(max_bytes + 1))
        except (OSError, http.client.HTTPException, ssl.SSLError, ValueError):
            raise _unreachable() from None
        finally:
            connection.close()
    raise TooManyRedirects(
        _("The address redirects too many times; give the calendar's own address."),
    )
