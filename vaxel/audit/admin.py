from django.contrib import admin

from vaxel.audit.models import Change


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ["at", "actor_name", "entity", "action", "summary", "unit"]
    list_filter = ["entity", "action"]
    search_fields = ["summary", "actor_name"]
    readonly_fields = [f.name for f in Change._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
