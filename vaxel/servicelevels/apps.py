from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceLevelsConfig(AppConfig):
    name = "vaxel.servicelevels"
    label = "servicelevels"
    verbose_name = _("Service levels")
