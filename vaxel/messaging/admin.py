from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vaxel.core.admin import VaxelModelAdmin
from vaxel.core.logs import mask
from vaxel.messaging.models import Message, MessageEvent, OutboxEmail


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    extra = 0
    fields = ["at", "kind", "actor_name", "note"]
    readonly_fields = ["at", "kind", "actor_name", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(VaxelModelAdmin):
    """Messages are taken with `vaxel message take`, the API or the console; here they are looked up."""

    list_display = [
        "reference",
        "taken_at",
        "subject",
        "person",
        "unit",
        "kind",
        "urgent",
        "status",
        "due_at",
    ]
    list_filter = ["status", "kind", "urgent"]
    search_fields = ["reference", "subject", "caller_name"]
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "caller_number"]
    exclude = ["caller_number"]  # may be an employee's private mobile (S3)
    inlines = [MessageEventInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(VaxelModelAdmin):
    """Delivery state: what was sent, what waits and why."""

    list_display = [
        "id",
        "created_at",
        "subject_shown",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    ]
    list_filter = ["state"]
    # What was sent may hold a caller's number that was public then; here it shows no
    # digits, since the consent may have been withdrawn since (S3).
    exclude = ["subject", "text", "html"]
    readonly_fields = [
        *(f.name for f in OutboxEmail._meta.fields if f.name not in ("subject", "text", "html")),
        "subject_shown",
    ]

    @admin.display(description=_("subject"))
    def subject_shown(self, email: OutboxEmail) -> str:
        return mask(email.subject)

    def has_add_permission(self, request) -> bool:
        return False
