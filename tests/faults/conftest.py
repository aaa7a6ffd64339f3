"""The fault suite: each test runs Växel instances of its own as real processes and
breaks them (`make test-faults`, once per `make test`: the instances do not use the
suite's database, so running them on SQLite and again on PostgreSQL would prove nothing
new)."""

from pathlib import Path

import pytest
from fault_instance import Instance, Redis

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def instances(tmp_path):
    """Make Växel instances (`instances(postgres=True, VAXEL_…="…")`); all stopped after."""
    made: list[Instance] = []

    def make(**options) -> Instance:
        made.append(Instance(tmp_path / f"vaxel{len(made)}", **options))
        return made[-1]

    yield make
    for instance in made:
        instance.stop()


@pytest.fixture
def redis_server(tmp_path):
    server = Redis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()
