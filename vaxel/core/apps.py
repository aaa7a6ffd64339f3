from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vaxel.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from vaxel.core.converters import RecordId

        register_converter(RecordId, "id")
