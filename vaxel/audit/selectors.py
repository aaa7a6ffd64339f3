from collections.abc import Iterable

from django.db.models import QuerySet

from vaxel.audit.models import Change
from vaxel.audit.references import rendered


def changes_feed(*, unit_ids: set[int] | None = None) -> QuerySet[Change]:
    """Newest first; limited to some units (and changes with no unit) when given."""
    changes = Change.objects.select_related("unit").order_by("-id")
    if unit_ids is not None:
        changes = changes.filter(unit_id__in=unit_ids)
    return changes


def changes_shown(changes: Iterable[Change]) -> list[Change]:
    """The changes with their before and after as they may be shown now: every value kept
    by reference (a mobile) rendered by the rule as it stands (S3). Every surface that
    shows a change's values (API, managers' log, admin) reads them through this."""
    changes = list(changes)
    values = rendered([[change.before, change.after] for change in changes])
    for change, (before, after) in zip(changes, values, strict=True):
        change.before, change.after = before, after
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
        for change in changes_shown(changes_feed(unit_ids={unit_id}).select_related("actor")[:limit])
    ]
