"""Values the change log keeps by reference, never by content (S3).

A mobile's digits may be shown only while its owner consents, and a change is kept for
years. So the log never stores them: it stores which row the value was (`$ref`, `pk`)
and a keyed fingerprint of the value (`fp`), so that a changed number still shows as a
change. Whoever reads the log gets each reference rendered by its model's
`audit_display(fingerprint)`, which applies the rule as it stands at that moment.
"""

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

REF = "$ref"


def fingerprint(value: str) -> str:
    """Tells two values apart without revealing them: keyed, so digits cannot be guessed
    back by trying every number."""
    key = hashlib.sha256(f"vaxel.audit.fingerprint:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def reference(obj: models.Model, value: str) -> dict[str, Any]:
    return {REF: obj._meta.label_lower, "pk": obj.pk, "fp": fingerprint(value)}


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and REF in value


def _references(values: Iterable[Any]) -> Iterable[dict]:
    for value in values:
        if _is_reference(value):
            yield value
        elif isinstance(value, dict):
            yield from _references(value.values())
        elif isinstance(value, list):
            yield from _references(value)


def _render(value: Any, objects: dict[tuple[str, Any], models.Model]) -> Any:
    if _is_reference(value):
        obj = objects.get((value[REF], value.get("pk")))
        return obj.audit_display(value.get("fp", "")) if obj is not None else str(_("(removed)"))  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return {k: _render(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, objects) for v in value]
    return value


def rendered(values: list[Any]) -> list[Any]:
    """The values with every reference resolved as the rules allow now; one query per
    kind of referenced row, however many values there are."""
    wanted: dict[str, set] = defaultdict(set)
    for ref in _references(values):
        wanted[ref[REF]].add(ref.get("pk"))
    objects: dict[tuple[str, Any], models.Model] = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        for obj in model._default_manager.filter(pk__in=[pk for pk in pks if isinstance(pk, int)]):
            objects[(label, obj.pk)] = obj
    return [_render(value, objects) for value in values]
