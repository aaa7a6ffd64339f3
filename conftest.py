import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def swedish():
    """The product speaks Swedish; tests see what users see."""
    with translation.override("sv"):
        yield


@pytest.fixture
def town(db):
    from vaxel.core.testing import small_municipality

    return small_municipality()


@pytest.fixture
def logins(town):
    from vaxel.core.testing import logins

    return logins(town)
