from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vaxel.core.time import now


class CallState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    ANSWERED = "answered", _("answered")
    PUT_THROUGH = "put_through", _("put through")
    MESSAGE = "message", _("message taken")
    ENDED = "ended", _("ended")
    ABANDONED = "abandoned", _("caller hung up")
    CLOSED = "closed", _("switchboard closed")


# States in which the call is still on the line at the switchboard.
LIVE_STATES = (CallState.QUEUED, CallState.ANSWERED)


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

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["arrived_at", "id"]

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


class CallEvent(models.Model):
    """What the telephone system reports happened to a call (from Kamailio, the PBX or
    an imported call-detail file). Stored once however often it is reported; the
    statistics and the forgotten-diversion check read these."""

    event_id = models.CharField(max_length=200, unique=True)  # the reporter's id, or one made from the event
    call_id = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(_("event"), max_length=12, choices=CallEventKind.choices)
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


class SipTarget(models.Model):
    """An opaque, short-lived SIP address (`op-…`, `xfer-…`) that Kamailio resolves by
    asking Växel: the console of the operator who answered a queued call, or the number
    an operator put a call through to. The browser only ever sees the token; the number's
    digits (a mobile without consent, S3) stay here."""

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

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]}…"
