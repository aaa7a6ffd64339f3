"""Domain errors are classes, one per stable error id (STYLE: wazo-calld's exceptions.py):
every id is unique, has its own class in an app's errors.py, and is listed in
docs/api.md, so an API client can rely on it."""

import re
from importlib import import_module
from pathlib import Path

from django.apps import apps

from vaxel.core.errors import VaxelError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api.md"
KINDS = {"error", "invalid_input", "not_found", "conflict", "forbidden"}


def error_classes() -> list[type[VaxelError]]:
    for config in apps.get_app_configs():
        if config.name.startswith("vaxel.") and (Path(config.path) / "errors.py").exists():
            import_module(f"{config.name}.errors")
    found, pending = [], [VaxelError]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.append(sub)
            pending.append(sub)
    return [c for c in found if c.__module__.startswith("vaxel.")]


def test_every_error_id_is_one_class_and_is_documented():
    classes = [c for c in error_classes() if c.error_id not in KINDS]
    ids = [c.error_id for c in classes]
    assert len(ids) > 80
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]+", i) for i in ids)
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOCS.read_text(), re.M))
    assert set(ids) - documented == set(), "add these to the table in docs/api.md"
    assert all(c.__module__.endswith(".errors") for c in classes)
