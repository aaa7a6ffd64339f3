"""Browser tests: Playwright driving Debian's Chromium against a live Växel on 127.0.0.1.
Screenshots go to test-artifacts/."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.processes)  # Chromium


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium(extra_args: tuple[str, ...] = ()):
    """Debian's Chromium under Playwright, with `extra_args` beside the usual ones."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; scripts/ensure-browser installs it")
        pytest.skip("Chromium is not installed (scripts/ensure-browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                *extra_args,
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")  # Playwright's loop stops with the module, not at the end of the run
def browser():
    yield from chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/min-sida/")  # asks to sign in first
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


@pytest.fixture
def asgi_server(transactional_db, settings):
    """Växel served by uvicorn (ASGI) in a thread on 127.0.0.1: the console's live stream
    needs an ASGI server, as in production. Yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from vaxel.config.asgi import build_application

    settings.SERVESTATIC_USE_FINDERS = True  # static files without collectstatic
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            build_application(),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


WIDE = {"width": 1400, "height": 900}


@pytest.fixture
def switchboard_open_today(transactional_db):
    """The small municipality with a login per role, its switchboard open all of today
    and tomorrow (also when the test runs at midnight)."""
    from datetime import timedelta

    from vaxel.availability.services import schedule_exception_add
    from vaxel.core.time import local_date, now
    from vaxel.testing import logins, small_municipality

    town = small_municipality()
    logins(town)
    today = local_date(now())
    for day in (today, today + timedelta(days=1)):
        schedule_exception_add(day=day, hours="00:00-24:00")
    return town


def open_console(browser, base_url: str, username: str, *, viewport=WIDE, locale="sv-SE"):
    """A console signed in as `username`, its live stream connected."""
    from vaxel.testing import PASSWORD

    context = browser.new_context(locale=locale, timezone_id="Europe/Stockholm", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, base_url, username, PASSWORD)
    page.goto(f"{base_url}/konsol/")
    page.wait_for_selector("#live.on")  # the live stream is connected
    return page
