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
