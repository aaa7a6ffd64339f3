from django.contrib import admin

from vaxel.audit.admin import AuditedAdmin
from vaxel.calendars.models import Calendar


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin):
    """Calendars and how their last reading went; the CalDAV password is never shown."""

    list_display = ["person", "kind", "url", "ok_at", "error", "failures"]
    list_filter = ["kind"]
    search_fields = ["person__name", "person__email", "url"]
    autocomplete_fields = ["person"]
    exclude = ["password", "uploaded", "etag", "last_modified"]
    readonly_fields = ["synced_at", "ok_at", "error", "failures"]
