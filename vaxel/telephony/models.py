from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vaxel.core.time import now


class CallState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    # The caller pressed 1 and hung up: they keep their place, to be called back (E4).
    CALLBACK = "callback", _("waiting for a callback")
    ANSWERED = "answered", _("answered")
    PUT_THROUGH = "put_through", _("put through")
    MESSAGE = "message", _("message taken")
    ENDED = "ended", _("ended")
    ABANDONED = "abandoned", _("caller hung up")
    PARKED = "parked", _("parked")
    CLOSED = "closed", _("switchboard closed")


# States in which the call is still on the line at the switchboard.
LIVE_STATES = (CallState.QUEUED, CallState.ANSWERED, CallState.PARKED)
# In the consoles' queue, in one order (telephony/queueing.py).
WAITING_STATES = (CallState.QUEUED, CallState.CALLBACK)


class Call(models.Model):
    """A call to the switchboard number: it waits in the queue, an operator answers it
    with the greeting (S1) and puts it through, or takes a message (S2); after hours the
    caller hears when the switchboard opens (S4). A call from one of the organisation's
    own numbers is internal (E8)."""

    external_id = models.CharField(max_length=200, unique=True)  # the PBX's call id
    driver = models.CharField(max_length=30)
    caller = models.CharField(_("caller's number"), max_length=20, blank=True)  # E.164; "" withheld
    # False when the caller's number is an employee's mobile they keep private (S3).
    caller_public = models.BooleanField(default=True)
    caller_person = models.ForeignKey(
        "directory.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal = models.BooleanField(_("internal"), default=False)
    called = models.CharField(_("number called"), max_length=20)
    # What the caller asked for, when the driver knows it (the simulator does).
    asks_for = models.CharField(max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=CallState.choices, db_index=True)
    arrived_at = models.DateTimeField(_("arrived"), default=now, db_index=True)
    # The caller's place in the queue: when they first reached it (arrived_at), or the
    # place of their callback still waiting when they phoned again (queueing.py).
    place_at = models.DateTimeField(default=now)
    # E4: the caller asked to be called back from the queue (pressed 1); due by the
    # switchboard's service level; each attempt counted; called back when answered.
    callback_requested_at = models.DateTimeField(null=True, blank=True)
    callback_due_at = models.DateTimeField(_("call back by"), null=True, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    called_back_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    put_through_to = models.ForeignKey(
        "directory.PhoneNumber", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    put_through_name = models.CharField(max_length=200, blank=True)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A call put through that was not answered there comes back (a recall): this leg of
    # it queues at its first place and is counted as the same call.
    recall_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="recalls"
    )
    recall_reason = models.CharField(max_length=20, blank=True)  # RecallReason
    # A parked call: the caller waits at the media endpoint on a new SIP line (line_id),
    # for any operator to pick up; at parked_until it rings the one who parked it again.
    line_id = models.CharField(max_length=200, blank=True, db_index=True)
    parked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parked_until = models.DateTimeField(null=True, blank=True)
    # S2: a voice message the caller left for the switchboard at the overflow
    # (VAXEL_OVERFLOW_TO=voicemail), a WAV under the data folder's recordings/; the call
    # then waits in its place as a callback (E4), or to be listened to and closed.
    recording = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["arrived_at", "id"]
        # A caller's earlier calls, newest first (the console's caller history).
        indexes = [
            models.Index(fields=["caller", "-arrived_at"], name="call_caller_arrived"),
            # The calls handled lately: how fast the queue moves (wait_basis_get).
            models.Index(fields=["answered_at"], name="call_answered"),
            # A caller's callback still waiting, looked up as each call arrives: not by
            # reading all the calls of a number that phones often (an office's).
            models.Index(fields=["state", "caller"], name="call_state_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.state})"


class CallEventKind(models.TextChoices):
    ARRIVED = "arrived", _("arrived")
    QUEUED = "queued", _("queued")
    ANSWERED = "answered", _("answered")
    HELD = "held", _("put on hold")
    RESUMED = "resumed", _("taken off hold")
    TRANSFERRED = "transferred", _("transferred")
    ABANDONED = "abandoned", _("abandoned")
    ENDED = "ended", _("ended")
    RECALLED = "recalled", _("came back from a transfer")
    PARKED = "parked", _("parked")
    OVERFLOWED = "overflowed", _("sent on to the overflow")
    CALLBACK = "callback", _("asked to be called back")
    CALLED_BACK = "called_back", _("called back")
    CALLBACK_FAILED = "callback_failed", _("callback not answered")
    VOICE_MESSAGE = "voice_message", _("left a voice message for the switchboard")


class RecallReason(models.TextChoices):
    NO_ANSWER = "no_answer", _("did not answer")
    BUSY = "busy", _("was busy")
    DECLINED = "declined", _("declined the call")
    NOT_REACHED = "not_reached", _("could not be reached")


class CallEvent(models.Model):
    """What the telephone system reports happened to a call (from Kamailio, the PBX or
    an imported call-detail file). Stored once however often it is reported; the
    statistics and the forgotten-diversion check read these."""

    event_id = models.CharField(max_length=200, unique=True)  # the reporter's id, or one made from the event
    call_id = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=CallEventKind.choices)
    at = models.DateTimeField(_("when"), db_index=True)
    called = models.CharField(_("number called"), max_length=20, blank=True, db_index=True)
    calling = models.CharField(_("caller's number"), max_length=20, blank=True)  # never shown (S3)
    answered_by = models.CharField(max_length=200, blank=True)
    transferred_to = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=10, default="api")  # api | csv

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["called", "at"])]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind}"


class SipTargetKind(models.TextChoices):
    OPERATOR = "operator", _("an operator's console")
    TRANSFER = "transfer", _("a number put through to")
    CALLBACK = "callback", _("a caller called back")
    PARK = "park", _("the switchboard's parking place")
    OVERFLOW = "overflow", _("the switchboard's overflow")
    CONSULT = "consult", _("a number asked first")


class SipTarget(models.Model):
    """An opaque, short-lived SIP address (`op-…`, `xfer-…`, `cb-…`) that Kamailio
    resolves by asking Växel: the console of the operator who answered a queued call,
    the number an operator put a call through to, or the caller an operator calls back.
    The browser only ever sees the token; the number's digits (a mobile without
    consent, S3) stay here."""

    token = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=SipTargetKind.choices)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sip_targets")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.ForeignKey(
        "directory.PhoneNumber", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    referred_at = models.DateTimeField(null=True, blank=True)  # the caller was sent there
    used_at = models.DateTimeField(null=True, blank=True)  # Kamailio asked for it

    class Meta:
        verbose_name = _("SIP target")
        verbose_name_plural = _("SIP targets")
        # The few callers still to be sent on, which the media endpoint asks for at each
        # answer and every second while anyone is held (switchboard.referrals_due).
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=models.Q(referred_at__isnull=True),
                name="siptarget_unreferred",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]}…"


class OperatorPresence(models.Model):
    """An operator's console is open: its live stream says so every little while
    (console.views.events), from any server process. Nobody seen lately: no operator
    is there, and the queue overflows (VAXEL_OVERFLOW_TO)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("operator present")
        verbose_name_plural = _("operators present")

    def __str__(self) -> str:
        return f"{self.user_id} {self.seen_at:%H:%M:%S}"
