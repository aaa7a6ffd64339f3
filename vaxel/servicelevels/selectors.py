from datetime import timedelta

from django.conf import settings

from vaxel.servicelevels.models import ServiceLevel


def callback_within(unit_id: int) -> timedelta:
    """E4: how much working time a unit has to call back."""
    level = ServiceLevel.objects.filter(unit_id=unit_id).first()
    hours = level.callback_working_hours if level else settings.VAXEL_CALLBACK_WORKING_HOURS
    return timedelta(hours=hours)


def service_level_get(unit_id: int) -> dict[str, int]:
    """C2: a unit's targets, its own or the defaults."""
    level = ServiceLevel.objects.filter(unit_id=unit_id).first() or ServiceLevel(
        callback_working_hours=settings.VAXEL_CALLBACK_WORKING_HOURS
    )
    return {
        "callback_working_hours": level.callback_working_hours,
        "answer_within_seconds": level.answer_within_seconds,
        "answer_share_percent": level.answer_share_percent,
    }
