from django.db.models import QuerySet

from vaxel.audit.models import Change


def changes_feed(*, unit_ids: set[int] | None = None) -> QuerySet[Change]:
    """Newest first; limited to some units (and changes with no unit) when given."""
    changes = Change.objects.select_related("unit").order_by("-id")
    if unit_ids is not None:
        changes = changes.filter(unit_id__in=unit_ids)
    return changes


def change_differences(change: Change) -> list[tuple[str, object, object]]:
    """(field, before, after) for each value a change altered; for a creation, each value."""
    before, after = change.before or {}, change.after or {}
    return [
        (name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if not name.startswith("_") and before.get(name) != after.get(name)
    ]


def unit_log(unit_id: int, *, limit: int = 100) -> list[dict]:
    """C1 for a manager: who changed what in their unit, when, before → after."""
    return [
        {"change": change, "differences": change_differences(change)}
        for change in changes_feed(unit_ids={unit_id}).select_related("actor")[:limit]
    ]
