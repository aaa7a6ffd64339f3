from django.db import models
from django.utils.translation import gettext_lazy as _

from vaxel.availability.constants import AbsenceReason
from vaxel.core.time import now


class CalendarKind(models.TextChoices):
    FEED = "feed", _("iCalendar feed (URL)")
    CALDAV = "caldav", _("CalDAV calendar")
    UPLOAD = "upload", _("uploaded .ics file")


class Calendar(models.Model):
    """An employee's calendar. Its busy events become absences (E3), and events inside
    the unit's telephone hours are flagged (E7)."""

    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="calendars")
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarKind.choices)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    username = models.CharField(_("user name"), max_length=200, blank=True)
    # A CalDAV app password, sealed (vaxel.core.sealed); never shown again after entry.
    password = models.CharField(max_length=1000, blank=True)
    uploaded = models.TextField(blank=True)  # the .ics of an uploaded calendar
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=now)
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    ok_at = models.DateTimeField(_("last read"), null=True, blank=True)
    next_sync_at = models.DateTimeField(default=now, db_index=True)
    error = models.TextField(_("error"), blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"


class CalendarEvent(models.Model):
    """One occurrence of a calendar event in the synchronised window. A private event's
    title is never kept; a busy one is an absence unless the employee turned it off."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=500)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    busy = models.BooleanField(default=True)
    private = models.BooleanField(default=False)
    title = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=20, choices=AbsenceReason.choices)
    disabled = models.BooleanField(_("not a diversion"), default=False)
    absence = models.OneToOneField(
        "availability.Absence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_event",
    )
    conflict_notified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "uid", "starts_at"], name="one_occurrence_per_start")
        ]

    def __str__(self) -> str:
        return self.title or str(_("(private)"))
