"""Live updates: the time from an absence change (an API write) until it has reached
each of 50 connected consoles (Server-Sent Events), per broker. Target: p95 < 300 ms.

    .venv/bin/python bench/live.py [--clients 50] [--changes 30] [--postgres URL] [--redis URL]

Each scenario starts real `vaxel serve` processes on 127.0.0.1 against a fresh database
with the demo municipality:

- PostgreSQL + Redis pub/sub, two server processes: half the consoles on each, every
  change written through the first, so half the measurements cross processes;
- PostgreSQL LISTEN/NOTIFY (no Redis), the same two processes;
- SQLite, one server process, in-process delivery (the embedded default).

A scenario whose database or Redis cannot be reached is skipped and says so.
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import asyncio
import http.cookiejar
import json
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAXEL = str(ROOT / ".venv" / "bin" / "vaxel")
PASSWORD = "bench-lösenord-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vaxel(env: dict, *args: str) -> str:
    return subprocess.run([VAXEL, *args], env=env, check=True, capture_output=True, text=True).stdout


def postgres_database(url: str, name: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"  skipped: PostgreSQL at {url} cannot be reached ({error.__class__.__name__})")
        return None
    return url.rsplit("/", 1)[0] + "/" + name


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        print(f"  skipped: Redis at {url} cannot be reached")
        return False


class Servers:
    """Real `vaxel serve` processes with a fresh demo database."""

    def __init__(self, env: dict, processes: int):
        self.env, self.ports, self.procs = env, [free_port() for _ in range(processes)], []

    def __enter__(self):
        vaxel(self.env, "migrate")
        vaxel(self.env, "demo", "--people", "300")
        for port in self.ports:
            self.procs.append(
                subprocess.Popen(
                    [VAXEL, "serve", "--no-worker", "--port", str(port)],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in self.ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"vaxel serve on port {port} did not start") from None
                    time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def session_cookie(port: int) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode(
        {"username": "telefonist", "password": PASSWORD, "csrfmiddlewaretoken": csrf, "next": "/konsol/"}
    ).encode()
    opener.open(f"http://127.0.0.1:{port}/login/", data=form, timeout=10).close()
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "the operator could not sign in"
    return f"sessionid={cookies['sessionid']}"


class Console:
    """One connected console: reads the event stream, notes when each change arrives."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.arrivals: asyncio.Queue[float] = asyncio.Queue()
        self.ready = asyncio.Event()

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            (
                f"GET /konsol/handelser/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Cookie: {self.cookie}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status = await reader.readline()
        assert b" 200 " in status, status
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        while True:  # chunked transfer: one chunk per event
            size = int((await reader.readline()).strip() or b"0", 16)
            if size == 0:
                return
            chunk = await reader.readexactly(size + 2)
            if chunk.startswith(b"retry:"):
                self.ready.set()
            elif chunk.startswith(b"event: change"):
                self.arrivals.put_nowait(time.perf_counter())


def absence_writer(port: int, token: str, person_id: int):
    def write(i: int) -> None:
        body = json.dumps(
            {
                "reason": "sick",
                "starts_at": f"2030-01-{1 + i % 28:02d}T08:00:00+01:00",
                "ends_at": f"2030-01-{1 + i % 28:02d}T09:00:00+01:00",
            }
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/people/{person_id}/absences/",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (127.0.0.1 only)

    return write


async def measure(servers: Servers, token: str, person_id: int, clients: int, changes: int):
    cookie = await asyncio.to_thread(session_cookie, servers.ports[0])
    consoles = [Console(servers.ports[i % len(servers.ports)], cookie) for i in range(clients)]
    tasks = [asyncio.create_task(c.run()) for c in consoles]
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in consoles)), timeout=30)
    await asyncio.sleep(0.5)  # every listener subscribed
    write = absence_writer(servers.ports[0], token, person_id)
    same, other = [], []
    for i in range(changes):
        for console in consoles:
            while not console.arrivals.empty():
                console.arrivals.get_nowait()
        start = time.perf_counter()
        await asyncio.to_thread(write, i)
        for console in consoles:
            arrived = await asyncio.wait_for(console.arrivals.get(), timeout=10)
            (same if console.port == servers.ports[0] else other).append((arrived - start) * 1000)
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    return same, other


def quantile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]
        if len(values) > 1
        else values[0]
    )


def report(same: list[float], other: list[float]) -> None:
    every = same + other
    print(
        f"  {len(every)} arrivals: p50 {quantile(every, 0.5):.0f} ms, "
        f"p95 {quantile(every, 0.95):.0f} ms, max {max(every):.0f} ms"
    )
    if other:
        print(
            f"    on the process that wrote: p95 {quantile(same, 0.95):.0f} ms; "
            f"on the other process: p95 {quantile(other, 0.95):.0f} ms"
        )


def scenario(name: str, env: dict, processes: int, clients: int, changes: int) -> None:
    print(f"{name}:")
    with Servers(env, processes) as servers:
        secret = vaxel(
            env, "token", "create", "--owner", "admin", "--scopes", "absences:write,directory:read"
        ).split()[-1]
        people = json.loads(
            urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{servers.ports[0]}/api/v1/people/",
                    headers={"Authorization": f"Bearer {secret}"},
                ),
                timeout=10,
            ).read()
        )
        same, other = asyncio.run(measure(servers, secret, people["results"][0]["id"], clients, changes))
    report(same, other)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    print(f"{args.clients} consoles, {args.changes} absence changes each; target p95 < 300 ms")
    data = Path(tempfile.mkdtemp(prefix="vaxel-bench-live-"))
    base = {
        **os.environ,
        "VAXEL_SECRET_KEY": "bench-only",
        "VAXEL_SECURE_COOKIES": "0",
        "VAXEL_DEMO_PASSWORD": PASSWORD,
        "VAXEL_LOG_LEVEL": "WARNING",
    }
    base.pop("VAXEL_REDIS_URL", None)
    base.pop("DATABASE_URL", None)
    try:
        database = postgres_database(args.postgres, "vaxel_bench_live")
        if database and redis_reachable(args.redis):
            env = {
                **base,
                "DATABASE_URL": database,
                "VAXEL_REDIS_URL": args.redis,
                "VAXEL_DATA_DIR": str(data / "a"),
            }
            scenario("PostgreSQL + Redis pub/sub, 2 server processes", env, 2, args.clients, args.changes)
        database = postgres_database(args.postgres, "vaxel_bench_live")
        if database:
            env = {**base, "DATABASE_URL": database, "VAXEL_DATA_DIR": str(data / "b")}
            scenario("PostgreSQL LISTEN/NOTIFY, 2 server processes", env, 2, args.clients, args.changes)
        env = {**base, "VAXEL_DATA_DIR": str(data / "c")}
        scenario("SQLite, in-process, 1 server process", env, 1, args.clients, args.changes)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
