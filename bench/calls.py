"""Real calls through the switchboard's own telephone: Kamailio (deploy/kamailio/
switchboard.cfg) asking a running Växel, rtpengine in userspace for the media, and
the media endpoint holding the queue, with N calls at once from SIP callers to N phones
registered at Kamailio, all of them Debian's baresip driven over its ctrl_tcp module
(the agents of the end-to-end tests, vaxel/telephony/tests/baresip.py). Prints p50/p99 of:

- INVITE → ringing: a caller dials a person's number, until the INVITE reaches the
  phone registered for it (Växel decides, rtpengine takes the SDP offer);
- transfer → ringing: the caller's INVITE to the opaque `xfer-…` address a console
  refers it to, until the phone of the number put through to rings;
- INVITE → answered in the queue: a caller dials the switchboard, until the media
  endpoint answers, having recorded the call in the consoles' queue and composed its
  greeting;
- INVITE → the consoles show it: the same calls, until the queue's live event has
  reached each of two operators' consoles (their Server-Sent Events streams);
- answer → audio: the phone rung answers, until the caller's telephone counts its first
  RTP packet through rtpengine (baresip's stream statistics, asked every 2 ms);
- recall: an operator on a desk phone answers a caller from the queue and puts them
  through to a person whose phone rings N seconds (their unit's ring time,
  --recall-seconds) and nobody answers; from that phone ringing until the operator's
  desk phone rings again with the caller (issue 23: within N + 1 s). Printed as the
  time beyond N, beside the bare forward's INVITE → ringing: the one ringing through
  Kamailio that any recall must add to N at least;

beside the same Kamailio, rtpengine and phones with Växel left out (WITHOUT_VAXEL: the
dialled user is rung as it is) for INVITE → ringing and answer → audio, measured in
the same run. Targets: p99 under 150 ms for
INVITE → ringing, under 300 ms for transfer → ringing.

Each time runs from the moment the `dial` command is sent to the caller's baresip until
the phone's (or the caller's) baresip event (CALL_INCOMING, CALL_ESTABLISHED) reaches
this script: besides the SIP path it includes both agents' own work (the caller building
its INVITE and SDP, the phone parsing it) and two local TCP hops, which the
hand-written agents these figures were first taken with did not have: a few
milliseconds (bare Kamailio p50 6–11 ms against 4 ms, 5 calls at once on this shared
2-core machine). The bare Kamailio line has the same, so compare the two. A rung phone declines (486);
a caller in the queue hangs up with a BYE along the dialog's route through Kamailio.

    .venv/bin/python bench/calls.py [--calls 20] [--rounds 10] [--people 1000] [--postgres]
                                    [--workers 1] [--recall-rounds 10] [--recall-seconds 2]

Needs kamailio, rtpengine and baresip (scripts/ensure-telephony). Uses a fresh SQLite database in
a temporary folder (or, with --postgres, a fresh database vaxel_bench_calls, dropped after, on the
PostgreSQL at 127.0.0.1:5432), one `vaxel serve --media` process (the media endpoint in
the server, as the embedded set-up runs it) or, with --workers N (PostgreSQL), `vaxel
serve --workers N` and `vaxel media` beside it, as at scale; ports on 127.0.0.1.
"""

import os
import sys

# bench/calendar.py, beside these scripts, must not hide the standard calendar module.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ["VAXEL_DATA_DIR"] = DATA = __import__("tempfile").mkdtemp(prefix="vaxel-bench-calls-")
os.environ.pop("VAXEL_REDIS_URL", None)
if "--postgres" in sys.argv:  # a fresh database, as Växel runs at scale
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS vaxel_bench_calls")
        admin.execute("CREATE DATABASE vaxel_bench_calls")
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/vaxel_bench_calls"
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")
os.environ.update(VAXEL_TELEPHONY_DRIVER="kamailio", VAXEL_SIP_DOMAIN="vaxel.bench")

import argparse
import contextlib
import http.cookiejar
import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import django

django.setup()

from django.conf import settings
from django.core.management import call_command

from vaxel.access.services import token_create, user_add
from vaxel.availability.services import schedule_exception_add
from vaxel.core.time import local_date, now
from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.telephony.models import Call
from vaxel.telephony.moves import desk_phone_control
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.telephony.sip_udp import SipClient, request
from vaxel.telephony.switchboard import operator_user, sip_credentials, transfer_uri
from vaxel.telephony.tests.baresip import BARESIP, SipAgent

ROOT = Path(__file__).resolve().parent.parent
KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"
RTPENGINE = shutil.which("rtpengine") or "/usr/bin/rtpengine"
SWITCHBOARD = "+46370300000"
CALLER = "+46361234567"
UNANSWERED = "+46370399999"  # a person put through to, whose phone nobody answers
PASSWORD = "bench-lösenord-1"
# This worktree's Växel, whichever virtualenv runs the script.
VAXEL = [sys.executable, "-c", "import sys; from vaxel.cli import main; sys.exit(main())"]


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def directory(people: int, recall_seconds: int) -> list[PhoneNumber]:
    call_command("migrate", verbosity=0)
    Organisation.objects.create(name="Benchby kommun", switchboard_number=SWITCHBOARD)
    today = local_date(now())
    schedule_exception_add(day=today, hours="00:00-23:59")
    units = Unit.objects.bulk_create(Unit(name=f"Enhet {u}") for u in range(max(1, people // 15)))
    persons = Person.objects.bulk_create(
        Person(name=f"Person {i}", email=f"p{i}@bench.example", unit=units[i % len(units)])
        for i in range(people)
    )
    PhoneNumber.objects.bulk_create(
        PhoneNumber(e164=f"+4637{10_000_000 + i}", kind=NumberKind.DIRECT, person=p)
        for i, p in enumerate(persons)
    )
    user_add(username="kamailio", roles="operator")
    numbers = list(PhoneNumber.objects.order_by("pk"))
    unit = Unit.objects.create(name="Återringning", transfer_ring_seconds=recall_seconds)
    person = Person.objects.create(name="Ingen Svarar", email="ingen@bench.example", unit=unit)
    PhoneNumber.objects.create(e164=UNANSWERED, kind=NumberKind.DIRECT, person=person)
    return numbers


def start(command: list[str], log: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, **kwargs)


def kamailio(workdir: Path, *, route: str, rtpengine: str, bare: bool) -> tuple[int, Path]:
    workdir.mkdir()
    port = free_port(socket.SOCK_DGRAM)
    (workdir / "switchboard.cfg").write_text((ROOT / "deploy" / "kamailio" / "switchboard.cfg").read_text())
    (workdir / "switchboard-local.cfg").write_text(
        f"#!define LISTEN_UDP udp:127.0.0.1:{port}\n#!define LISTEN_WS tcp:127.0.0.1:{free_port()}\n"
        f'#!define SIP_DOMAIN "vaxel.bench"\n#!define SIP_SECRET "{settings.VAXEL_SIP_SECRET}"\n'
        f'#!define VAXEL_HTTPCON "vaxel=>{route}"\n#!define TRUSTED "127.0.0.1/32"\n'
        f'#!define RTPENGINE "{rtpengine}"\n' + ("#!define WITHOUT_VAXEL 1\n" if bare else "")
    )
    pid = workdir / "kamailio.pid"
    subprocess.run(
        [KAMAILIO, "-f", "switchboard.cfg", "-P", str(pid), "-Y", str(workdir), "-w", str(workdir)],
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=20,
    )
    client = SipClient("127.0.0.1", port, timeout=1)
    while client.send(request("OPTIONS", "", "bench", host="127.0.0.1", port=port)) is None:
        time.sleep(0.2)
    client.close()
    return port, pid


def ring(port: int, pairs: list[tuple[str, SipAgent]], callers: list[SipAgent]) -> list[float]:
    """All callers dial at once; milliseconds until each phone rings (it then declines)."""
    times: list[float] = []
    gate = threading.Barrier(len(pairs))

    def one(user: str, phone: SipAgent, caller: SipAgent) -> None:
        rung, dialled = phone.mark(), caller.mark()
        gate.wait()
        began = time.perf_counter()
        caller.dial(f"sip:{user}@127.0.0.1:{port}")
        ringing = phone.wait("CALL_INCOMING", seconds=5, since=rung)
        if ringing is not None:
            times.append((ringing.at - began) * 1000)
            phone.hang_up()  # busy: the transaction and its media session end
        caller.closed(seconds=5, since=dialled)

    threads = [
        threading.Thread(target=one, args=(*pair, caller))
        for pair, caller in zip(pairs, callers, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def queued(port: int, callers: list[SipAgent], consoles: list["Console"]) -> tuple[list[float], list[float]]:
    """All callers dial the switchboard at once; milliseconds until the media endpoint
    answers each (the call is then recorded in the consoles' queue and its greeting
    composed), and until each console has been told. Once all are answered (or after
    10 s), each caller hangs up."""
    times: list[float] = []
    began: dict[str, float] = {}  # Call-ID → when its caller dialled
    gate, answered_all = threading.Barrier(len(callers)), threading.Barrier(len(callers))

    def one(caller: SipAgent) -> None:
        dialled = caller.mark()
        gate.wait()
        at = time.perf_counter()
        caller.dial(f"sip:{SWITCHBOARD}@127.0.0.1:{port}")
        answered = caller.established(seconds=5, since=dialled)
        if answered is not None:
            times.append((answered.at - at) * 1000)
            began[answered.call_id] = at
        with contextlib.suppress(threading.BrokenBarrierError):
            answered_all.wait(timeout=10)  # 20 calls at once: none hangs up while others arrive
        caller.hang_up()
        caller.closed(seconds=5, since=dialled)

    threads = [threading.Thread(target=one, args=(caller,)) for caller in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = dict(Call.objects.filter(external_id__in=began).values_list("external_id", "pk"))
    shown = [
        (console.arrived[calls[call_id]] - at) * 1000
        for console in consoles
        for call_id, at in began.items()
        if calls.get(call_id) in console.arrived
    ]
    return times, shown


def answer_to_audio(port: int, pairs: list[tuple[str, SipAgent]], callers: list[SipAgent]) -> list[float]:
    """All callers dial at once and each phone answers as it rings; milliseconds from the
    answer until the caller's first RTP packet. Then each caller hangs up."""
    times: list[float] = []
    gate = threading.Barrier(len(pairs))

    def one(user: str, phone: SipAgent, caller: SipAgent) -> None:
        rung, dialled = phone.mark(), caller.mark()
        gate.wait()
        caller.dial(f"sip:{user}@127.0.0.1:{port}")
        if phone.wait("CALL_INCOMING", seconds=5, since=rung) is not None:
            began = time.perf_counter()
            phone.answer()
            if caller.established(seconds=5, since=dialled) is not None:
                while time.perf_counter() - began < 3:
                    if caller.audio().received > 0:
                        times.append((time.perf_counter() - began) * 1000)
                        break
                    time.sleep(0.002)
        caller.hang_up()
        caller.closed(seconds=5, since=dialled)
        phone.closed(seconds=5, since=rung)

    threads = [
        threading.Thread(target=one, args=(*pair, caller))
        for pair, caller in zip(pairs, callers, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def recall(desk: SipAgent, phone: SipAgent, caller: SipAgent, *, port: int, number, operator) -> float | None:
    """A caller in the queue, answered by `operator` on `desk`, put through to `number`,
    whose `phone` rings and is not answered: seconds from that ringing until the desk
    phone rings again with the caller (None: it did not, within 30 s). Then the caller
    hangs up."""
    dialled, desk_from = caller.mark(), desk.mark()
    caller.dial(f"sip:{SWITCHBOARD}@127.0.0.1:{port}")
    held = caller.established(seconds=10, since=dialled)
    try:
        if held is None:
            return None
        call = Call.objects.get(external_id=held.call_id)  # recorded before it was answered
        call_answer(call_id=call.pk, actor=operator)
        if desk.wait("CALL_INCOMING", seconds=10, since=desk_from) is None:
            return None
        desk.answer()
        if caller.established(seconds=10, since=dialled, other_than=held.call_id) is None:
            return None
        rung, again = phone.mark(), desk.mark()
        call_put_through(call_id=call.pk, number_id=number.pk, actor=operator)
        desk_phone_control(call_id=call.pk, actor=operator, action="put-through")
        ringing = phone.wait("CALL_INCOMING", seconds=10, since=rung)
        if ringing is None:
            return None
        back = desk.wait("CALL_INCOMING", seconds=30, since=again)
        if back is None:
            return None
        desk.answer()
        return back.at - ringing.at
    finally:
        ending = caller.mark()
        caller.hang_up()
        caller.closed(seconds=5, since=ending)
        desk.hang_up()


class Console:
    """An operator's console's live stream, read in the background: when the event that
    a call is waiting reached it, by the call's id."""

    def __init__(self, port: int, cookie: str):
        self.arrived: dict[int, float] = {}
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.sock.sendall(
            f"GET /konsol/handelser/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        pending = b""
        while data := self.sock.recv(65536):
            came = time.perf_counter()
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not line.startswith(b"data: "):
                    continue
                with contextlib.suppress(ValueError):
                    event = json.loads(line[6:])
                    if event.get("kind") == "queue" and event.get("state") == "queued":
                        self.arrived.setdefault(event["call"], came)


def signed_in(port: int, username: str) -> str:
    """The session cookie of `username` signed in at the server on `port`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    opener.open(f"http://127.0.0.1:{port}/login/", data=form.encode(), timeout=10).close()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def telephone(user: str, port: int) -> SipAgent:
    """A phone registered at the Kamailio on `port` as `user`."""
    minted = sip_credentials(user)
    phone = SipAgent(
        user=user,
        domain="vaxel.bench",
        proxy_port=port,
        auth_user=str(minted["authorization_user"]),
        password=str(minted["password"]),
        lifetime=24 * 3600,
    ).start()
    assert phone.registration() == 200
    return phone


def report(name: str, times: list[float], expected: int) -> None:
    if len(times) < 2:
        print(f"  {name}: {len(times)} of {expected} arrived")
        return
    q = statistics.quantiles(times, n=100)
    print(f"  {name}: p50 {statistics.median(times):.1f} ms, p99 {q[98]:.1f} ms ({len(times)} of {expected})")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=20, help="calls at once")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--recall-rounds", type=int, default=10, help="put-throughs nobody answers")
    parser.add_argument("--recall-seconds", type=int, default=2, help="N: how long they ring")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes; above 1 the media endpoint runs beside (needs --postgres)",
    )
    args = parser.parse_args()
    if args.workers > 1 and not args.postgres:
        parser.error("--workers above 1 needs --postgres: SQLite's consoles are live within one process")
    if not (Path(KAMAILIO).exists() and Path(RTPENGINE).exists() and Path(BARESIP).exists()):
        print("kamailio, rtpengine and baresip are needed: scripts/ensure-telephony")
        return 1
    numbers = directory(args.people, args.recall_seconds)
    _token, secret = token_create(owner="kamailio", scopes="route", name="bench")
    work = Path(DATA)
    web_port, media_port, ng_port = free_port(), free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    env = {
        **os.environ,
        "VAXEL_SECRET_KEY": "bench-only",
        "VAXEL_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "VAXEL_SECURE_COOKIES": "0",
        "VAXEL_LOG_LEVEL": "WARNING",
        "VAXEL_MEDIA_HOST": f"127.0.0.1:{media_port}",
        "VAXEL_TRANSFER_RING_SECONDS": "0",  # a phone that declines is no recall to time
    }
    serve = [*VAXEL, "serve", "--port", str(web_port)]
    media = f"127.0.0.1:{media_port}"
    if args.workers == 1:  # the media endpoint in the server, as the embedded set-up runs it
        commands = [([*serve, "--media", media], "serve.log")]
    else:  # as at scale: server processes, and the media endpoint in its own
        commands = [
            ([*serve, "--workers", str(args.workers)], "serve.log"),
            ([*VAXEL, "media", "--listen", media], "media.log"),
        ]
    vaxel = [start(command, work / log, env=env, cwd=ROOT) for command, log in commands]
    processes = [
        *vaxel,
        start(
            [
                RTPENGINE,
                "--config-file=none",
                "--foreground",
                "--table=-1",
                "--interface=127.0.0.1",
                f"--listen-ng=127.0.0.1:{ng_port}",
                "--port-min=31000",
                "--port-max=33000",
                "--log-level=3",
                "--log-stderr",
            ],
            work / "rtpengine.log",
        ),
    ]
    pids: list[Path] = []
    agents: list[SipAgent] = []
    try:
        time.sleep(3)  # the web server, the media endpoint and rtpengine start
        rtp = f"udp:127.0.0.1:{ng_port}"
        route = f"http://pbx:{secret}@127.0.0.1:{web_port}/pbx/route"
        real_port, real_pid = kamailio(work / "real", route=route, rtpengine=rtp, bare=False)
        bare_port, bare_pid = kamailio(work / "bare", route=route, rtpengine=rtp, bare=True)
        pids = [real_pid, bare_pid]
        chosen = numbers[: args.calls]
        for port in (real_port, bare_port):
            agents += [telephone(number.e164, port) for number in chosen]
        real_phones, bare_phones = agents[: args.calls], agents[args.calls :]
        callers = [
            SipAgent(user=CALLER, domain="127.0.0.1", proxy_port=0, lifetime=24 * 3600) for _n in chosen
        ]
        for caller in callers:
            agents.append(caller.start())
        operator = user_add(username="bench-operator", roles="operator")[0]
        user_add(username="bench-console", password=PASSWORD, roles="operator")
        cookie = signed_in(web_port, "bench-console")
        consoles = [Console(web_port, cookie) for _n in range(2)]
        print(
            f"{args.people} people, {args.calls} calls at once, {args.rounds} rounds; "
            "Kamailio with 4 children, rtpengine in userspace, 2 consoles"
        )
        real = [(n.e164, p) for n, p in zip(chosen, real_phones, strict=True)]
        bare = [(n.e164, p) for n, p in zip(chosen, bare_phones, strict=True)]
        ring(real_port, real, callers)  # warm up
        ring(bare_port, bare, callers)
        queued(real_port, callers, consoles)  # the greeting and each place are spoken once
        results: dict[str, list[float]] = {
            name: [] for name in ("real", "bare", "transfer", "queue", "shown", "audio", "bare audio")
        }
        for _round in range(args.rounds):
            results["real"] += ring(real_port, real, callers)
            results["bare"] += ring(bare_port, bare, callers)
            addresses = []
            for number in chosen:
                call = call_arrive(caller="036-123456", called=SWITCHBOARD, driver="kamailio")
                call_answer(call_id=call.pk, actor=operator)
                put = call_put_through(call_id=call.pk, number_id=number.pk, actor=operator)
                addresses.append(transfer_uri(put).removeprefix("sip:").split("@", 1)[0])
            results["transfer"] += ring(real_port, list(zip(addresses, real_phones, strict=True)), callers)
            answered, shown = queued(real_port, callers, consoles)
            results["queue"] += answered
            results["shown"] += shown
            results["audio"] += answer_to_audio(real_port, real, callers)
            results["bare audio"] += answer_to_audio(bare_port, bare, callers)
        expected = args.calls * args.rounds
        report("Växel, INVITE → ringing", results["real"], expected)
        report("bare Kamailio forward, INVITE → ringing", results["bare"], expected)
        report("Växel, transfer (xfer- address) → ringing", results["transfer"], expected)
        report("Växel, INVITE to the switchboard → answered in the queue", results["queue"], expected)
        report("Växel, INVITE to the switchboard → shown in each console", results["shown"], 2 * expected)
        report("Växel, answer → the caller's first audio", results["audio"], expected)
        report("bare Kamailio forward, answer → the caller's first audio", results["bare audio"], expected)
        settings.VAXEL_SIP_PROXY = f"127.0.0.1:{real_port}"  # the console's requests to Kamailio
        number = PhoneNumber.objects.get(e164=UNANSWERED)
        phone = telephone(number.e164, real_port)
        desk = telephone(operator_user(operator), real_port)
        # A caller whose telephone follows a referral, to the op-… address of the domain,
        # through Kamailio.
        caller = SipAgent(user=CALLER, domain="127.0.0.1", proxy_port=real_port, lifetime=24 * 3600).start()
        agents += [phone, desk, caller]
        beyond = []
        for _round in range(args.recall_rounds):
            took = recall(desk, phone, caller, port=real_port, number=number, operator=operator)
            if took is not None:
                beyond.append((took - args.recall_seconds) * 1000)
        report(
            f"Växel, recall: no answer for N = {args.recall_seconds} s → the desk phone rings again, after N",
            beyond,
            args.recall_rounds,
        )
    finally:
        for agent in agents:
            agent.close()
        for pid_file in pids:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        shutil.rmtree(DATA, ignore_errors=True)
        if "--postgres" in sys.argv:
            drop_database()
    return 0


def drop_database() -> None:
    from django.db import connections

    from vaxel.core import live

    live.listeners_stop()  # this script's own LISTEN connection
    connections.close_all()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS vaxel_bench_calls WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
