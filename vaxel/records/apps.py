from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "vaxel.records"
    label = "records"
    verbose_name = _("Records and retention")

    def ready(self) -> None:
        from vaxel.records.selectors import voicemail_days
        from vaxel.telephony import recording

        recording.retention_days_provide(voicemail_days)
