from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "vaxel.accessibility"
    label = "accessibility"
