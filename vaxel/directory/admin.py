from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from vaxel.audit.admin import AuditedAdmin
from vaxel.core.time import local
from vaxel.directory.models import Keyword, NumberGroup, Organisation, Person, PhoneNumber, Unit
from vaxel.directory.selectors import field_sources_get
from vaxel.directory.sync import FIELD_LABELS, SOURCES


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


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "email", "title", "unit", "active", "source"]
    list_filter = ["active", "source", "unit"]
    search_fields = ["name", "email", "title"]
    readonly_fields = ["source", "source_id", "field_sources"]
    inlines = [PhoneNumberInline]

    @admin.display(description=_("fields from directory sources"))
    def field_sources(self, person: Person) -> str:
        """Which directory source last changed each field, and when: a field a source
        sets is changed at the source, where the next sync would take it from. (Shown,
        not a form: the person's form stays as it was.)"""
        rows = (
            [
                (
                    FIELD_LABELS.get(fs.field, fs.field),
                    SOURCES.get(fs.source, fs.source),
                    f"{local(fs.changed_at):%Y-%m-%d %H:%M}",
                )
                for fs in field_sources_get(person=person).values()
            ]
            if person.pk
            else []
        )
        if not rows:
            return "–"
        return format_html_join(mark_safe("<br>"), "{}: {} ({})", rows)


@admin.register(NumberGroup)
class NumberGroupAdmin(AuditedAdmin):
    list_display = ["name", "unit", "responsible"]
    filter_horizontal = ["members"]


admin.site.register(Organisation, AuditedAdmin)
