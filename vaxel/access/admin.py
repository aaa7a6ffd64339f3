from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from vaxel.access.models import ApiToken
from vaxel.audit.admin import AuditedAdmin
from vaxel.core.admin import VaxelModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(VaxelModelAdmin):
    """Tokens are created with `vaxel token create` (the secret is shown once); here they can be seen."""

    list_display = ["name", "prefix", "owner", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["owner", "name", "prefix", "scopes", "created_at", "last_used_at"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request) -> bool:
        return False


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Logins and their roles (groups), edited in the admin and kept in the change log;
    the password hash is never written there."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
