from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vaxel.audit.admin import AuditedAdmin
from vaxel.directory.models import FieldSource, Keyword, NumberGroup, Organisation, Person, PhoneNumber, Unit


class KeywordInline(admin.TabularInline):
    model = Keyword
    extra = 1


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name", "keywords__word"]
    inlines = [KeywordInline]
    filter_horizontal = ["managers"]


class PhoneNumberInline(admin.TabularInline):
    """Numbers are added with `vaxel person add`; here a mobile without consent shows no digits (S3)."""

    model = PhoneNumber
    fk_name = "person"
    extra = 0
    # Consent is the owner's (S3): shown here, given on Min sida or recorded in writing
    # with `vaxel person consent`, never ticked by an administrator.
    fields = ("shown", "kind", "disclosure_consent", "consent_source", "consent_record", "consent_changed_at")
    readonly_fields = fields

    @admin.display(description=_("number"))
    def shown(self, number: PhoneNumber) -> str:
        return number.shown

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FieldSourceInline(admin.TabularInline):
    """Which directory source last changed each field (LDAP, a file, SCIM); a field a
    source sets is changed at the source, where the next sync would take it from."""

    model = FieldSource
    extra = 0
    fields = ("field", "source", "changed_at")
    readonly_fields = fields
    verbose_name_plural = _("fields from directory sources")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "email", "title", "unit", "active", "source"]
    list_filter = ["active", "source", "unit"]
    search_fields = ["name", "email", "title"]
    readonly_fields = ["source", "source_id"]
    inlines = [PhoneNumberInline, FieldSourceInline]


@admin.register(NumberGroup)
class NumberGroupAdmin(AuditedAdmin):
    list_display = ["name", "unit", "responsible"]
    filter_horizontal = ["members"]


admin.site.register(Organisation, AuditedAdmin)
