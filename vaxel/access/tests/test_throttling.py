"""Throttling that a client cannot talk its way around (security): sign-in lock-outs
are counted by the address the server saw, never one the client wrote in
X-Forwarded-For, unless a configured proxy sent it; the API answers 429 with
Retry-After per token and per address."""

import http.cookiejar
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import uvicorn
from django.test import override_settings
from rest_framework.test import APIClient

from vaxel.access.services import token_create
from vaxel.access.throttles import PerAddress, PerClient
from vaxel.config.asgi import build_application
from vaxel.config.serving import server_options
from vaxel.testing import PASSWORD


class Server:
    """Växel as `vaxel serve` runs it (the same uvicorn options), in a thread."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        options = server_options(host="127.0.0.1", port=port)
        options.pop("workers")
        self.server = uvicorn.Server(uvicorn.Config(build_application(), lifespan="off", **options))
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def sign_in(self, username: str, password: str, forwarded_for: str) -> int:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.url + "/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.url + "/login/", data=form, headers={"X-Forwarded-For": forwarded_for, "Referer": self.url}
        )
        try:
            with opener.open(request, timeout=10) as answer:
                return answer.status if "/login/" in answer.url else 302
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def served(transactional_db, settings):
    settings.AXES_ENABLED = True
    settings.CSRF_COOKIE_SECURE = settings.SESSION_COOKIE_SECURE = False  # plain HTTP on loopback
    from vaxel.testing import logins, small_municipality

    logins(small_municipality())
    with override_settings(AXES_ENABLED=True):
        yield


def test_security_a_forged_x_forwarded_for_does_not_reset_the_sign_in_lock_out(served, settings):
    settings.VAXEL_TRUSTED_PROXIES = []
    with Server() as server:
        for attempt in range(5):
            server.sign_in("operator", "fel", forwarded_for=f"203.0.113.{attempt}")
        assert server.sign_in("operator", PASSWORD, forwarded_for="203.0.113.99") == 429


def test_security_a_trusted_proxy_is_believed(served, settings):
    settings.VAXEL_TRUSTED_PROXIES = ["127.0.0.1"]  # the server's own reverse proxy
    with Server() as server:
        for _attempt in range(5):
            server.sign_in("operator", "fel", forwarded_for="203.0.113.7")
        assert server.sign_in("operator", PASSWORD, forwarded_for="203.0.113.7") == 429
        # another client behind the same proxy is another address
        assert server.sign_in("operator", PASSWORD, forwarded_for="198.51.100.1") == 302


def test_security_the_api_answers_429_with_retry_after_per_token(logins, monkeypatch):
    monkeypatch.setattr(PerClient, "THROTTLE_RATES", {"client": "3/min", "pbx": "100/min"})
    monkeypatch.setattr(PerAddress, "THROTTLE_RATES", {"address": "100/min"})

    def client(scopes: str) -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(owner='administrator', scopes=scopes)[1]}")
        return api

    reader, other, pbx = client("directory:read"), client("directory:read"), client("route")
    answers = [reader.get("/api/v1/units/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0 and answers[-1].json()["error"]["id"] == "throttled"
    assert other.get("/api/v1/units/").status_code == 200  # another token has its own count
    assert all(pbx.get("/api/v1/route/?to=0370-331000").status_code == 200 for _ in range(10))
