"""What every ModelAdmin of Växel's shares.

Django's admin lets a changelist URL filter on any of the model's own fields
(`?caller_number__startswith=+467011`), which narrows a list digit by digit to numbers
the page never shows (S3). Here a list filters only on what its `list_filter` and
`date_hierarchy` offer; any other lookup is refused (400)."""

from typing import Any

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP


class VaxelModelAdmin(admin.ModelAdmin):
    def lookup_allowed(self, lookup: str, value: Any, request: Any = None) -> bool:
        offered: set[str] = {self.date_hierarchy} if self.date_hierarchy else set()
        for entry in self.list_filter:
            name = entry[0] if isinstance(entry, tuple | list) else entry
            if isinstance(name, str):
                offered.add(name)
        return lookup.split(LOOKUP_SEP, 1)[0] in offered and super().lookup_allowed(lookup, value, request)


class ReadOnlyModelAdmin(VaxelModelAdmin):
    """A log kept by Växel itself (the change log, the thinning log): looked at, never
    added to, changed or deleted in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
