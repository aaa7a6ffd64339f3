"""Reading calendars from where they live: an iCalendar feed over HTTP (with conditional
requests, so an unchanged feed costs one short answer) or a CalDAV server. Every
failure becomes an InvalidInput that says what went wrong."""

import ipaddress
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from vaxel.calendars.ical import LARGEST_FILE
from vaxel.core.errors import InvalidInput

TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class Fetched:
    data: bytes | None  # None: unchanged since the last read
    etag: str = ""
    last_modified: str = ""


def feed_url(url: str) -> str:
    """A feed address as it will be read: webcal:// is https://."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise InvalidInput(
            _("%(url)r is not a calendar address; it should begin with https:// or webcal://.")
            % {"url": url},
            error_id="invalid_calendar_url",
        )
    return url


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    headers = {"User-Agent": "Vaxel-calendar/1", "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(feed_url(url), headers=headers)  # noqa: S310 (http/https checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            data = response.read(LARGEST_FILE + 1)
            return Fetched(data, response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag, last_modified)
        raise InvalidInput(
            _("The calendar server answered %(code)s %(reason)s; check the address.")
            % {"code": error.code, "reason": error.reason},
            error_id="calendar_http_error",
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise InvalidInput(
            _("The calendar server could not be reached (%(reason)s); Växel tries again.")
            % {"reason": reason},
            error_id="calendar_unreachable",
        ) from None


def fetch_caldav(url: str, *, username: str, password: str, start: datetime, end: datetime) -> bytes:
    """The calendar's events in start–end, as one iCalendar file (recurring events are
    expanded by the caller, not the server)."""
    import caldav
    import icalendar

    try:
        client = caldav.DAVClient(  # type: ignore[operator]
            url=url,
            username=username or None,
            password=password or None,
            timeout=TIMEOUT,
            require_tls=not is_loopback(url),
        )
        found = client.calendar(url=url).search(start=start, end=end, event=True)
        merged = icalendar.Calendar()
        merged.add("prodid", "-//Växel//CalDAV//SV")
        merged.add("version", "2.0")
        for item in found:
            for component in icalendar.Calendar.from_ical(item.data).subcomponents:
                merged.add_component(component)
        return merged.to_ical()
    except Exception as error:  # the CalDAV stack raises many kinds; all mean "not read"
        raise InvalidInput(
            _("The CalDAV calendar could not be read (%(error)s); check the address, user name and password.")
            % {"error": str(error)[:200] or error.__class__.__name__},
            error_id="caldav_error",
        ) from None
