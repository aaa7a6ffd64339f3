"""The routing app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class MissingParameter(InvalidInput):
    """Give the dialled number as ?to=0370-331000."""

    error_id = "missing_parameter"
