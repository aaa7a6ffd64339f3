"""The console app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput


class InvalidChoice(InvalidInput):
    """Choose <what> from the list."""

    error_id = "invalid_choice"
