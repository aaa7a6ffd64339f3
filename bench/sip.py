"""INVITE → 302 through Kamailio (deploy/kamailio/kamailio.cfg) asking a running Växel
with a 100,000-person directory, beside the same Kamailio asking a bare Python HTTP
stub that always gives the same answer: sequential, and with 8 parallel clients.
Prints p50/p99 per INVITE and INVITEs per second. Target: p99 under 5 ms and at least
500 INVITE/s with the real service.

    .venv/bin/python bench/sip.py [--people 100000] [--invites 3000] [--rate 200] [--seconds 10]
        [--before main] [--define MAX_PENDING=32 ...]

Then overload, open loop with sipp (callers who do not wait for the one before): INVITE
→ 302 → ACK at 1×, 2× and 4× the rate Växel sustains (--rate, 200/s), for Växel and for the
stub. Prints, at each rate, how many calls were redirected and how many were not, the
p99 of the redirected ones, and the knee: the highest rate at which 99 % are redirected
with p99 under 50 ms. Targets: Växel's knee at least 80 % of the stub's; at 4× the
redirected calls' p99 under 50 ms.

`--before REF` runs the open loop also with kamailio.cfg as it is in git at REF (e.g.
main), Växel and stub each, in the same run, so before and after are compared on the same
machine at the same moment. `--define NAME=VALUE` adds a #!define to this configuration's
vaxel-local.cfg (not to REF's), e.g. MAX_PENDING=16 or WITHOUT_MAX_PENDING=1.

Needs kamailio and sipp (scripts/ensure-telephony). Uses a fresh SQLite database in a
temporary folder, one `vaxel serve` process, and ports on 127.0.0.1.
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["VAXEL_DATA_DIR"] = DATA = __import__("tempfile").mkdtemp(prefix="vaxel-bench-sip-")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("VAXEL_REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")

import argparse
import json
import random
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django

django.setup()

from django.core.management import call_command

from vaxel.access.services import token_create, user_add
from vaxel.availability.models import Absence
from vaxel.core.time import now
from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.telephony.sip_udp import SipClient

ROOT = Path(__file__).resolve().parent.parent
KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"
SIPP = shutil.which("sipp") or "/usr/bin/sipp"
SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="redirect">
  <send start_rtd="true"><![CDATA[
INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:+46361234567@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:caller@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="100" optional="true"/>
  <recv response="503" optional="true" next="refused"/>
  <recv response="302" rtd="true"/>
  <label id="refused"/>
  <send><![CDATA[
ACK sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:+46361234567@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
</scenario>
"""
STUB_ANSWER = (
    b'{"action":"redirect","contact":"<sip:+46370331000@10.0.0.5>;q=1.0","diversion":"","prompt":""}'
)


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def directory(people: int) -> list[str]:
    """People in units of 15 with direct numbers; a quarter absent right now."""
    call_command("migrate", verbosity=0)
    Organisation.objects.create(name="Benchby kommun", switchboard_number="+46370300000")
    units = Unit.objects.bulk_create(Unit(name=f"Enhet {u}") for u in range(max(1, people // 15)))
    persons = Person.objects.bulk_create(
        (
            Person(name=f"Person {i}", email=f"p{i}@bench.example", unit=units[i % len(units)])
            for i in range(people)
        ),
        batch_size=5000,
    )
    numbers = [f"+4637{10_000_000 + i}" for i in range(people)]
    PhoneNumber.objects.bulk_create(
        (
            PhoneNumber(e164=n, kind=NumberKind.DIRECT, person=p)
            for n, p in zip(numbers, persons, strict=True)
        ),
        batch_size=5000,
    )
    moment = now()
    Absence.objects.bulk_create(
        (
            Absence(
                person=p,
                reason="meeting",
                starts_at=moment - timedelta(hours=1),
                ends_at=moment + timedelta(hours=3),
            )
            for p in persons[::4]
        ),
        batch_size=5000,
    )
    user_add(username="kamailio", roles="operator")
    return numbers


def kamailio(workdir: Path, upstream: str, config: str, extra: str = "") -> tuple[int, Path]:
    workdir.mkdir()
    port = free_port(socket.SOCK_DGRAM)
    (workdir / "kamailio.cfg").write_text(config)
    (workdir / "vaxel-local.cfg").write_text(
        f'#!define LISTEN udp:127.0.0.1:{port}\n#!define VAXEL_HTTPCON "vaxel=>{upstream}"\n'
        '#!define GATEWAY "10.0.0.5"\n#!define WITHOUT_PIKE 1\n' + extra
    )
    pid = workdir / "kamailio.pid"
    subprocess.run(
        [KAMAILIO, "-f", "kamailio.cfg", "-P", str(pid), "-Y", str(workdir), "-w", str(workdir)],
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=20,
    )
    return port, pid


def stub() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(STUB_ANSWER)))
            self.end_headers()
            self.wfile.write(STUB_ANSWER)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(port: int, numbers: list[str], invites: int, clients: int) -> tuple[list[float], float, int]:
    rng = random.Random(7)
    per_client = invites // clients

    def one_client(_n: int) -> tuple[list[float], int]:
        client = SipClient("127.0.0.1", port, timeout=2)
        times, failed = [], 0
        for _ in range(per_client):
            began = time.perf_counter()
            answer = client.call(rng.choice(numbers))
            times.append((time.perf_counter() - began) * 1000)
            failed += answer is None or answer.status != 302
        client.close()
        return times, failed

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one_client, range(clients)))
    wall = time.perf_counter() - began
    times = [t for r in results for t in r[0]]
    return times, len(times) / wall, sum(r[1] for r in results)


def open_loop(port: int, numbers: list[str], rate: int, seconds: int, work: Path) -> tuple[int, int, float]:
    """sipp at `rate` INVITE/s for `seconds`: (redirected, not redirected: turned away
    with 503 or unanswered, p99 of the redirected in ms; sipp's steps are about 4 ms)."""
    folder = work / f"sipp-{port}-{rate}"
    folder.mkdir()
    (folder / "redirect.xml").write_text(SCENARIO)
    (folder / "numbers.csv").write_text("RANDOM\n" + "\n".join(random.Random(5).sample(numbers, 2000)) + "\n")
    calls = rate * seconds
    subprocess.run(
        [
            SIPP,
            f"127.0.0.1:{port}",
            "-sf",
            "redirect.xml",
            "-inf",
            "numbers.csv",
            "-r",
            str(rate),
            "-m",
            str(calls),
            "-l",
            str(rate * 4),
            "-trace_rtt",
            "-rtt_freq",
            "1",
            "-trace_err",
            "-recv_timeout",
            "8000",
            "-timeout",
            str(seconds * 3 + 20),
            "-nostdin",
            "-i",
            "127.0.0.1",
            "-p",
            str(free_port(socket.SOCK_DGRAM)),
            "-max_socket",
            "1024",
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds * 3 + 60,
    )
    times = [  # one line per redirected call: Date_ms;response_time_ms;rtd_no
        float(line.split(";")[1])
        for trace in folder.glob("*_rtt.csv")
        for line in trace.read_text().splitlines()[1:]
        if line.count(";") >= 2
    ]
    p99 = statistics.quantiles(times, n=100)[98] if len(times) > 1 else float("nan")
    return len(times), calls - len(times), p99


def report(name: str, times: list[float], rate: float, failed: int) -> None:
    q = statistics.quantiles(times, n=100)
    print(
        f"  {name}: p50 {statistics.median(times):.2f} ms, p99 {q[98]:.2f} ms, "
        f"{rate:.0f} INVITE/s, failed {failed}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--invites", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=200, help="the rate Växel sustains: 1× of the open loop")
    parser.add_argument("--seconds", type=int, default=10, help="each open-loop run")
    parser.add_argument("--before", metavar="REF", help="also the open loop with kamailio.cfg at git REF")
    parser.add_argument("--define", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    config = (ROOT / "deploy" / "kamailio" / "kamailio.cfg").read_text()
    extra = "".join("#!define {} {}\n".format(*d.partition("=")[::2]) for d in args.define)
    before = None
    if args.before:
        before = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{args.before}:deploy/kamailio/kamailio.cfg"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    if not Path(KAMAILIO).exists():
        print("kamailio is not installed: scripts/ensure-telephony")
        return 1
    numbers = directory(args.people)
    _token, secret = token_create(owner="kamailio", scopes="route", name="bench")
    port = free_port()
    env = {**os.environ, "VAXEL_SECRET_KEY": "bench-only", "VAXEL_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # this checkout's Växel, with the Python running this script
        [sys.executable, "-m", "vaxel.cli", "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kamailios: list[Path] = []
    stub_server = stub()
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/pbx/route/?to={numbers[0].replace('+', '%2B')}",
            headers={"Authorization": f"Bearer {secret}"},
        )
        deadline = time.monotonic() + 120
        while True:  # the first answer also builds the snapshot of the whole directory
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (127.0.0.1)
                    json.loads(answer.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        # Server time: the same answer computed in this process, without HTTP.
        from vaxel.telephony.views import route_answer

        authorization = f"Bearer {secret}"
        route_answer(authorization, {"to": numbers[0]})
        server_times = []
        for number in random.Random(3).choices(numbers, k=2000):
            began = time.perf_counter()
            route_answer(authorization, {"to": number, "gw": "10.0.0.5"})
            server_times.append((time.perf_counter() - began) * 1000)
        q = statistics.quantiles(server_times, n=100)
        median = statistics.median(server_times)
        print(f"  server time per answer (in-process): p50 {median:.3f} ms, p99 {q[98]:.3f} ms")
        work = Path(DATA)
        real_url = f"http://pbx:{secret}@127.0.0.1:{port}/pbx/route"
        stub_url = f"http://127.0.0.1:{stub_server.server_port}/pbx/route"
        real_port, real_pid = kamailio(work / "real", real_url, config, extra)
        stub_port, stub_pid = kamailio(work / "stub", stub_url, config, extra)
        kamailios = [real_pid, stub_pid]
        targets = [("Växel", real_port), ("stub", stub_port)]
        if before is not None:
            old_real_port, old_real_pid = kamailio(work / "real-before", real_url, before)
            old_stub_port, old_stub_pid = kamailio(work / "stub-before", stub_url, before)
            kamailios += [old_real_pid, old_stub_pid]
            targets = [
                (f"Växel {args.before}", old_real_port),
                (f"stub {args.before}", old_stub_port),
                *targets,
            ]
        time.sleep(0.5)
        print(
            f"{args.people} people ({args.people // 4} absent), {args.invites} INVITEs per run, "
            f"Kamailio with 4 children{', ' + extra.strip().replace(chr(10), ', ') if extra else ''}"
        )
        for clients in (1, 8):
            label = "sequential" if clients == 1 else f"{clients} parallel clients"
            run(real_port, numbers, 200, clients)  # warm up
            report(f"Växel, {label}", *run(real_port, numbers, args.invites, clients))
            run(stub_port, numbers, 200, clients)
            report(f"stub,  {label}", *run(stub_port, numbers, args.invites, clients))
        if Path(SIPP).exists():
            print(f"Open loop (sipp), {args.seconds} s per rate:")
            knees = {}
            for name, port in targets:
                knees[name] = 0
                for factor in (1, 2, 4):
                    rate = args.rate * factor
                    redirected, refused, p99 = open_loop(port, numbers, rate, args.seconds, work)
                    print(
                        f"  {name}, {factor}× ({rate}/s): {redirected} redirected, {refused} not "
                        f"(turned away or unanswered), p99 of the redirected {p99:.0f} ms"
                    )
                    if redirected >= 0.99 * rate * args.seconds and p99 < 50:
                        knees[name] = rate
            for real, bare in zip(targets[::2], targets[1::2], strict=True):
                ratio = knees[real[0]] / knees[bare[0]] if knees[bare[0]] else float("nan")
                print(f"  knee: {real[0]} {knees[real[0]]}/s, {bare[0]} {knees[bare[0]]}/s ({ratio:.0%})")
    finally:
        for pid_file in kamailios:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        server.terminate()
        server.wait(timeout=15)
        stub_server.shutdown()
        shutil.rmtree(DATA, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
