"""Routing reads for the CLI and, later, the API."""

from datetime import datetime

from vaxel.routing.engine import decide
from vaxel.routing.snapshot import snapshot_build
from vaxel.routing.values import RouteDecision


def route_now(*, called: str, calling: str | None, at: datetime) -> RouteDecision:
    return decide(snapshot_build(since=at), called=called, calling=calling, at=at)
