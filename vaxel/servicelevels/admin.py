from django.contrib import admin

from vaxel.audit.admin import AuditedAdmin
from vaxel.servicelevels.models import ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedAdmin):
    list_display = ["unit", "answer_share_percent", "answer_within_seconds", "callback_working_hours"]
