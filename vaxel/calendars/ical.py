"""Reading an iCalendar file (RFC 5545) into the occurrences that matter to the
switchboard: when someone is busy, why, and whether the title may be shown.

Plain Python over plain data: bytes in, `Occurrence` values out. Recurring events,
their moved and cancelled occurrences, time zones (also Outlook's Windows names), all-
day events and free/tentative/private events are handled by `icalendar` and
`recurring-ical-events`; this module decides what each occurrence means.
"""

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import recurring_ical_events
from django.utils.translation import gettext as _

from vaxel.availability.constants import AbsenceReason
from vaxel.calendars.errors import (
    CalendarTooLarge,
    CalendarTooManyEvents,
    InvalidIcalendar,
    InvalidReasonWords,
    NotIcalendar,
)
from vaxel.core.time import STOCKHOLM

LARGEST_FILE = 5 * 1024 * 1024  # bytes; a person's calendar for months is far smaller
MOST_EVENTS = 2000  # occurrences in the window; VAXEL_CALENDAR_MOST_EVENTS

# Words in a title or category, and the absence reason they mean (E3). Anything else busy
# is a meeting. VAXEL_CALENDAR_REASON_WORDS adds to or overrides these.
REASON_WORDS = {
    "lunch": AbsenceReason.LUNCH,
    "utbildning": AbsenceReason.TRAINING,
    "kurs": AbsenceReason.TRAINING,
    "semester": AbsenceReason.VACATION,
    "ledig": AbsenceReason.DAY_OFF,
    "ledighet": AbsenceReason.DAY_OFF,
    "hembesok": AbsenceReason.HOME_VISIT,
    "tjansteresa": AbsenceReason.BUSINESS_TRIP,
    "resa": AbsenceReason.BUSINESS_TRIP,
    "sjuk": AbsenceReason.SICK,
    "mote": AbsenceReason.MEETING,
}
NOT_BUSY = {"FREE", "TENTATIVE", "WORKINGELSEWHERE"}  # Outlook's X-MICROSOFT-CDO-BUSYSTATUS


@dataclass(frozen=True)
class Occurrence:
    uid: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    busy: bool
    private: bool
    title: str  # "" for a private event
    reason: str


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def reason_for(texts: list[str], words: dict[str, str]) -> str:
    found = {w for text in texts for w in "".join(c if c.isalnum() else " " for c in _fold(text)).split()}
    for word, reason in words.items():
        if _fold(word) in found:
            return reason
    return AbsenceReason.MEETING


def _instant(value: date | datetime) -> datetime:
    """A calendar time as an aware instant; a date is its Stockholm midnight and a
    floating (zone-less) time is Stockholm time."""
    # In UTC: Python subtracts two times of one zone by their wall clocks, which is wrong
    # across a daylight-saving change.
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=STOCKHOLM)).astimezone(UTC)
    return datetime.combine(value, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def _categories(event) -> list[str]:
    value = event.get("CATEGORIES")
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [str(c) for item in items for c in getattr(item, "cats", [item])]


def _occurrence(event, words: dict[str, str]) -> Occurrence | None:
    start_value = event["DTSTART"].dt
    all_day = not isinstance(start_value, datetime)
    if "DTEND" in event:
        end_value = event["DTEND"].dt
    elif "DURATION" in event:
        end_value = start_value + event["DURATION"].dt
    else:
        end_value = start_value + timedelta(days=1) if all_day else start_value
    starts_at, ends_at = _instant(start_value), _instant(end_value)
    if ends_at <= starts_at or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    busy_status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    busy = (
        str(event.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"
        and str(event.get("STATUS", "")).upper() != "TENTATIVE"
        and busy_status not in NOT_BUSY
    )
    private = str(event.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL")
    title = str(event.get("SUMMARY", "")).strip()
    categories = _categories(event)
    return Occurrence(
        uid=str(event.get("UID", "")) or f"no-uid-{starts_at.isoformat()}",
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        busy=busy,
        private=private,
        title="" if private else title[:300],
        # A private event's title says nothing here, not even its reason; its categories may.
        reason=reason_for(categories if private else [title, *categories], words),
    )


def checked_calendar(data: bytes) -> icalendar.Calendar:
    """The parsed file, with nothing expanded yet: cheap enough to run while the person
    waits, so a broken file is refused at once. InvalidInput saying what is wrong."""
    if len(data) > LARGEST_FILE:
        raise CalendarTooLarge(
            _("The calendar is larger than %(mb)d MB; export a shorter period.")
            % {"mb": LARGEST_FILE // 2**20},
        )
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if not text.upper().startswith("BEGIN:VCALENDAR"):
        raise NotIcalendar(
            _("This is not an iCalendar file (it should begin with BEGIN:VCALENDAR); check the address."),
        )
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        raise InvalidIcalendar(
            _("The calendar could not be read: %(error)s. Export it again or check the address.")
            % {"error": str(error)[:200]},
        ) from None
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "?"))[:100]
        if event.errors:
            name, problem = event.errors[0]
            raise InvalidIcalendar(
                _("The event %(uid)r has a broken %(name)s (%(problem)s); fix it in the calendar.")
                % {"uid": uid, "name": name, "problem": str(problem)[:120]},
            )
        _times_checked(event, uid)
    return calendar


def _times_checked(event, uid: str) -> None:
    """An event's end as written: after its start, and a time there can be (a DURATION of
    99999999 days is not). Refused, never swapped or guessed."""
    if "DTSTART" not in event:
        return
    start = event["DTSTART"].dt
    try:
        if "DTEND" in event:
            end = event["DTEND"].dt
        elif "DURATION" in event:
            end = start + event["DURATION"].dt
        else:
            return
        ends_before = _instant(end) < _instant(start)
    except (OverflowError, ValueError, TypeError):
        raise InvalidIcalendar(
            _("The event %(uid)r lasts longer than a calendar can hold; fix its end or duration.")
            % {"uid": uid},
        ) from None
    if ends_before:
        raise InvalidIcalendar(
            _("The event %(uid)r ends (%(end)s) before it starts (%(start)s); fix it in the calendar.")
            % {"uid": uid, "end": end.isoformat()[:25], "start": start.isoformat()[:25]},
        )


def occurrences(
    data: bytes,
    *,
    start: datetime,
    end: datetime,
    words: dict[str, str] | None = None,
    most: int = MOST_EVENTS,
) -> list[Occurrence]:
    """The occurrences of every event in `data` that overlap start–end, in time order;
    at most `most` of them. InvalidInput, saying what is wrong, when `data` is not a
    usable iCalendar file or has more."""
    calendar = checked_calendar(data)
    chosen = {**REASON_WORDS, **(words or {})}
    try:
        found: list[Occurrence | None] = []
        # Lazily and in time order, so a rule that repeats every second costs no more
        # than `most` occurrences before it is refused.
        for event in recurring_ical_events.of(calendar).after(start):
            if event.name != "VEVENT" or "DTSTART" not in event:
                continue
            if _instant(event["DTSTART"].dt) >= end:
                break
            if len(found) == most:
                raise CalendarTooManyEvents(
                    _(
                        "The calendar has more than %(most)d events in the coming %(days)d days; "
                        "check for an event that repeats too often."
                    )
                    % {"most": most, "days": (end - start).days},
                )
            found.append(_occurrence(event, chosen))
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        raise InvalidIcalendar(
            _("The calendar could not be read: %(error)s. Export it again or check the address.")
            % {"error": str(error)[:200]},
        ) from None
    return sorted((o for o in found if o is not None), key=lambda o: (o.starts_at, o.uid))


def parse_reason_words(text: str) -> dict[str, str]:
    """VAXEL_CALENDAR_REASON_WORDS: "Kundbesök=home_visit, Planering=meeting"."""
    words: dict[str, str] = {}
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        word, _sep, reason = pair.partition("=")
        if reason.strip() not in AbsenceReason.values or not word.strip():
            raise InvalidReasonWords(
                _("%(pair)r is not WORD=REASON with a reason among %(reasons)s.")
                % {"pair": pair, "reasons": ", ".join(AbsenceReason.values)},
            )
        words[_fold(word.strip())] = reason.strip()
    return words
