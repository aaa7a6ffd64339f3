from django.db import models
from django.utils.translation import gettext_lazy as _


class AbsenceSource(models.TextChoices):
    MANUAL = "manual", _("by hand")
    CALENDAR = "calendar", _("from the calendar")


class AbsenceReason(models.TextChoices):
    MEETING = "meeting", _("meeting")
    LUNCH = "lunch", _("lunch")
    TRAINING = "training", _("training")
    BUSINESS_TRIP = "business_trip", _("business trip")
    HOME_VISIT = "home_visit", _("home visit")
    VACATION = "vacation", _("vacation")
    SICK = "sick", _("sick")
    DAY_OFF = "day_off", _("day off")
    GONE_FOR_THE_DAY = "gone_for_the_day", _("gone for the day")
    OTHER = "other", _("other")


# The RFC 4480 (RPID) <activities> value each reason corresponds to, for presence
# and for the reason carried in SIP (Diversion / History-Info) by the telephony layer.
RFC4480_ACTIVITY: dict[str, str] = {
    AbsenceReason.MEETING: "meeting",
    AbsenceReason.LUNCH: "meal",
    AbsenceReason.TRAINING: "meeting",
    AbsenceReason.BUSINESS_TRIP: "travel",
    AbsenceReason.HOME_VISIT: "appointment",
    AbsenceReason.VACATION: "vacation",
    AbsenceReason.SICK: "away",
    AbsenceReason.DAY_OFF: "holiday",
    AbsenceReason.GONE_FOR_THE_DAY: "away",
    AbsenceReason.OTHER: "unknown",
}


# E7: what may not be placed in telephone hours (meetings, home visits, morning meetings,
# coffee breaks). Being sick or on vacation is no breach of the routine.
TELEPHONE_HOURS_BREACHES = {
    AbsenceReason.MEETING,
    AbsenceReason.LUNCH,
    AbsenceReason.TRAINING,
    AbsenceReason.HOME_VISIT,
    AbsenceReason.OTHER,
}


def activity_for(reason: str) -> str:
    return RFC4480_ACTIVITY.get(reason, "unknown")


# Swedish words accepted on the command line beside the codes above.
REASON_ALIASES = {
    "möte": AbsenceReason.MEETING,
    "utbildning": AbsenceReason.TRAINING,
    "tjänsteresa": AbsenceReason.BUSINESS_TRIP,
    "hembesök": AbsenceReason.HOME_VISIT,
    "semester": AbsenceReason.VACATION,
    "sjuk": AbsenceReason.SICK,
    "ledig": AbsenceReason.DAY_OFF,
    "gått för dagen": AbsenceReason.GONE_FOR_THE_DAY,
    "gatt-for-dagen": AbsenceReason.GONE_FOR_THE_DAY,
    "annat": AbsenceReason.OTHER,
}


class DivertTo(models.TextChoices):
    """Where a person's calls go while they are absent."""

    SWITCHBOARD = "switchboard", _("the switchboard")
    VOICEMAIL = "voicemail", _("voicemail")
    COLLEAGUE = "colleague", _("a colleague")
