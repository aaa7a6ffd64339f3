"""The mobiles app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import Conflict, InvalidInput, NotFound


class AlreadyReviewed(Conflict):
    """That unusual use was already marked reviewed by <name>."""

    error_id = "already_reviewed"


class DuplicateImport(Conflict):
    """This file was imported already, on <date>."""

    error_id = "duplicate_import"


class ImportRejected(InvalidInput):
    """The file was not imported; nothing was written. <the rows and what is wrong with each>"""

    error_id = "import_rejected"


class InvalidGreeting(InvalidInput):
    """Write the greeting as you recorded it (at most 1,000 characters)."""

    error_id = "invalid_greeting"


class InvalidIccid(InvalidInput):
    """<value> is not an ICCID: 18–22 digits beginning 89, as printed on the SIM card."""

    error_id = "invalid_iccid"


class InvalidImei(InvalidInput):
    """<value> is not an IMEI: 15 digits with a valid check digit (dial *#06# on the phone)."""

    error_id = "invalid_imei"


class InvalidSubscription(InvalidInput):
    """Name the mobile operator (e.g. Telia, Tele2, Telenor)."""

    error_id = "invalid_subscription"


class InvalidLossReport(InvalidInput):
    """Say whether the phone is lost or stolen, and when (not in the future)."""

    error_id = "invalid_loss_report"


class MobileAlreadyReportedLost(Conflict):
    """This work mobile is already reported lost since <time>; it is blocked or being blocked."""

    error_id = "mobile_already_reported_lost"


class MobileHeld(Conflict):
    """The work mobile is held by <name>; have it returned first."""

    error_id = "mobile_held"


class MobileNotFound(NotFound):
    """<number> is not a work mobile in the registry."""

    error_id = "mobile_not_found"


class MobileNotHeld(Conflict):
    """Nobody holds this work mobile."""

    error_id = "mobile_not_held"


class MobileNotLost(Conflict):
    """This work mobile is not reported lost."""

    error_id = "mobile_not_lost"


class MobileExists(Conflict):
    """<number or ICCID> is already in the registry."""

    error_id = "mobile_exists"


class OtherMobileInDirectory(Conflict):
    """<name> already has another mobile in the directory; remove it or hand out that number."""

    error_id = "other_mobile_in_directory"


class PersonHoldsAMobile(Conflict):
    """<name> already holds a work mobile; have it returned first."""

    error_id = "person_holds_a_mobile"


class UnknownColumns(InvalidInput):
    """The file has columns Växel does not know: <names>."""

    error_id = "unknown_columns"


class UnknownPreset(InvalidInput):
    """There is no usage format called <name>; choose one of <names> or give --columns."""

    error_id = "unknown_preset"
