from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceLevelsConfig(AppConfig):
    name = "vaxel.servicelevels"
    label = "servicelevels"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from vaxel.core import events
        from vaxel.servicelevels.services import call_records_refresh

        # A call's statistics record is made again whenever the telephone system reports
        # on it (a PBX's report, an imported file); the switchboard's own steps are
        # recorded by the minute job (tasks.record_calls).
        events.subscribe(events.CALL_EVENTS_STORED, lambda *, call_ids: call_records_refresh(call_ids))
