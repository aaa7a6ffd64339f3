from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vaxel.audit.references import fingerprint
from vaxel.core.phone import display
from vaxel.directory.models import NumberKind, PhoneNumber


class VoicemailGreeting(models.Model):
    """The greeting a person actually recorded on their voicemail, as text (W4)."""

    person = models.OneToOneField(
        "directory.Person", on_delete=models.CASCADE, related_name="voicemail_greeting"
    )
    text = models.TextField(_("greeting"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voicemail greeting")
        verbose_name_plural = _("voicemail greetings")

    def __str__(self) -> str:
        return str(self.person)


class Device(models.Model):
    """A work mobile telephone, the handset itself (W1): its model and IMEI."""

    model = models.CharField(_("model"), max_length=100, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work mobile")
        verbose_name_plural = _("work mobiles")
        ordering = ["imei"]

    def __str__(self) -> str:
        return f"{self.model} {self.imei}".strip()


class Subscription(models.Model):
    """A work-mobile subscription (tjänstemobil, W1): the number, the mobile operator,
    the SIM or eSIM (ICCID), the cost centre and the device it is in. Its number is its
    holder's mobile in the directory (one number, one owner, E1), shown only with the
    holder's consent (S3). Its voicemail greeting is checked against W4."""

    number = models.CharField(_("number"), max_length=20, unique=True)  # E.164
    operator = models.CharField(_("mobile operator"), max_length=100)
    iccid = models.CharField(_("ICCID"), max_length=22, unique=True)
    cost_centre = models.CharField(_("cost centre"), max_length=50, blank=True)
    device = models.OneToOneField(
        Device,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscription",
        verbose_name=_("device"),
    )
    greeting = models.TextField(_("voicemail greeting"), blank=True)
    greeting_updated_at = models.DateTimeField(null=True, blank=True)
    greeting_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work-mobile subscription")
        verbose_name_plural = _("work-mobile subscriptions")
        ordering = ["number"]

    def __str__(self) -> str:
        # str() reaches logs and the admin's history: never the digits (S3).
        return str(_("subscription %(iccid)s") % {"iccid": self.iccid_tail})

    @property
    def iccid_tail(self) -> str:
        return f"…{self.iccid[-6:]}"

    def shown(self, *, public: bool) -> str:
        """The number as it may be shown: the digits only with the holder's consent (S3)."""
        return (display(self.number) or self.number) if public else str(_("(hidden: no consent)"))

    def audit_private_fields(self) -> set[str]:
        return {"number"}

    def audit_display(self, value_fingerprint: str) -> str:
        public = PhoneNumber.objects.filter(
            e164=self.number, kind=NumberKind.MOBILE, disclosure_consent=True
        ).exists()
        if not public:
            return str(_("(hidden: no consent)"))
        return self.number if fingerprint(self.number) == value_fingerprint else str(_("an earlier number"))


class Assignment(models.Model):
    """Who holds a work mobile, since when, and when it was returned (W1): the registry's
    history. While open, the subscription's number is the holder's directory mobile."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, related_name="mobile_assignments"
    )
    since = models.DateTimeField(_("handed out"))
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    class Meta:
        verbose_name = _("work-mobile holder")
        verbose_name_plural = _("work-mobile holders")
        ordering = ["-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"], condition=Q(returned_at__isnull=True), name="one_holder_per_mobile"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(returned_at__isnull=True), name="one_work_mobile_per_person"
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class LossKind(models.TextChoices):
    LOST = "lost", _("lost")
    STOLEN = "stolen", _("stolen")


class LossChannel(models.TextChoices):
    SELF = "self", _("by the holder, on Min sida")
    OPERATOR = "operator", _("by the switchboard, for the holder")
    ADMINISTRATION = "administration", _("by an administrator or manager")


class LossOutcome(models.TextChoices):
    FOUND = "found", _("found")
    REPLACED = "replaced", _("replaced")


class LossReport(models.Model):
    """A work mobile reported lost or stolen (W1): when and how, by whom and through
    which channel; when whoever blocks subscriptions was told and when they blocked it;
    how it ended (found, or replaced with a new SIM or device). While it is open Växel
    routes no call to the number."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="loss_reports")
    person = models.ForeignKey(
        "directory.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what happened"), max_length=10, choices=LossKind.choices)
    happened_at = models.DateTimeField(_("when"))
    circumstances = models.TextField(_("how and where"), blank=True)
    channel = models.CharField(_("reported"), max_length=20, choices=LossChannel.choices)
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    blockers_notified_at = models.DateTimeField(_("blockers told"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked"), null=True, blank=True)
    blocked_note = models.CharField(_("blocking reference"), max_length=200, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=LossOutcome.choices, blank=True)
    resolution_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lost or stolen work mobile")
        verbose_name_plural = _("lost or stolen work mobiles")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_loss_per_mobile",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class UsageImport(models.Model):
    """One usage specification from the mobile operator, as imported (W2). The same file
    twice is refused by its checksum."""

    file_name = models.CharField(_("file"), max_length=200)
    preset = models.CharField(_("format"), max_length=40)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(_("rows"))
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("usage import")
        verbose_name_plural = _("usage imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name


class UsageKind(models.TextChoices):
    CALL = "call", _("call")
    SMS = "sms", _("SMS")
    MMS = "mms", _("MMS")
    DATA = "data", _("data")


class UsageRecord(models.Model):
    """One line of the usage specification (W2). The other party's number is kept only
    as far as the report shows it: a premium-rate number in full, anyone else's masked
    (the people called are not the organisation's business)."""

    usage_import = models.ForeignKey(UsageImport, on_delete=models.CASCADE, related_name="records")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="usage")
    at = models.DateTimeField()
    kind = models.CharField(max_length=4, choices=UsageKind.choices)
    counterpart = models.CharField(max_length=30, blank=True)
    premium = models.BooleanField(default=False)
    roaming_country = models.CharField(max_length=2, blank=True)  # ISO 3166 alpha-2, "" at home
    outside_hours = models.BooleanField(default=False)
    seconds = models.PositiveIntegerField(default=0)
    kilobytes = models.PositiveIntegerField(default=0)
    cost_ore = models.IntegerField(default=0)  # öre, as the operator charged it

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        indexes = [models.Index(fields=["subscription", "at"], name="usage_subscription_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class UsageMonth(models.Model):
    """A subscription's usage in one calendar month, summed at import: what the report
    compares with the subscription's usual level (W2)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # the first day
    calls = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)
    kilobytes = models.BigIntegerField(default=0)
    cost_ore = models.BigIntegerField(default=0)
    outside_hours = models.PositiveIntegerField(default=0)
    premium = models.PositiveIntegerField(default=0)
    roaming = models.PositiveIntegerField(default=0)
    roaming_countries = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("usage month")
        verbose_name_plural = _("usage months")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "month"], name="one_usage_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class AnomalyKind(models.TextChoices):
    PREMIUM = "premium", _("premium-rate numbers")
    ROAMING = "roaming", _("roaming outside the EU/EEA")
    OUTSIDE_HOURS = "outside_hours", _("much use outside working hours")
    ABOVE_USUAL = "above_usual", _("far above the usual level")


class Anomaly(models.Model):
    """Unusual use of one subscription in one month (W2), found at import, until someone
    (the manager, an administrator) has looked at it and marked it reviewed."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="anomalies")
    month = models.DateField()
    kind = models.CharField(max_length=20, choices=AnomalyKind.choices)
    detail = models.CharField(max_length=300)
    found_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("unusual use")
        verbose_name_plural = _("unusual use")
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "month", "kind"], name="one_anomaly_per_kind"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())
