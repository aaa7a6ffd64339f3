from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.Model):
    """A unit's service level, decided by its manager (C2). Units without one use the
    defaults in settings (VAXEL_CALLBACK_WORKING_HOURS)."""

    unit = models.OneToOneField("directory.Unit", on_delete=models.CASCADE, related_name="service_level")
    callback_working_hours = models.PositiveSmallIntegerField(
        _("call back within (working hours)"), default=4
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")

    def __str__(self) -> str:
        return str(self.unit)
