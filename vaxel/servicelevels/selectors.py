from datetime import timedelta

from django.conf import settings

from vaxel.servicelevels.models import ServiceLevel


def callback_within(unit_id: int) -> timedelta:
    """E4: how much working time a unit has to call back."""
    level = ServiceLevel.objects.filter(unit_id=unit_id).first()
    hours = level.callback_working_hours if level else settings.VAXEL_CALLBACK_WORKING_HOURS
    return timedelta(hours=hours)
