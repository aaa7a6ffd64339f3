"""Domain errors: a stable id, a message a person can act on, and details.

One class per id, in the errors.py of the app that owns it (as wazo-calld's
exceptions.py), subclassing one of the four kinds below; every surface (CLI, admin,
API) turns them into its own answer in one place. `tests/test_errors.py` holds the ids
unique and listed in docs/api.md.
"""

from typing import Any


class VaxelError(Exception):
    error_id = "error"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"id": self.error_id, "message": self.message, "details": self.details}}


class InvalidInput(VaxelError):
    error_id = "invalid_input"


class NotFound(VaxelError):
    error_id = "not_found"


class Conflict(VaxelError):
    error_id = "conflict"


class Forbidden(VaxelError):
    error_id = "forbidden"


# The core's own errors, one class per stable error id.


class AddressNotAllowed(InvalidInput):
    """Växel reads calendars only from addresses on the public internet."""

    error_id = "address_not_allowed"


class AddressUnreachable(InvalidInput):
    """The server could not be reached."""

    error_id = "address_unreachable"


class InvalidDate(InvalidInput):
    """<field> <value> is not a date."""

    error_id = "invalid_date"


class InvalidIdentifier(InvalidInput):
    """<field> may hold only letters, digits and -."""

    error_id = "invalid_identifier"


class InvalidPhoneNumber(InvalidInput):
    """<field> <value> is not a valid phone number."""

    error_id = "invalid_phone_number"


class InvalidTime(InvalidInput):
    """<field> <value> is not an ISO 8601 time."""

    error_id = "invalid_time"


class NotOneLine(InvalidInput):
    """<field> must be one line, without line breaks or control characters."""

    error_id = "not_one_line"


class PeriodEndsBeforeStart(InvalidInput):
    """The period ends (<last>) before it begins (<first>)."""

    error_id = "period_ends_before_start"


class PeriodOutOfRange(InvalidInput):
    """Choose a period of at most ten years, between 1900 and 2999."""

    error_id = "period_out_of_range"


class TimeOutOfRange(InvalidInput):
    """<field> <value> is outside the years <first>–<last> that Växel plans for."""

    error_id = "time_out_of_range"


class TooLong(InvalidInput):
    """<field> is longer than <longest> characters."""

    error_id = "too_long"


class TooManyRedirects(InvalidInput):
    """The address redirects too many times."""

    error_id = "too_many_redirects"


class UnreadableFile(InvalidInput):
    """The file could not be read as CSV or as an Excel workbook (.xlsx)."""

    error_id = "unreadable_file"
