from django.contrib import admin

from vaxel.access.models import ApiToken
from vaxel.core.admin import VaxelModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(VaxelModelAdmin):
    """Tokens are created with `vaxel token create` (the secret is shown once); here they can be seen."""

    list_display = ["name", "prefix", "owner", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["owner", "name", "prefix", "scopes", "created_at", "last_used_at"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request) -> bool:
        return False
