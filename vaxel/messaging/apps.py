from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "vaxel.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from vaxel.core import events
        from vaxel.messaging.services import leaver_reported

        events.subscribe(events.PERSON_LEFT, leaver_reported)
