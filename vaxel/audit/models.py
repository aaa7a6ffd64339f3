from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vaxel.core.time import now


class ChangeAction(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DELETED = "deleted", _("deleted")


class Change(models.Model):
    """C1: one change to people, numbers, units, schedules or absences: who, when,
    what, before → after. It is the switchboard's change feed and the audit log.
    A mobile without consent is never written here (S3)."""

    at = models.DateTimeField(_("when"), default=now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    entity = models.CharField(_("what"), max_length=30)
    entity_id = models.CharField(max_length=40)
    action = models.CharField(_("change"), max_length=10, choices=ChangeAction.choices)
    unit = models.ForeignKey(
        "directory.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    summary = models.CharField(_("summary"), max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.summary
