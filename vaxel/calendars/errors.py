"""The calendars app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class CaldavError(InvalidInput):
    """The CalDAV calendar could not be read."""

    error_id = "caldav_error"


class CaldavNeedsHttps(InvalidInput):
    """A CalDAV calendar needs an https:// address: the password goes with each request."""

    error_id = "caldav_needs_https"


class CalendarExists(InvalidInput):
    """That calendar is already connected."""

    error_id = "calendar_exists"


class CalendarHttpError(InvalidInput):
    """The calendar server answered <code>."""

    error_id = "calendar_http_error"


class CalendarNotFound(InvalidInput):
    """That calendar is not yours, or it is gone."""

    error_id = "calendar_not_found"


class CalendarTooLarge(InvalidInput):
    """The calendar is larger than <mb> MB."""

    error_id = "calendar_too_large"


class CalendarTooManyEvents(InvalidInput):
    """The calendar has more than <most> events in the coming <days> days."""

    error_id = "calendar_too_many_events"


class EventNotFound(InvalidInput):
    """That event is not in your calendars."""

    error_id = "event_not_found"


class InvalidAction(InvalidInput):
    """Choose what to do."""

    error_id = "invalid_action"


class InvalidCalendarKind(InvalidInput):
    """Choose a feed address, a CalDAV calendar or an .ics file."""

    error_id = "invalid_calendar_kind"


class InvalidCalendarUrl(InvalidInput):
    """<url> is not a calendar address."""

    error_id = "invalid_calendar_url"


class InvalidIcalendar(InvalidInput):
    """The calendar could not be read: <error>."""

    error_id = "invalid_icalendar"


class InvalidReasonWords(InvalidInput):
    """<pair> is not WORD=REASON with a reason among <reasons>."""

    error_id = "invalid_reason_words"


class NotIcalendar(InvalidInput):
    """This is not an iCalendar file (it should begin with BEGIN:VCALENDAR)."""

    error_id = "not_icalendar"


class TooLarge(InvalidInput):
    """The file is larger than 5 MB."""

    error_id = "too_large"
