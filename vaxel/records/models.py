from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vaxel.core.time import now
from vaxel.records.constants import Classification, HoldReason, HoldScope, RecordKind, RetentionAction


class RetentionRule(models.Model):
    """The records plan's rule for one kind of record (dokumenthanteringsplan): kept so
    many days, then deleted or pseudonymised by the nightly thinning (gallring). Made
    from the defaults and VAXEL_RETENTION the first time it is needed, then changed here."""

    kind = models.CharField(_("kind of record"), max_length=30, choices=RecordKind.choices, unique=True)
    days = models.PositiveIntegerField(_("kept for (days)"))
    action = models.CharField(_("then"), max_length=12, choices=RetentionAction.choices)
    enabled = models.BooleanField(_("thinned"), default=True)
    basis = models.CharField(_("basis (records plan, decision)"), max_length=300, blank=True)
    changed_at = models.DateTimeField(default=now)
    changed_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Hold(models.Model):
    """A hold (a request for public records, a complaint, a legal matter): the records
    it covers — one message or call, a person's, a caller's, or a period's — are never
    thinned nor erased until it is lifted. Who placed it, when and why are kept."""

    scope = models.CharField(_("covers"), max_length=10, choices=HoldScope.choices)
    # What the hold covers, by name: a message's reference, a call's id, a person's
    # e-mail, a caller's number. It stays when a lifted hold's record is later thinned.
    reference = models.CharField(_("covers"), max_length=200, blank=True)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        "telephony.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "directory.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caller_number = models.CharField(_("caller's number"), max_length=20, blank=True)
    period_from = models.DateTimeField(_("from"), null=True, blank=True)
    period_until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=30, choices=HoldReason.choices)
    note = models.CharField(_("why"), max_length=500)
    placed_at = models.DateTimeField(_("placed"), default=now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_by_name = models.CharField(_("placed by"), max_length=150)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by_name = models.CharField(_("lifted by"), max_length=150, blank=True)
    lift_note = models.CharField(_("why lifted"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["lifted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["message", "call", "person"]) & ~Q(reference="")
                | Q(scope="caller") & ~Q(caller_number="")
                | Q(scope="period", period_from__isnull=False, period_until__isnull=False),
                name="hold_says_what_it_covers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_reason_display()}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class MessageFiling(models.Model):
    """How a message or callback is filed: a public record (allmän handling), working
    material or of temporary importance, when not the default for its kind; and, for a
    public record, its registration (diarieföring) by the records officer."""

    message = models.OneToOneField("messaging.Message", on_delete=models.CASCADE, related_name="filing")
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, blank=True
    )
    classified_at = models.DateTimeField(null=True, blank=True)
    classified_by_name = models.CharField(max_length=150, blank=True)
    registration_number = models.CharField(_("registration number (diarienummer)"), max_length=60, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    registered_by_name = models.CharField(_("registered by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")

    def __str__(self) -> str:
        return f"{self.message_id} {self.classification}"


class ThinningRun(models.Model):
    """One run of the thinning (gallring), nightly or by hand, dry or real. What it did
    is in its entries: counts per rule, never the records' contents."""

    started_at = models.DateTimeField(_("started"), default=now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # The Stockholm date of a nightly run: at most one a night, whichever worker runs it.
    night = models.DateField(null=True, blank=True, unique=True)
    started_by_name = models.CharField(_("by"), max_length=150)

    class Meta:
        verbose_name = _("thinning run")
        verbose_name_plural = _("thinning log")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class ThinningEntry(models.Model):
    """What one rule did in one run: how many records of its kind older than the
    cut-off were deleted or pseudonymised, and how many a hold kept."""

    run = models.ForeignKey(ThinningRun, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind of record"), max_length=30, choices=RecordKind.choices)
    action = models.CharField(_("action"), max_length=12, choices=RetentionAction.choices)
    days = models.PositiveIntegerField(_("kept for (days)"))
    cutoff = models.DateTimeField(_("older than"))
    count = models.PositiveIntegerField(_("records"), default=0)
    at = models.DateTimeField(_("when"), default=now)

    class Meta:
        verbose_name = _("thinning entry")
        verbose_name_plural = _("thinning entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.count}"
