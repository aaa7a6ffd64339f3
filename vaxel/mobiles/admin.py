"""The registry in the admin, to look things up: read-only, since every change goes
through the services (the change log, E1, S3) from `vaxel mobile`, the import and the
registry page (/mobiler/). A mobile's digits show only with its holder's consent (S3)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vaxel.core.admin import VaxelModelAdmin
from vaxel.mobiles.models import Anomaly, Assignment, Device, LossReport, Subscription, UsageImport
from vaxel.mobiles.selectors import public_numbers


class ReadOnlyAdmin(VaxelModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("person", "since", "returned_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["shown_number", "operator", "iccid", "cost_centre", "device"]
    search_fields = ["iccid", "cost_centre", "assignments__person__name"]
    fields = ("shown_number", "operator", "iccid", "cost_centre", "device", "greeting", "greeting_updated_at")
    readonly_fields = fields
    inlines = [AssignmentInline]

    @admin.display(description=_("number"))
    def shown_number(self, subscription: Subscription) -> str:
        return subscription.shown(public=subscription.number in public_numbers([subscription.number]))


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["imei", "model"]
    search_fields = ["imei", "model"]


@admin.register(LossReport)
class LossReportAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "person", "kind", "reported_at", "blocked_at", "outcome"]
    list_filter = ["kind", "outcome", "channel"]


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "month", "kind", "detail", "reviewed_at"]
    list_filter = ["kind"]


@admin.register(UsageImport)
class UsageImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "preset", "rows", "imported_at"]
