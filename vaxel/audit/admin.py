from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext as _

from vaxel.audit.models import Change, ChangeAction
from vaxel.audit.references import reference
from vaxel.audit.selectors import changes_shown
from vaxel.audit.services import change_record
from vaxel.core.admin import ReadOnlyModelAdmin, VaxelModelAdmin


@admin.register(Change)
class ChangeAdmin(ReadOnlyModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ["at", "actor_name", "entity", "action", "summary", "unit"]
    list_filter = ["entity", "action"]
    search_fields = ["summary", "actor_name"]
    readonly_fields = [f.name for f in Change._meta.fields]

    def get_object(self, request, object_id, from_field=None):
        change = super().get_object(request, object_id, from_field)
        return None if change is None else changes_shown([change])[0]


SECRET_FIELDS = {"password", "secret_hash", "uploaded"}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """An object's fields (and many-to-many ids) as the change log keeps them. Fields the
    object calls private (a mobile's digits) are kept by reference only (S3)."""
    private = obj.audit_private_fields() if hasattr(obj, "audit_private_fields") else set()
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = field.value_from_object(obj)
        values[field.name] = reference(obj, str(value)) if field.name in private else _plain(value)
    for field in obj._meta.many_to_many:
        values[field.name] = sorted(o.pk for o in getattr(obj, field.name).all()) if obj.pk else []
    return values


def _unit_of(obj: models.Model):
    if obj._meta.model_name == "unit":
        return obj
    if getattr(obj, "unit_id", None):
        return obj.unit  # type: ignore[attr-defined]
    person = getattr(obj, "person", None)
    return person.unit if person is not None else None


class AuditedAdmin(VaxelModelAdmin):
    """Edits in the Django admin are recorded in the same change log as every other
    change, before → after, and reach the switchboard's change feed (C1)."""

    def save_model(self, request, obj, form, change) -> None:
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._audit_before = snapshot(before) if before is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = snapshot(obj)
        after["_admin"] = self.construct_change_message(request, form, formsets, not change)
        self._record(request, obj, ChangeAction.UPDATED if change else ChangeAction.CREATED, after=after)

    def delete_model(self, request, obj) -> None:
        before, unit, pk, label = snapshot(obj), _unit_of(obj), obj.pk, str(obj)
        super().delete_model(request, obj)
        change_record(
            actor=request.user,
            entity=obj._meta.model_name,
            entity_id=pk,
            action=ChangeAction.DELETED,
            unit=unit,
            summary=_("%(what)s %(name)s was deleted in the administration")
            % {"what": obj._meta.verbose_name, "name": label},
            before=before,
        )

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def _record(self, request, obj, action: ChangeAction, *, after: dict[str, Any]) -> None:
        change_record(
            actor=request.user,
            entity=obj._meta.model_name,
            entity_id=obj.pk,
            action=action,
            unit=_unit_of(obj),
            summary=_("%(what)s %(name)s was changed in the administration")
            % {"what": obj._meta.verbose_name, "name": str(obj)},
            before=getattr(request, "_audit_before", None),
            after=after,
        )


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Logins and their roles (groups), edited in the admin and kept in the change log;
    the password hash is never written there."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
