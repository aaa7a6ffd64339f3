from django.contrib import admin

from vaxel.audit.admin import AuditedAdmin
from vaxel.availability.models import Absence, Schedule, ScheduleException, WeeklyHours


@admin.register(Absence)
class AbsenceAdmin(AuditedAdmin):
    list_display = ["person", "reason", "starts_at", "ends_at", "divert_to"]
    list_filter = ["reason"]
    search_fields = ["person__name", "person__email"]
    autocomplete_fields = ["person", "divert_colleague"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(AuditedAdmin):
    list_display = ["__str__", "kind"]
    inlines = [WeeklyHoursInline, ScheduleExceptionInline]
