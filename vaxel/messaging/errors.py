"""The messaging app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import Conflict, InvalidInput, NotFound


class AlreadyHandled(Conflict):
    """Message <reference> is already handled."""

    error_id = "already_handled"


class CallbackDueInPast(InvalidInput):
    """The callback would be due in the past."""

    error_id = "callback_due_in_past"


class CallbackNeedsNumber(InvalidInput):
    """A callback needs the caller's number."""

    error_id = "callback_needs_number"


class EmptyMessage(InvalidInput):
    """Write what the call is about."""

    error_id = "empty_message"


class InvalidKind(InvalidInput):
    """<kind> is not a kind of message."""

    error_id = "invalid_kind"


class InvalidStep(InvalidInput):
    """<step> is not a step."""

    error_id = "invalid_step"


class MessageNotFound(NotFound):
    """There is no message <reference>."""

    error_id = "message_not_found"


class NoRecipient(InvalidInput):
    """Say who the message is for: a person (e-mail address) or a unit, one of them."""

    error_id = "no_recipient"


class NoteRequired(InvalidInput):
    """Say in a note why the message is closed."""

    error_id = "note_required"
