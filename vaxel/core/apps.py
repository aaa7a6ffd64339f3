from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vaxel.core"
    label = "core"
