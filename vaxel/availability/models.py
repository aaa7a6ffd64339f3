from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vaxel.availability.constants import AbsenceReason, AbsenceSource, DivertTo
from vaxel.availability.schedule import format_hours


class Absence(models.Model):
    """A diversion (hänvisning) as entered: reason, from, until (or until further
    notice), a note and where calls go meanwhile. Touching or overlapping absences
    of one person are presented and routed as one (E3, availability.merging)."""

    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(_("reason"), max_length=20, choices=AbsenceReason.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    divert_to = models.CharField(
        _("calls go to"), max_length=20, choices=DivertTo.choices, default=DivertTo.SWITCHBOARD
    )
    divert_colleague = models.ForeignKey(
        "directory.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("colleague"),
    )
    source = models.CharField(
        _("entered"), max_length=10, choices=AbsenceSource.choices, default=AbsenceSource.MANUAL
    )
    # When an absence "until further notice" was last questioned (a forgotten diversion).
    nudged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["person", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="absence_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_reason_display()}"


class ScheduleKind(models.TextChoices):
    OPENING_HOURS = "opening_hours", _("switchboard opening hours")
    TELEPHONE_HOURS = "telephone_hours", _("telephone hours")


class Schedule(models.Model):
    """Weekly hours with dated exceptions: the switchboard's opening hours (S4,
    one schedule) or a unit's telephone hours (E7, one per unit). Public holidays
    and the eves are closed; eve hours, when set, apply on the day before."""

    kind = models.CharField(_("kind"), max_length=20, choices=ScheduleKind.choices)
    unit = models.OneToOneField(
        "directory.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="telephone_hours"
    )
    eve_opens = models.TimeField(_("opens on the day before a holiday"), null=True, blank=True)
    eve_closes = models.TimeField(_("closes on the day before a holiday"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="opening_hours", unit__isnull=True)
                | Q(kind="telephone_hours", unit__isnull=False),
                name="schedule_kind_matches_unit",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="opening_hours"), name="one_opening_hours"
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit) if self.unit_id else str(self.get_kind_display())


class WeeklyHours(models.Model):
    """One open interval on one weekday (0 = Monday)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="weekly")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="weekly_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {format_hours((self.opens, self.closes))}"


class ScheduleException(models.Model):
    """A dated exception: closed all day, or open only opens–closes."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_exception_per_day"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True) | Q(closes__gt=F("opens")),
                name="exception_closed_or_valid_hours",
            ),
        ]

    def __str__(self) -> str:
        if self.closed or self.opens is None or self.closes is None:
            return f"{self.date} -"
        return f"{self.date} {format_hours((self.opens, self.closes))}"

    @property
    def closed(self) -> bool:
        return self.opens is None
