"""The selfservice app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class InvalidPreset(InvalidInput):
    """Fill in the time or the days for that choice (the end must be later than the start)."""

    error_id = "invalid_preset"
