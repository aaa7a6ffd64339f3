from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.core.errors import InvalidInput
from vaxel.directory.models import Unit
from vaxel.servicelevels.models import ServiceLevel

FIELDS = ("callback_working_hours", "answer_within_seconds", "answer_share_percent")


@transaction.atomic
def service_level_set(
    *,
    unit: Unit,
    callback_working_hours: int | None = None,
    answer_within_seconds: int | None = None,
    answer_share_percent: int | None = None,
    actor=None,
) -> ServiceLevel:
    """C2: the manager decides the unit's targets: a share of calls answered within so
    many seconds, and how soon messages are called back (E4), in working hours. A target
    not given keeps its value."""
    checks = [
        (
            callback_working_hours,
            1,
            80,
            _("Call back within 1 to 80 working hours (80 is two working weeks)."),
        ),
        (answer_within_seconds, 5, 600, _("Answer within 5 to 600 seconds.")),
        (answer_share_percent, 1, 100, _("The share answered in time is a percentage, 1 to 100.")),
    ]
    for value, low, high, message in checks:
        if value is not None and not low <= value <= high:
            raise InvalidInput(message, error_id="invalid_service_level")
    level = ServiceLevel.objects.filter(unit=unit).first() or ServiceLevel(
        unit=unit, callback_working_hours=settings.VAXEL_CALLBACK_WORKING_HOURS
    )
    before = {name: getattr(level, name) for name in FIELDS} if level.pk else None
    given = {
        "callback_working_hours": callback_working_hours,
        "answer_within_seconds": answer_within_seconds,
        "answer_share_percent": answer_share_percent,
    }
    for name, value in given.items():
        if value is not None:
            setattr(level, name, value)
    level.save()
    after = {name: getattr(level, name) for name in FIELDS}
    change_record(
        actor=actor,
        entity="service_level",
        entity_id=unit.pk,
        action=ChangeAction.UPDATED,
        unit=unit,
        summary=_(
            "%(unit)s: %(share)d %% of calls answered within %(seconds)d seconds, "
            "callbacks within %(hours)d working hours"
        )
        % {
            "unit": unit.name,
            "share": level.answer_share_percent,
            "seconds": level.answer_within_seconds,
            "hours": level.callback_working_hours,
        },
        before=before,
        after=after,
    )
    return level
