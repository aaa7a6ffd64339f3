"""The mobiles app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class InvalidGreeting(InvalidInput):
    """Write the greeting as you recorded it (at most 1,000 characters)."""

    error_id = "invalid_greeting"
