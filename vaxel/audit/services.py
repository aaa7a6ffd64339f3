"""Recording changes (C1). Every service that writes calls change_record in its transaction;
the open consoles hear of each change once it commits."""

from typing import Any

from django.utils.translation import gettext as _

from vaxel.audit.models import Change, ChangeAction
from vaxel.core import live


def actor_label(actor) -> str:
    if actor is None:
        return str(_("command line"))
    return actor.get_full_name() or actor.get_username()


def change_record(
    *,
    actor,
    entity: str,
    entity_id: Any,
    action: ChangeAction,
    summary: str,
    unit=None,
    before: dict | None = None,
    after: dict | None = None,
    source: str = "",
) -> Change:
    """`source`, when a directory source (LDAP, SCIM, a file) made the change, is named
    as its author instead of the login or the command line."""
    change = Change.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=source[:150] or actor_label(actor),
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        unit=unit,
        summary=summary[:300],
        before=before,
        after=after,
    )
    live.notify("change", id=change.pk, entity=entity, unit=unit.pk if unit is not None else None)
    return change
