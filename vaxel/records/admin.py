"""The records officer's admin: retention rules (made from the defaults on first view),
holds (placed and lifted with who, when and why), filings, and the thinning log (read only)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from vaxel.audit.services import actor_label
from vaxel.core.admin import ReadOnlyModelAdmin, VaxelModelAdmin
from vaxel.core.errors import VaxelError
from vaxel.core.time import now
from vaxel.records.constants import HoldScope
from vaxel.records.models import Hold, MessageFiling, RetentionRule, ThinningEntry, ThinningRun
from vaxel.records.retention import rule_checked
from vaxel.records.selectors import hold_covers
from vaxel.records.services import rules_ensure


@admin.register(RetentionRule)
class RetentionRuleAdmin(VaxelModelAdmin):
    list_display = ["kind", "days", "action", "enabled", "basis", "changed_at", "changed_by_name"]
    list_editable = ["days", "action", "enabled"]
    fields = ["kind", "days", "action", "enabled", "basis"]
    readonly_fields = ["kind"]

    def changelist_view(self, request, extra_context=None):
        rules_ensure()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        try:
            rule_checked(obj.kind, obj.days, obj.action)
        except VaxelError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.changed_at, obj.changed_by_name = now(), actor_label(request.user)
        super().save_model(request, obj, form, change)


class HoldForm(forms.ModelForm):
    class Meta:
        model = Hold
        fields = [
            "scope", "message", "call", "person", "caller_number", "period_from", "period_until", "reason",
            "note", "lift_note",
        ]  # fmt: skip

    def clean(self):
        """The record, person, number or period the chosen scope names must be given."""
        data = super().clean() or {}
        needed: dict[str, list[str]] = {
            HoldScope.MESSAGE: ["message"],
            HoldScope.CALL: ["call"],
            HoldScope.PERSON: ["person"],
            HoldScope.CALLER: ["caller_number"],
            HoldScope.PERIOD: ["period_from", "period_until"],
        }
        for name in needed.get(data.get("scope") or "", []):
            if name in self.fields and not data.get(name):
                self.add_error(name, _("Say what the hold covers."))
        first, last = data.get("period_from"), data.get("period_until")
        if first and last and last < first:
            self.add_error("period_until", _("A held period needs a start and an end after it."))
        return data


@admin.register(Hold)
class HoldAdmin(VaxelModelAdmin):
    form = HoldForm
    list_display = ["id", "scope", "covers", "reason", "note", "placed_at", "placed_by_name", "lifted_at"]
    list_filter = ["scope", "reason"]
    raw_id_fields = ["message", "call", "person"]
    fields = [
        "scope", "covers", "message", "call", "person", "caller_number", "period_from", "period_until",
        "reason", "note", "placed_at", "placed_by_name", "lifted_at", "lifted_by_name", "lift_note",
    ]  # fmt: skip
    readonly_fields = ["placed_at", "placed_by_name", "lifted_at", "lifted_by_name"]
    actions = ["lift"]

    @admin.display(description=_("covers"))
    def covers(self, hold: Hold) -> str:
        return hold_covers(hold)

    def get_fields(self, request, obj=None):
        # A held caller's number is typed once; afterwards it is shown only as S3 allows.
        hidden = "caller_number" if obj is not None else "covers"
        return [f for f in super().get_fields(request, obj) if f != hidden]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "covers"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a hold is lifted, never deleted: who held what and why is kept

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.placed_by, obj.placed_by_name = request.user, actor_label(request.user)
        found = obj.message or obj.call or obj.person
        obj.reference = obj.reference or (
            getattr(found, "reference", None)
            or getattr(found, "external_id", None)
            or getattr(found, "email", "")
            if found is not None
            else obj.caller_number
        )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Lift the selected holds"))
    def lift(self, request, queryset) -> None:
        lifted = queryset.filter(lifted_at__isnull=True).update(
            lifted_at=now(), lifted_by_name=actor_label(request.user), lift_note=str(_("lifted in the admin"))
        )
        self.message_user(request, _("%(count)d holds lifted.") % {"count": lifted})


@admin.register(MessageFiling)
class MessageFilingAdmin(VaxelModelAdmin):
    list_display = ["message", "classification", "registration_number", "registered_at", "registered_by_name"]
    list_filter = ["classification"]
    raw_id_fields = ["message"]
    readonly_fields = ["classified_at", "classified_by_name", "registered_at", "registered_by_name"]

    def save_model(self, request, obj, form, change) -> None:
        obj.classified_at, obj.classified_by_name = now(), actor_label(request.user)
        if obj.registration_number and obj.registered_at is None:
            obj.registered_at, obj.registered_by_name = now(), actor_label(request.user)
        super().save_model(request, obj, form, change)


class ThinningEntryInline(admin.TabularInline):
    model = ThinningEntry
    extra = 0
    fields = ["kind", "action", "days", "cutoff", "count", "at"]
    readonly_fields = ["kind", "action", "days", "cutoff", "count", "at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ThinningRun)
class ThinningRunAdmin(ReadOnlyModelAdmin):
    list_display = ["started_at", "finished_at", "dry_run", "started_by_name"]
    list_filter = ["dry_run"]
    readonly_fields = ["started_at", "finished_at", "dry_run", "night", "started_by_name"]
    inlines = [ThinningEntryInline]
