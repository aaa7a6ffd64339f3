"""A Växel of its own for a fault test: its data folder, its database (SQLite, or a
PostgreSQL database of its own), its own Redis on its own port when asked, and the
processes it starts (`vaxel serve`, `vaxel worker`), which the test may kill at will."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg

from vaxel.core.testing_smtp import free_port

VAXEL = str(Path(sys.executable).with_name("vaxel"))
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
ROUTE = "/pbx/route/?to=0370331000&from=036123456"  # the switchboard's number, as a PBX asks


def connections(database: str) -> int:
    """The connections open to `database` now (pg_stat_activity)."""
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchone()
        return int(row[0]) if row else 0


def until(check, *, seconds: float, every: float = 0.1):
    """`check()`'s first truthy value within `seconds`, else its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Redis:
    """A redis-server of the test's own, stopped and started as the test says."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        assert until(lambda: _pings(client), seconds=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


class Instance:
    def __init__(self, folder: Path, *, postgres: bool = False, **env: str):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "VAXEL_"))}
        self.env.update(VAXEL_DATA_DIR=str(folder), VAXEL_DEBUG="1", **env)
        self.database = ""
        if postgres:
            self.database = f"vaxel_fault_{uuid.uuid4().hex[:10]}"
            _psql(f"CREATE DATABASE {self.database}")
            self.env["DATABASE_URL"] = POSTGRES + self.database
        self.processes: list[subprocess.Popen] = []
        self.port = 0

    def vx(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [VAXEL, *argv], env=self.env, capture_output=True, text=True, timeout=180, check=False
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def set_up(self) -> str:
        """The database, a small municipality, an operator; returns an API token."""
        self.vx("migrate")
        self.vx("organisation", "set", "--name", "Testby kommun", "--switchboard-number", "0370-331000")
        self.vx("unit", "add", "Bygglov")
        self.vx("person", "add", "--name", "Anna Sjöberg", "--email", "anna@example.se", "--unit", "Bygglov")
        self.vx(
            "user", "add", "vaxeln", "--roles", "operator,administrator", "--password", "hemligt-lösenord-1"
        )
        made = self.vx(
            "token",
            "create",
            "--owner",
            "vaxeln",
            "--scopes",
            "messages,route,events,directory:read",
            "--name",
            "t",
        )
        return made.stdout.split()[-1]

    def route_token(self) -> str:
        """A token for the PBX's questions (/pbx/route/): route and no other scope."""
        made = self.vx("token", "create", "--owner", "vaxeln", "--scopes", "route", "--name", "pbx")
        return made.stdout.split()[-1]

    def start(self, *argv: str, log: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [VAXEL, *argv],
            env=self.env,
            stdout=(self.folder / log).open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a signal to the test's group never reaches it
        )
        self.processes.append(process)
        return process

    def serve(self, *extra: str) -> subprocess.Popen:
        self.port = free_port()
        server = self.start("serve", "--port", str(self.port), *extra, log="server.log")
        assert until(lambda: self.answers("/"), seconds=60), self.log("server.log")
        return server

    def answers(self, path: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            return False

    def request(self, method: str, path: str, token: str, body: dict | None = None, **headers: str):
        """(status, JSON answer) of one API request."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text.decode(errors="replace")[:300]

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with _gone():
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for pid in descendants_of_session(self.processes):
            with _gone():
                os.kill(pid, signal.SIGKILL)
        if self.database:
            _psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


class _gone:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is ProcessLookupError


def _psql(sql: str) -> None:

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def children_of(pid: int) -> list[int]:
    return [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and parent_of(int(p.name)) == pid
    ]


def session_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[3])
    except (OSError, IndexError, ValueError):
        return None


def descendants_of_session(processes: list[subprocess.Popen]) -> list[int]:
    """Every live process still in the sessions the instance started (a worker left
    behind keeps its session, whoever its parent is now)."""
    sessions = {p.pid for p in processes}
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and session_of(int(p.name)) in sessions and alive(int(p.name))
    ]


def signed_in(instance) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{instance.port}"
    page = opener.open(f"{base}/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": "vaxeln", "password": "hemligt-lösenord-1", "csrfmiddlewaretoken": csrf}
    opener.open(
        urllib.request.Request(  # noqa: S310 - loopback
            f"{base}/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/login/"},
        ),
        timeout=10,
    )
    return opener


class Stream:
    """The console's live stream (Server-Sent Events), read in the background."""

    def __init__(self, opener, url: str):
        self.events: list[tuple[float, str, str]] = []
        self.response = opener.open(url, timeout=60)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    self.events.append((time.monotonic(), kind, line[6:]))
        except (OSError, ValueError):
            pass

    def saw(self, kind: str, text: str = "", after: float = 0.0):
        return next((at for at, k, data in self.events if k == kind and text in data and at > after), None)
