"""The records app's domain errors: one class per stable error id."""

from vaxel.core.errors import Conflict, InvalidInput, NotFound


class ActionNotAllowed(InvalidInput):
    """<kind> cannot be <action>; allowed: <actions>."""

    error_id = "retention_action_not_allowed"


class InvalidRetention(InvalidInput):
    """Keep a record 1 to 36500 days."""

    error_id = "invalid_retention"


class UnknownRecordKind(InvalidInput):
    """<kind> is not a kind of record."""

    error_id = "unknown_record_kind"


class HoldIncomplete(InvalidInput):
    """Say what the hold covers, why (a reason and a note)."""

    error_id = "hold_incomplete"


class HoldNotFound(NotFound):
    """There is no hold <id>."""

    error_id = "hold_not_found"


class HoldLifted(Conflict):
    """Hold <id> is already lifted."""

    error_id = "hold_already_lifted"


class RecordNotFound(NotFound):
    """There is no message or call <reference>."""

    error_id = "record_not_found"


class InvalidClassification(InvalidInput):
    """<value> is not a classification."""

    error_id = "invalid_classification"


class NotPublicRecord(Conflict):
    """Only a public record is registered."""

    error_id = "not_a_public_record"


class AlreadyRegistered(Conflict):
    """Message <reference> is already registered as <number>."""

    error_id = "already_registered"


class RequestSubjectMissing(InvalidInput):
    """Give --person EMAIL or --caller NUMBER, one of them."""

    error_id = "request_subject_missing"
