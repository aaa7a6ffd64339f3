from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.core.errors import InvalidInput
from vaxel.directory.models import Unit
from vaxel.servicelevels.models import ServiceLevel


@transaction.atomic
def service_level_set(*, unit: Unit, callback_working_hours: int, actor=None) -> ServiceLevel:
    """C2: the manager decides how soon the unit calls back (E4), in working hours."""
    if not 1 <= callback_working_hours <= 80:
        raise InvalidInput(
            _("Call back within 1 to 80 working hours (80 is two working weeks)."),
            error_id="invalid_service_level",
        )
    level, _created = ServiceLevel.objects.update_or_create(
        unit=unit, defaults={"callback_working_hours": callback_working_hours}
    )
    change_record(
        actor=actor,
        entity="service_level",
        entity_id=unit.pk,
        action=ChangeAction.UPDATED,
        unit=unit,
        summary=_("%(unit)s calls back within %(hours)d working hours")
        % {"unit": unit.name, "hours": callback_working_hours},
        after={"callback_working_hours": callback_working_hours},
    )
    return level
