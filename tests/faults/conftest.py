import pytest
from fault_instance import Instance, Redis


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
