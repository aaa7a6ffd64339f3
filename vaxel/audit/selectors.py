from django.db.models import QuerySet

from vaxel.audit.models import Change


def changes_feed(*, unit_ids: set[int] | None = None) -> QuerySet[Change]:
    """Newest first; limited to some units (and changes with no unit) when given."""
    changes = Change.objects.select_related("unit").order_by("-id")
    if unit_ids is not None:
        changes = changes.filter(unit_id__in=unit_ids)
    return changes
