from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vaxel.audit.references import fingerprint
from vaxel.core.phone import display


class Organisation(models.Model):
    """The municipality: its name (said in every greeting, S1/E2/W4) and the
    switchboard number. There is exactly one row."""

    name = models.CharField(_("name"), max_length=200)
    switchboard_number = models.CharField(_("switchboard number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A verksamhet or enhet, in a tree (förvaltning → enhet). It has keywords for
    the services it handles, telephone hours (E7) and managers (C1, C2)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    shared_mailbox = models.EmailField(
        _("shared mailbox"),
        blank=True,
        help_text=_("Messages for the unit go here instead of to every member."),
    )
    # How long a call put through to the unit's people rings before it comes back to the
    # operator (a recall); empty: VAXEL_TRANSFER_RING_SECONDS.
    transfer_ring_seconds = models.PositiveSmallIntegerField(
        _("seconds a call put through rings"), null=True, blank=True
    )
    managers = models.ManyToManyField(  # type: ignore[var-annotated]
        "Person", blank=True, related_name="managed_units", verbose_name=_("managers")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Keyword(models.Model):
    """A service a unit handles, as callers name it (bygglov, skolskjuts)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="keywords")
    word = models.CharField(_("keyword"), max_length=100)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["word"]
        constraints = [models.UniqueConstraint(fields=["unit", "word"], name="keyword_unique_per_unit")]

    def __str__(self) -> str:
        return self.word


class Person(models.Model):
    """An employee. Whoever has a direct number is responsible for it (E1)."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"))
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )
    # The directory source that keeps this person (ldap, csv, scim) and the person's
    # stable id there (objectGUID, entryUUID, an HR number); blank when typed in Växel.
    source = models.CharField(_("source"), max_length=20, blank=True)
    source_id = models.CharField(_("id in the source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="person_source_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NumberGroup(models.Model):
    """The named work group behind a shared direct number (gemensamt direktnummer):
    its members and a responsible manager (E1). Its absences are never merged (E3)."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="number_groups", verbose_name=_("unit")
    )
    transfer_ring_seconds = models.PositiveSmallIntegerField(
        _("seconds a call put through rings"), null=True, blank=True
    )
    members = models.ManyToManyField(Person, related_name="number_groups", verbose_name=_("members"))
    responsible = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_groups",
        verbose_name=_("responsible manager"),
    )

    class Meta:
        verbose_name = _("shared number group")
        verbose_name_plural = _("shared number groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NumberKind(models.TextChoices):
    DIRECT = "direct", _("direct number")
    MOBILE = "mobile", _("mobile")
    SHARED = "shared", _("shared number")


class ConsentSource(models.TextChoices):
    SELF = "self", _("by the owner, in Växel")
    WRITTEN = "written", _("in writing, recorded")


class PhoneNumber(models.Model):
    """A telephone number owned by exactly one person (direct or mobile) or one group
    (shared). A mobile is shown to anyone only with its owner's consent (S3)."""

    e164 = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=NumberKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="numbers"
    )
    group = models.OneToOneField(
        NumberGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="number"
    )
    disclosure_consent = models.BooleanField(_("may be given to callers"), default=False)
    consent_changed_at = models.DateTimeField(_("consent changed"), null=True, blank=True)
    # Consent is the owner's: given by themselves (Min sida), or a written consent of
    # theirs that someone recorded, with who recorded it and what the record is.
    consent_source = models.CharField(
        _("consent given"), max_length=10, choices=ConsentSource.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_record = models.CharField(_("written consent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["e164"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["direct", "mobile"], person__isnull=False, group__isnull=True)
                    | Q(kind="shared", person__isnull=True, group__isnull=False)
                ),
                name="number_owned_by_one_person_or_group",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(person__isnull=False), name="one_number_of_each_kind"
            ),
        ]

    def __str__(self) -> str:
        # str() reaches templates, logs and the admin's own history (LogEntry), which outlive
        # a consent: a mobile never shows its digits there (S3); `shown` does, when it may.
        if self.kind == NumberKind.MOBILE:
            return str(_("mobile"))
        return self.shown

    @property
    def shown(self) -> str:
        """The number as it may be shown now: a mobile's digits only with consent (S3)."""
        if not self.is_public:
            return str(_("(hidden: no consent)"))
        return display(self.e164) or self.e164

    @property
    def is_public(self) -> bool:
        """Whether the digits may leave the server (S3)."""
        return self.kind != NumberKind.MOBILE or self.disclosure_consent

    def audit_private_fields(self) -> set[str]:
        """Fields the change log keeps by reference only: a mobile's digits outlive no
        consent there (S3)."""
        return {"e164"} if self.kind == NumberKind.MOBILE else set()

    def audit_display(self, value_fingerprint: str) -> str:
        """A change-log reference to this number, as the rule allows it to be shown now."""
        if not self.is_public:
            return str(_("(hidden: no consent)"))
        if fingerprint(self.e164) != value_fingerprint:
            return str(_("an earlier number"))
        return self.e164  # as the log's other numbers


class FieldSource(models.Model):
    """Which directory source last changed one of a person's fields, and when: an
    administrator sees where a name, title or number came from. Fields Växel owns
    (absences, the answer phrase, the voicemail greeting, mobile consent) have none:
    no source writes them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="field_sources")
    field = models.CharField(_("field"), max_length=30)
    source = models.CharField(_("source"), max_length=20)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("field source")
        verbose_name_plural = _("field sources")
        ordering = ["field"]
        constraints = [models.UniqueConstraint(fields=["person", "field"], name="field_source_unique")]

    def __str__(self) -> str:
        return f"{self.field}: {self.source}"


class SyncState(models.Model):
    """Where a directory source's last sync got to: an LDAP server's newest
    modifyTimestamp seen, so the next run asks only for what changed since."""

    source = models.CharField(_("source"), max_length=20, unique=True)
    last_modified = models.CharField(_("newest change seen"), max_length=40, blank=True)
    synced_at = models.DateTimeField(_("last sync"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")

    def __str__(self) -> str:
        return self.source
