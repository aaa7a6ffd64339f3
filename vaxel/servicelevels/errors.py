"""The servicelevels app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class InvalidPeriod(InvalidInput):
    """<by> is not a period."""

    error_id = "invalid_period"


class InvalidServiceLevel(InvalidInput):
    """Give each target as a whole number, e.g."""

    error_id = "invalid_service_level"
