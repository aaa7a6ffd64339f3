from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "vaxel.selfservice"
    label = "selfservice"
