"""The availability app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class AbsenceEndsBeforeStart(InvalidInput):
    """The absence ends (<end>) before or when it starts (<start>)."""

    error_id = "absence_ends_before_start"


class ExceptionNeedsOne(InvalidInput):
    """Give exactly one of --closed or --hours HH:MM-HH:MM."""

    error_id = "exception_needs_one"


class InvalidDivertTo(InvalidInput):
    """<value> is not a diversion target."""

    error_id = "invalid_divert_to"


class InvalidHours(InvalidInput):
    """<field> <value> closes before it opens."""

    error_id = "invalid_hours"


class InvalidReason(InvalidInput):
    """<reason> is not an absence reason."""

    error_id = "invalid_reason"


class InvalidWeeklyHours(InvalidInput):
    """<field> <value> is not a weekly schedule."""

    error_id = "invalid_weekly_hours"


class NothingToSet(InvalidInput):
    """Give --weekly, --eve-hours or both."""

    error_id = "nothing_to_set"
