from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.Model):
    """A unit's service level, decided by its manager (C2): the share of calls answered
    within so many seconds, and how soon messages are called back (E4). Units without
    one use the defaults (VAXEL_CALLBACK_WORKING_HOURS; 80 % within 20 seconds)."""

    unit = models.OneToOneField("directory.Unit", on_delete=models.CASCADE, related_name="service_level")
    callback_working_hours = models.PositiveSmallIntegerField(
        _("call back within (working hours)"), default=4
    )
    answer_within_seconds = models.PositiveSmallIntegerField(_("answer within (seconds)"), default=20)
    answer_share_percent = models.PositiveSmallIntegerField(_("share answered in time (%)"), default=80)

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")

    def __str__(self) -> str:
        return str(self.unit)


class CallScope(models.TextChoices):
    """What kind of number a call was to."""

    SWITCHBOARD = "switchboard", _("switchboard")
    SHARED = "shared", _("shared number")
    DIRECT = "direct", _("direct number")
    MOBILE = "mobile", _("work mobile")
    OTHER = "other", _("other number")


class CallRecord(models.Model):
    """One call as the statistics see it (C2): the number and unit it was to, when it
    arrived (Stockholm day and hour), whether the switchboard was open (S4) and
    the unit in its telephone hours (E6), how soon it was answered, how long it lasted,
    and whether it was internal (E8). Made again from the call's events whenever one of
    them is stored; the reports aggregate these rows in the database."""

    call_id = models.CharField(max_length=200, unique=True)
    scope = models.CharField(max_length=12, choices=CallScope.choices)
    number = models.ForeignKey(
        "directory.PhoneNumber", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The caller's own unit, when the caller is one of the organisation's numbers (E8).
    caller_unit = models.ForeignKey(
        "directory.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caller_person = models.ForeignKey(
        "directory.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal = models.BooleanField(default=False)
    arrived_at = models.DateTimeField()
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    open = models.BooleanField(default=True)  # the switchboard's opening hours (S4)
    telephone_hours = models.BooleanField(default=False)  # the unit's telephone hours (E6)
    answered = models.BooleanField(default=False)
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(null=True, blank=True)
    abandoned = models.BooleanField(default=False)
    transferred = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("call record")
        verbose_name_plural = _("call records")
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["unit", "day"]),
            models.Index(fields=["number", "day"]),
            models.Index(fields=["scope", "day"]),
            models.Index(fields=["caller_unit", "day"]),
        ]

    def __str__(self) -> str:
        return self.call_id


class WeeklyReportRun(models.Model):
    """The weekly e-mails for the week starting on this Monday were sent (C2: a missed
    target; the compliance summary): once a week, whichever worker runs it."""

    week = models.DateField(unique=True)
    sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.week)


class CallRecordsMark(models.Model):
    """How far the statistics have recorded the call events, by their ids (one row). The
    minute job records the calls of the events after `before`, the newest id its run
    before last saw, so an event whose transaction committed after a later one's is
    still recorded; each event is recorded twice at most."""

    before = models.BigIntegerField(default=0)
    seen = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.before}–{self.seen}"
