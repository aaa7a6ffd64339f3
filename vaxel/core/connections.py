"""Database connections outside a request: work that uses the ORM outside Django's
request cycle (the PBX's route answers, the media endpoint's steps, a console's
hours-long live stream) gives its connection back after each piece, as Django does at
the end of a request.

With PostgreSQL's pool (VAXEL_DB_POOL_SIZE) a connection a thread keeps is one the pool
lacks until that thread ends: the media endpoint's threads would hold the pool's
connections for good and the server's own answers would wait for one. An embedded
SQLite connection is kept: reopening it (with its PRAGMAs) would cost more than the work."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import close_old_connections, connection

P = ParamSpec("P")
R = TypeVar("R")


def released(work: Callable[P, R]) -> Callable[P, R]:
    """`work`, giving its thread's database connection back when it is done (on
    PostgreSQL: to the pool, or closed once older than CONN_MAX_AGE)."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return work(*args, **kwargs)
        finally:
            if connection.vendor != "sqlite":
                close_old_connections()

    return run
