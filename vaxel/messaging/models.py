from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vaxel.core.time import now


class MessageKind(models.TextChoices):
    CALLBACK = "callback", _("please call back")
    INFORMATION = "information", _("for information")


class MessageStatus(models.TextChoices):
    NEW = "new", _("new")
    READ = "read", _("read")
    HANDLED = "handled", _("handled")


class Message(models.Model):
    """A message taken at the switchboard for a person or a whole unit when nobody could
    answer (S2). It reaches the recipient by e-mail (E5); a callback has a due time from
    the unit's service level and is followed until done (E4)."""

    reference = models.CharField(_("reference"), max_length=12, unique=True)
    taken_at = models.DateTimeField(_("taken"), default=now, db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    taken_by_name = models.CharField(_("taken by"), max_length=150)
    caller_name = models.CharField(_("caller"), max_length=200, blank=True)
    caller_number = models.CharField(_("caller's number"), max_length=20, blank=True, db_index=True)
    # False when the caller's number is an employee's mobile they keep private (S3).
    caller_number_public = models.BooleanField(default=True)
    # Part of every e-mailed link; raising it revokes every link sent so far.
    link_version = models.PositiveIntegerField(default=1)
    subject = models.CharField(_("about"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    person = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=MessageKind.choices, default=MessageKind.CALLBACK
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.NEW
    )
    due_at = models.DateTimeField(_("call back by"), null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    unread_flagged_at = models.DateTimeField(null=True, blank=True)
    unread_escalated_at = models.DateTimeField(null=True, blank=True)
    # A voicemail's recording, a WAV file under the data folder's recordings/.
    recording = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="message_for_a_person_or_a_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def recipient_name(self) -> str:
        return self.person.name if self.person_id else self.unit.name  # type: ignore[union-attr]


class EventKind(models.TextChoices):
    TAKEN = "taken", _("taken")
    READ = "read", _("read")
    CALLED_BACK = "called_back", _("called back")
    NO_ANSWER = "no_answer", _("no answer, will try again")
    CLOSED = "closed", _("closed")
    REMINDED = "reminded", _("reminder sent")
    ESCALATED = "escalated", _("escalated to the manager")
    UNREAD_FLAGGED = "unread_flagged", _("unread for a working day")
    UNREAD_ESCALATED = "unread_escalated", _("unread, told the manager")
    LINK_REVOKED = "link_revoked", _("e-mailed links revoked")


class MessageEvent(models.Model):
    """One step in a message's history: who did what, when."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message.reference} {self.kind}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("cannot be sent")


class OutboxEmail(models.Model):
    """An e-mail committed with the change that caused it and sent afterwards, retried
    with back-off until the SMTP server takes it: never lost, never sent twice."""

    created_at = models.DateTimeField(default=now)
    recipients = models.JSONField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails"
    )
    header_message_id = models.CharField(max_length=200, unique=True)
    attachment = models.CharField(max_length=300, blank=True)  # a file under the data folder
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.state})"


class DigestRun(models.Model):
    """The daily digest was sent on this date: at most once a day, whichever worker runs it."""

    date = models.DateField(unique=True)
    sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.date)
