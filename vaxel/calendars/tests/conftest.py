import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FeedServer:
    """Calendar feeds over real HTTP on 127.0.0.1, with ETags and 304 Not Modified,
    and paths that fail the ways real servers do."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}  # path -> Location
        self.requests: list[tuple[str, str]] = []  # (path, If-None-Match)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("If-None-Match", "")))
                if self.path == "/slow.ics":
                    time.sleep(2)
                if self.path in outer.redirects:
                    self.send_response(302)
                    self.send_header("Location", outer.redirects[self.path])
                    self.end_headers()
                    return
                if self.path not in outer.files:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = outer.files[self.path]
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'  # noqa: S324 (an ETag, not security)
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def feeds(settings):
    # The tests' feed server is on 127.0.0.1, which Växel reads only when allowed.
    settings.VAXEL_CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    server = FeedServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
