"""The kinds of record Växel keeps, what may be done with each once its period has
passed, and the defaults a municipality can defend (docs/records.md gives the reasons)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    MESSAGE_HANDLED = "message_handled", _("messages and callbacks, handled (called back)")
    MESSAGE_CLOSED = "message_closed", _("messages and callbacks, closed with a note")
    VOICEMAIL_RECORDING = "voicemail_recording", _("voicemail recordings")
    CALLER_NUMBER = "caller_number", _("callers' numbers in call records")
    OUTBOX_EMAIL = "outbox_email", _("e-mails in the outbox, sent or failed")
    CALENDAR_ABSENCE = "calendar_absence", _("absences made from calendars")
    CALENDAR_TITLE = "calendar_title", _("calendar event titles")
    CHANGE_LOG = "change_log", _("the change log")
    CHART_FILE = "chart_file", _("chart files")
    PROMPT_FILE = "prompt_file", _("spoken prompt files")
    SIGNIN_LOG = "signin_log", _("sign-in logs")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("delete")
    PSEUDONYMISE = "pseudonymise", _("pseudonymise")


D, P = RetentionAction.DELETE, RetentionAction.PSEUDONYMISE

# What each kind allows. A call's record is only ever pseudonymised: deleting it would
# change the statistics (C2); a title or a number is replaced, never "deleted".
ACTIONS: dict[str, tuple[str, ...]] = {
    RecordKind.MESSAGE_HANDLED: (D, P),
    RecordKind.MESSAGE_CLOSED: (D, P),
    RecordKind.VOICEMAIL_RECORDING: (D,),
    RecordKind.CALLER_NUMBER: (P,),
    RecordKind.OUTBOX_EMAIL: (D,),
    RecordKind.CALENDAR_ABSENCE: (D,),
    RecordKind.CALENDAR_TITLE: (P,),
    RecordKind.CHANGE_LOG: (D,),
    RecordKind.CHART_FILE: (D,),
    RecordKind.PROMPT_FILE: (D,),
    RecordKind.SIGNIN_LOG: (D,),
}

# (days, action): the defaults, overridden by VAXEL_RETENTION and then by the admin.
DEFAULTS: dict[str, tuple[int, str]] = {
    RecordKind.MESSAGE_HANDLED: (365, D),
    RecordKind.MESSAGE_CLOSED: (365, D),
    RecordKind.VOICEMAIL_RECORDING: (30, D),
    RecordKind.CALLER_NUMBER: (90, P),
    RecordKind.OUTBOX_EMAIL: (30, D),
    RecordKind.CALENDAR_ABSENCE: (90, D),
    RecordKind.CALENDAR_TITLE: (7, P),
    RecordKind.CHANGE_LOG: (730, D),
    RecordKind.CHART_FILE: (30, D),
    RecordKind.PROMPT_FILE: (30, D),
    RecordKind.SIGNIN_LOG: (90, D),
}


class Classification(models.TextChoices):
    PUBLIC_RECORD = "public_record", _("public record (allmän handling)")
    WORKING_MATERIAL = "working_material", _("working material (arbetsmaterial)")
    TEMPORARY = "temporary", _("of temporary importance")


# By default from the message's kind; a message from one of the organisation's own
# numbers is internal working material. VAXEL_CLASSIFICATION overrides.
CLASSIFICATION_DEFAULTS: dict[str, str] = {
    "callback": Classification.TEMPORARY,
    "information": Classification.PUBLIC_RECORD,
    "internal": Classification.WORKING_MATERIAL,
}


class HoldReason(models.TextChoices):
    PUBLIC_RECORDS_REQUEST = "public_records_request", _("request for public records")
    COMPLAINT = "complaint", _("complaint")
    LEGAL_MATTER = "legal_matter", _("legal matter")
    OTHER = "other", _("other")


class HoldScope(models.TextChoices):
    MESSAGE = "message", _("a message")
    CALL = "call", _("a call")
    PERSON = "person", _("a person's records")
    CALLER = "caller", _("a caller's records")
    PERIOD = "period", _("a period")
