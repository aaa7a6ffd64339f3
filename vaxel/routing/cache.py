"""The routing snapshot kept in each server process's memory, so the PBX's question is
answered without touching the database. It is dropped the moment anything changes
(every change announces itself through the live notifier, from any process), never on
a timer; with the in-process broker, other processes' changes are noticed by the
change log's newest id."""

import threading
from datetime import datetime

from vaxel.audit.models import Change
from vaxel.core import live
from vaxel.routing.engine import decide
from vaxel.routing.snapshot import snapshot_build
from vaxel.routing.values import RouteDecision, Snapshot

_lock = threading.Lock()
_state: dict = {"snapshot": None, "generation": 0, "version": None, "listening": False}


def forget(event=None) -> None:
    """Drop the snapshot: on a change, or when changes may have been missed (None).
    Calls arriving and leaving the queue change nothing in routing."""
    if event is not None and event.get("kind") != "change":
        return
    with _lock:
        _state["snapshot"] = None
        _state["generation"] += 1


def _version() -> int | None:
    return Change.objects.order_by("-id").values_list("id", flat=True).first()


def snapshot_current(at: datetime) -> Snapshot:
    if not _state["listening"]:
        live.on_event(forget)
        _state["listening"] = True
    version = _version() if live.backend_name() == "memory" else None
    snapshot = _state["snapshot"]
    if snapshot is not None and version == _state["version"]:
        return snapshot
    generation = _state["generation"]
    built = snapshot_build(since=at)
    with _lock:
        # A change that arrived while building makes this one stale: use it once, keep none.
        if generation == _state["generation"]:
            _state.update(snapshot=built, version=version)
    return built


def route_cached(*, called: str, calling: str | None, at: datetime) -> RouteDecision:
    return decide(snapshot_current(at), called=called, calling=calling, at=at)
