"""Domain events inside one process and one transaction: a lower app tells the higher
ones that something happened (calls were reported, a person left) without importing
them (STYLE: layers only point down). The higher app subscribes in its AppConfig.ready;
handlers run at once, in the caller's transaction, so what they write commits or rolls
back with it. Live updates to the consoles are another thing: `core/live.py`, after the
commit, across processes."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]
_handlers: dict[str, list[Handler]] = defaultdict(list)

CALL_EVENTS_STORED = "call_events_stored"  # call_ids: the calls whose events were stored
PERSON_LEFT = "person_left"  # person: who left; direct_number: the number they leave (E1)


def subscribe(kind: str, handler: Handler) -> None:
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)


def publish(kind: str, **data: Any) -> None:
    for handler in _handlers[kind]:
        handler(**data)
