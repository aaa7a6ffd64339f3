"""Reading calendars from where they live: an iCalendar feed over HTTP (with conditional
requests, so an unchanged feed costs one short answer) or a CalDAV server. Every
failure becomes an InvalidInput that says what went wrong."""

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from vaxel.calendars.errors import CaldavError, CalendarHttpError, InvalidCalendarUrl
from vaxel.calendars.ical import LARGEST_FILE
from vaxel.core import outbound
from vaxel.core.errors import InvalidInput

TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class Fetched:
    data: bytes | None  # None: unchanged since the last read
    etag: str = ""
    last_modified: str = ""


def feed_url(url: str) -> str:
    """A feed address as it will be read: webcal:// is https://, spaces are encoded."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(ord(c) < 32 or ord(c) == 127 for c in url)
        or len(url) > 2000
    ):
        raise InvalidCalendarUrl(
            _("%(url)r is not a calendar address; it should begin with https:// or webcal://.")
            % {"url": url[:200]},
        )
    return url.replace(" ", "%20")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def allowed_hosts() -> list[str]:
    return list(settings.VAXEL_CALENDAR_ALLOWED_HOSTS)


def address_check(url: str) -> None:
    """Refuse at once an address inside the network; one that does not answer now is
    kept and tried again later (the server may be down for a while)."""
    try:
        outbound.checked(url, allowed_hosts=allowed_hosts())
    except InvalidInput as refused:
        if refused.error_id != "address_unreachable":
            raise


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    headers = {"User-Agent": "Vaxel-calendar/1", "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    answer = outbound.fetch(
        feed_url(url), headers=headers, allowed_hosts=allowed_hosts(), timeout=TIMEOUT, max_bytes=LARGEST_FILE
    )
    if answer.status == 304:
        return Fetched(None, etag, last_modified)
    if answer.status >= 300:
        raise CalendarHttpError(
            _("The calendar server answered %(code)s; check the address.") % {"code": answer.status},
        )
    return Fetched(answer.body, answer.headers.get("etag", ""), answer.headers.get("last-modified", ""))


def fetch_caldav(url: str, *, username: str, password: str, start: datetime, end: datetime) -> bytes:
    """The calendar's events in start–end, as one iCalendar file (recurring events are
    expanded by the caller, not the server)."""
    import caldav
    import icalendar

    outbound.checked(url, allowed_hosts=allowed_hosts())  # before a password is sent anywhere
    try:
        client = caldav.DAVClient(  # type: ignore[operator]
            url=url,
            username=username or None,
            password=password or None,
            timeout=TIMEOUT,
            require_tls=not is_loopback(url),
        )
        # No redirects (each would need the same check) and no proxies or .netrc from the
        # environment: the server asked is the one that was checked.
        client.session.max_redirects = 0
        client.session.trust_env = False
        found = client.calendar(url=url).search(start=start, end=end, event=True)
        merged = icalendar.Calendar()
        merged.add("prodid", "-//Växel//CalDAV//SV")
        merged.add("version", "2.0")
        for item in found:
            for component in icalendar.Calendar.from_ical(item.data).subcomponents:
                merged.add_component(component)
        return merged.to_ical()
    except Exception:  # the CalDAV stack raises many kinds; all mean "not read"
        raise CaldavError(
            _("The CalDAV calendar could not be read; check the address, user name and password."),
        ) from None
