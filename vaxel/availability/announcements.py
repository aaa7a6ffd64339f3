"""What callers hear, in the organisation's language (Swedish by default), whatever
language the page that shows it is in (vaxel/core/language.py).

Times are said the way a Swedish switchboard says them: "klockan 13.00" today,
"i morgon klockan 08.00", "måndag den 7 december klockan 08.00" further on.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vaxel.availability.constants import AbsenceReason
from vaxel.core.language import in_organisation_language
from vaxel.core.time import local

# "<name> is at a meeting": the verb phrase for each reason.
_ABSENT_PHRASES: dict[str, Callable[[], str]] = {
    AbsenceReason.MEETING: lambda: _("is in a meeting"),
    AbsenceReason.LUNCH: lambda: _("is at lunch"),
    AbsenceReason.TRAINING: lambda: _("is at a training course"),
    AbsenceReason.BUSINESS_TRIP: lambda: _("is on a business trip"),
    AbsenceReason.HOME_VISIT: lambda: _("is on a home visit"),
    AbsenceReason.VACATION: lambda: _("is on vacation"),
    AbsenceReason.SICK: lambda: _("is off sick"),
    AbsenceReason.DAY_OFF: lambda: _("is off today"),
    AbsenceReason.GONE_FOR_THE_DAY: lambda: _("has gone for the day"),
    AbsenceReason.OTHER: lambda: _("is not available"),
}


def clock(at: datetime) -> str:
    return pgettext("spoken clock time", "at %(time)s") % {"time": local(at).strftime("%H.%M")}


@in_organisation_language
def spoken_moment(moment: datetime, *, now: datetime, say_today: bool = False) -> str:
    """The moment as said to a caller at `now`."""
    when, today = local(moment), local(now).date()
    days_ahead = (when.date() - today).days
    if days_ahead == 0:
        return (_("today %(clock)s") if say_today else "%(clock)s") % {"clock": clock(moment)}
    if days_ahead == 1:
        return _("tomorrow %(clock)s") % {"clock": clock(moment)}
    date_format = "l \\d\\e\\n j F" if when.year == local(now).year else "l \\d\\e\\n j F Y"
    return _("%(date)s %(clock)s") % {"date": dateformat.format(when, date_format), "clock": clock(moment)}


@in_organisation_language
def greeting(organisation: str) -> str:
    """S1."""
    return _("Welcome to %(organisation)s.") % {"organisation": organisation}


@in_organisation_language
def switchboard_closed(organisation: str, *, next_opening: datetime | None, now: datetime) -> str:
    """S4: closed, and when it opens next."""
    if next_opening is None:
        return _("Welcome to %(organisation)s. The switchboard is closed.") % {"organisation": organisation}
    return _("Welcome to %(organisation)s. The switchboard is closed and opens again %(when)s.") % {
        "organisation": organisation,
        "when": spoken_moment(next_opening, now=now, say_today=True),
    }


@in_organisation_language
def person_absent(name: str, *, reason: str, back_at: datetime | None, now: datetime) -> str:
    """E3: who, why, and when they are back."""
    phrase = _ABSENT_PHRASES.get(reason, _ABSENT_PHRASES[AbsenceReason.OTHER])()
    if back_at is None:
        return _("%(name)s %(phrase)s until further notice.") % {"name": name, "phrase": phrase}
    return _("%(name)s %(phrase)s and is back %(when)s.") % {
        "name": name,
        "phrase": phrase,
        "when": spoken_moment(back_at, now=now),
    }


@in_organisation_language
def group_unavailable(name: str) -> str:
    return _("Nobody at %(name)s can answer right now.") % {"name": name}
