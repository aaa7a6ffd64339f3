"""The console app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import InvalidInput, NotFound


class InvalidChoice(InvalidInput):
    """Choose <what> from the list."""

    error_id = "invalid_choice"


class NotTelephone(NotFound):
    """The console is not a telephone here: calls are carried by another telephone system."""

    error_id = "not_telephone"
