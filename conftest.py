import pytest
from django.utils import translation

pytest_plugins = ["vaxel.core.testing_clock", "vaxel.core.testing_smtp"]


@pytest.fixture(autouse=True)
def swedish():
    """The product speaks Swedish; tests see what users see."""
    with translation.override("sv"):
        yield


@pytest.fixture
def town(db):
    from vaxel.testing import small_municipality

    return small_municipality()


@pytest.fixture
def logins(town):
    from vaxel.testing import logins

    return logins(town)


@pytest.fixture
def admin_token(logins):
    from vaxel.access.constants import Scope
    from vaxel.access.services import token_create

    return token_create(owner="administrator", scopes=Scope.values)[1]


def pytest_terminal_summary(terminalreporter):
    """Say how much schemathesis ran, as the API issue asks."""
    import sys

    module = sys.modules.get("tests.test_api_schema") or sys.modules.get("test_api_schema")
    ran = getattr(module, "RAN", None)
    if ran:
        terminalreporter.write_line(
            f"schemathesis: {len(ran)} operations, {sum(ran.values())} generated requests "
            f"({module.EXAMPLES_PER_OPERATION} generated per operation, plus schemathesis coverage cases)"
        )


@pytest.fixture(scope="session", autouse=True)
def live_listeners_stopped(django_db_setup):
    """Broker listener threads end before the test database is dropped."""
    yield
    from vaxel.core.live import listeners_stop

    listeners_stop()


@pytest.fixture(autouse=True)
def cache_cleared():
    """Each test starts with an empty cache: the API's throttle counts of another test's
    tokens (the same ids, rolled back and made again) must not count against it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def routing_snapshot_forgotten():
    """Each test starts with no cached routing snapshot: a test's data is rolled back
    without the change announcements a real deployment relies on."""
    from vaxel.routing.cache import forget

    forget()
    yield
