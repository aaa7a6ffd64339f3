"""The telephony app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import Conflict, InvalidInput, NotFound


class CallEnded(Conflict):
    """The call has already ended (<state>)."""

    error_id = "call_ended"


class CallInProgress(Conflict):
    """Finish the call you have first: put it through, take a message or end it."""

    error_id = "call_in_progress"


class CallNotAnswered(Conflict):
    """Answer the call before you put it on hold."""

    error_id = "call_not_answered"


class CallNotFound(NotFound):
    """There is no call <id>."""

    error_id = "call_not_found"


class CallTaken(Conflict):
    """<name> has already answered this call."""

    error_id = "call_taken"


class FileNotFound(InvalidInput):
    """There is no file <path> to read."""

    error_id = "file_not_found"


class InvalidCsv(InvalidInput):
    """Line <line>: write email,url."""

    error_id = "invalid_csv"


class InvalidEvent(InvalidInput):
    """<kind> is not a call event."""

    error_id = "invalid_event"


class InvalidLifetime(InvalidInput):
    """Give --days between 1 and 3650."""

    error_id = "invalid_lifetime"


class InvalidRate(InvalidInput):
    """--rate and --patience must be above 0, and --count at least 1."""

    error_id = "invalid_rate"


class InvalidUrl(InvalidInput):
    """<url> is not an http:// or https:// address of Växel."""

    error_id = "invalid_url"


class MissingCallId(InvalidInput):
    """An event needs the call's id (call_id)."""

    error_id = "missing_call_id"


class NoSwitchboard(InvalidInput):
    """No switchboard number yet."""

    error_id = "no_switchboard"


class NotSwitchboard(InvalidInput):
    """<number> is not the switchboard's number."""

    error_id = "not_switchboard"


class NotText(InvalidInput):
    """<path> is not a text file (it holds NUL bytes)."""

    error_id = "not_text"


class NoSuchTarget(NotFound):
    """That address has expired or was never given out."""

    error_id = "no_such_target"


class NumberOutOfService(Conflict):
    """<name>'s work mobile is reported lost or stolen (W1); put the call through elsewhere."""

    error_id = "number_out_of_service"


class PersonInactive(Conflict):
    """<name> has left."""

    error_id = "person_inactive"


class DeskPhoneNotInCall(Conflict):
    """Your desk phone is no longer in this call: the caller may have hung up."""

    error_id = "desk_phone_not_in_call"


class DeskPhoneNotEnded(Conflict):
    """The call has ended for the caller, but your desk phone may still show it: hang it up."""

    error_id = "desk_phone_not_ended"


class TelephoneUnreachable(Conflict):
    """Kamailio did not answer: the call is as it was on your desk phone."""

    error_id = "telephone_unreachable"


class LoginNotFound(NotFound):
    """There is no active login <login>."""

    error_id = "login_not_found"


class NotCallback(Conflict):
    """That call is not waiting to be called back."""

    error_id = "not_callback"


class ConsultNotPossible(Conflict):
    """The number cannot be asked first now: its calls come back to the switchboard."""

    error_id = "consult_not_possible"


class NoCallbackNumber(Conflict):
    """The caller's number is withheld: listen to the voice message and close it."""

    error_id = "no_callback_number"


class NotVoiceMessage(Conflict):
    """That call is not a voice message waiting in the queue."""

    error_id = "not_voice_message"
