from django.db import models
from django.utils.translation import gettext_lazy as _


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
