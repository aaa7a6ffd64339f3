from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilesConfig(AppConfig):
    name = "vaxel.mobiles"
    label = "mobiles"
    verbose_name = _("Work mobiles and voicemail")

    def ready(self) -> None:
        from vaxel.mobiles.selectors import numbers_reported_lost
        from vaxel.mobiles.settings_check import block_emails_check
        from vaxel.routing.out_of_service import provider_register

        block_emails_check()
        # W1: a lost or stolen work mobile is rung by nobody (routing asks; it cannot import us).
        provider_register(numbers_reported_lost)
