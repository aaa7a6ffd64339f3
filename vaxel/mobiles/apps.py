from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilesConfig(AppConfig):
    name = "vaxel.mobiles"
    label = "mobiles"
    verbose_name = _("Work mobiles and voicemail")
