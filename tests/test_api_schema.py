"""Schemathesis against the live OpenAPI schema: every operation, a bounded number of
generated requests each, as an administrator's token with every scope. No 5xx, and
every response matches the schema (status, content type, body)."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vaxel.config.wsgi import application

pytestmark = pytest.mark.fuzz  # generated requests to every operation

EXAMPLES_PER_OPERATION = 25
RAN: Counter[str] = Counter()

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go through the real WSGI handler, which closes the database connection
    after each one; inside a test's transaction that would end it. Django's own test
    client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.exclude(path_regex=r"/(schema|docs|redoc)/$").parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    RAN[f"{case.operation.method.upper()} {case.operation.path}"] += 1
