"""Hostile input never gives a 500 (security), on pages and on the API: the classes
an outside review found (digits that are not ASCII, dates out of range, ids too large
for the database, deep nesting, bodies too large) are sent to every parameter that
every page and every API operation reads. Each answer is a refusal with a reason."""

import json
import re
from pathlib import Path

import pytest
from django.urls import resolve
from rest_framework.test import APIClient

from tests.test_page_matrix import PAGES, SIGN_IN
from vaxel.testing import PASSWORD

pytestmark = pytest.mark.fuzz  # hostile values to every parameter

HOSTILE = [
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # ARABIC-INDIC DIGIT THREE: int() takes it
    "99999999999999999999",  # larger than any database integer
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:00",
    "unit:²",
    "a\nb",
]
HUGE_ID = "99999999999999999999"
# What a view reads from a request: request.GET/POST/query_params/data .get("name") or ["name"].
READS = re.compile(r"""(?:GET|POST|query_params|data|post|params)(?:\.get\(|\[)\s*["']([a-z_]+)["']""")


def parameters_of(view) -> set[str]:
    module = __import__(view.__module__, fromlist=["x"])
    return set(READS.findall(Path(module.__file__).read_text()))


def signed_in(role: str, logins) -> APIClient:
    client = APIClient()
    client.login(username=logins[role].username, password=PASSWORD)
    return client


def test_security_no_hostile_parameter_gives_a_page_500(town, logins):
    """Each page as the first role that may use it, every parameter its view reads."""
    clients = {role: signed_in(role, logins) for role in ("manager", "operator", "employee", "administrator")}
    tried = 0
    for _route, method, path_of, form, expected in PAGES:
        path = path_of(town).split("?")[0]
        role = next((r for r in clients if expected[r] not in (403, SIGN_IN, None)), None)
        if role is None or path.startswith(("/pbx/", "/logout/")):
            continue
        client = clients[role]
        for name in sorted(parameters_of(resolve(path).func) | {"at"}):
            for value in HOSTILE:
                if method == "get":
                    answer = client.get(path, {name: value})
                else:
                    answer = client.post(path, {**(form or {}), name: value})
                assert answer.status_code < 500, (role, method, path, name, value)
                tried += 1
    client = clients["administrator"]
    for path in ("/konsol/enhet/{id}/", "/min-sida/enheter/{id}/", "/konsol/samtal/{id}/answer/"):
        for pk in (HUGE_ID, "0", "٣"):
            url = path.format(id=pk)
            answer = client.post(url) if "samtal" in url else client.get(url)
            assert answer.status_code < 500, url
    assert tried > 500


def api_operations(client) -> list[tuple[str, str, list[str]]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if path.endswith(("/schema/", "/docs/", "/redoc/")) or method not in (
                "get",
                "post",
                "put",
                "patch",
            ):
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            operations.append((path, method, names))
    return operations


def test_security_no_hostile_parameter_or_body_gives_an_api_500(town, logins, admin_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    bodies = [
        "[" * 200_000,  # deep nesting
        '{"a": ' * 50_000 + "1" + "}" * 50_000,
        json.dumps({"subject": "x" * (3 * 1024 * 1024)}),  # larger than a request may be
        "[]",
        '"text"',
        "{",
        '{"id": 99999999999999999999, "reason": "²", "starts_at": "9999-12-31T23:00"}',
    ]
    tried = 0
    for path, method, names in api_operations(client):
        for pk in ("1", HUGE_ID):
            url = path.replace("{id}", pk)
            if method == "get":
                for name in names or ["at"]:
                    for value in HOSTILE:
                        answer = client.get(url, {name: value})
                        assert answer.status_code < 500, (url, name, value)
                        assert answer["Content-Type"].startswith("application/json"), (url, name, value)
                        tried += 1
            else:
                for body in bodies:
                    answer = getattr(client, method)(url, body, content_type="application/json")
                    assert answer.status_code < 500, (method, url, body[:40])
                    assert answer["Content-Type"].startswith("application/json"), (method, url, body[:40])
                    assert answer.status_code < 300 or "error" in answer.json(), (method, url, body[:40])
                    tried += 1
    assert tried > 300
