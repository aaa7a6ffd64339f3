"""Real calls through the switchboard's own telephone: Kamailio (deploy/kamailio/
switchboard.cfg) asking a running Växel, rtpengine in userspace for the media, and
`vaxel media` holding the queue, with N calls at once from SIP callers to N phones
registered at Kamailio (the same agents the end-to-end tests use). Prints p50/p99 of:

- INVITE → ringing: a caller dials a person's number, until the INVITE reaches the
  phone registered for it (Växel decides, rtpengine takes the SDP offer);
- transfer → ringing: the caller's INVITE to the opaque `xfer-…` address a console
  refers it to, until the phone of the number put through to rings;
- INVITE → answered in the queue: a caller dials the switchboard, until the media
  endpoint answers, having recorded the call in the consoles' queue and composed its
  greeting (the live event to the browsers is not included; bench/live.py measures it);

beside the same Kamailio, rtpengine and phones with Växel left out (WITHOUT_VAXEL: the
dialled user is rung as it is), measured in the same run. Targets: p99 under 150 ms for
INVITE → ringing, under 300 ms for transfer → ringing.

    .venv/bin/python bench/calls.py [--calls 20] [--rounds 10] [--people 1000] [--postgres]

Needs kamailio and rtpengine (scripts/ensure-telephony). Uses a fresh SQLite database in
a temporary folder (or, with --postgres, a fresh database vaxel_bench_calls on the
PostgreSQL at 127.0.0.1:5432), one `vaxel serve` and one `vaxel media` process, ports on
127.0.0.1.
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
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command

from vaxel.access.services import token_create, user_add
from vaxel.availability.services import schedule_exception_add
from vaxel.core.time import local_date, now
from vaxel.directory.models import NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.telephony.services import call_answer, call_arrive, call_put_through
from vaxel.telephony.sip_udp import SipClient, invite, request
from vaxel.telephony.switchboard import sip_credentials, transfer_uri
from vaxel.telephony.tests.phones import Phone, _headers

ROOT = Path(__file__).resolve().parent.parent
KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"
RTPENGINE = shutil.which("rtpengine") or "/usr/bin/rtpengine"
SWITCHBOARD = "+46370300000"
SDP = (
    "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio {port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"
)


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def directory(people: int) -> list[PhoneNumber]:
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
    return list(PhoneNumber.objects.order_by("pk"))


def start(command: list[str], log: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, **kwargs)


def kamailio(workdir: Path, *, route: str, rtpengine: str, bare: bool) -> tuple[int, Path]:
    from django.conf import settings

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


def decline(phone: Phone, invite_text: str) -> None:
    """The phone says it is busy, so the transaction and its media session end."""
    _first, headers, _body = _headers(invite_text)
    vias = "".join(f"Via: {v}\r\n" for v in headers.get("via", []))
    phone.sip.sendto(
        (
            f"SIP/2.0 486 Busy Here\r\n{vias}From: {headers['from'][0]}\r\n"
            f"To: {headers['to'][0]};tag=busy\r\nCall-ID: {headers['call-id'][0]}\r\n"
            f"CSeq: {headers['cseq'][0]}\r\nContent-Length: 0\r\n\r\n"
        ).encode(),
        phone.proxy,
    )


def ring(port: int, pairs: list[tuple[str, Phone]]) -> list[float]:
    """All callers dial at once; milliseconds until each phone rings."""
    times: list[float] = []
    gate = threading.Barrier(len(pairs))

    def one(user: str, phone: Phone) -> None:
        caller = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        caller.bind(("127.0.0.1", 0))
        message = invite(user, "+46361234567", host="127.0.0.1", port=port).replace(
            b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp\r\n"
        )
        sdp = SDP.format(port=free_port(socket.SOCK_DGRAM))
        message += f"Content-Length: {len(sdp)}\r\n\r\n{sdp}".encode()
        gate.wait()
        began = time.perf_counter()
        caller.sendto(message, ("127.0.0.1", port))
        text = phone.ringing(seconds=5)
        if text:
            times.append((time.perf_counter() - began) * 1000)
            decline(phone, text)
        caller.close()

    threads = [threading.Thread(target=one, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def queued(port: int, media_port: int, calls: int) -> list[float]:
    """All callers dial the switchboard at once; milliseconds until the media endpoint
    answers each (the call is then recorded in the consoles' queue and its greeting
    composed). Each caller then hangs up, straight at the media endpoint."""
    times: list[float] = []
    gate = threading.Barrier(calls)

    def one(_n: int) -> None:
        call_id = f"bench-{secrets.token_hex(6)}"
        caller = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        caller.bind(("127.0.0.1", 0))
        caller.settimeout(5)
        message = invite(SWITCHBOARD, "+46361234567", host="127.0.0.1", port=port, call_id=call_id).replace(
            b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp\r\n"
        )
        sdp = SDP.format(port=free_port(socket.SOCK_DGRAM))
        message += f"Content-Length: {len(sdp)}\r\n\r\n{sdp}".encode()
        gate.wait()
        began = time.perf_counter()
        caller.sendto(message, ("127.0.0.1", port))
        try:
            while not caller.recv(65535).startswith(b"SIP/2.0 200"):
                pass
            times.append((time.perf_counter() - began) * 1000)
        except TimeoutError:
            pass
        bye = request("BYE", "media", "+46361234567", host="127.0.0.1", port=media_port, call_id=call_id)
        caller.sendto(bye, ("127.0.0.1", media_port))
        caller.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


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
    args = parser.parse_args()
    if not (Path(KAMAILIO).exists() and Path(RTPENGINE).exists()):
        print("kamailio and rtpengine are needed: scripts/ensure-telephony")
        return 1
    numbers = directory(args.people)
    _token, secret = token_create(owner="kamailio", scopes="route", name="bench")
    work = Path(DATA)
    web_port, media_port, ng_port = free_port(), free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
    env = {
        **os.environ,
        "VAXEL_SECRET_KEY": "bench-only",
        "VAXEL_LOG_LEVEL": "WARNING",
        "VAXEL_MEDIA_HOST": f"127.0.0.1:{media_port}",
    }
    processes = [
        start(
            [str(ROOT / ".venv" / "bin" / "vaxel"), "serve", "--no-worker", "--port", str(web_port)],
            work / "serve.log",
            env=env,
        ),
        start(
            [str(ROOT / ".venv" / "bin" / "vaxel"), "media", "--listen", f"127.0.0.1:{media_port}"],
            work / "media.log",
            env=env,
        ),
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
    phones: list[Phone] = []
    try:
        time.sleep(3)  # the web server, the media endpoint and rtpengine start
        rtp = f"udp:127.0.0.1:{ng_port}"
        route = f"http://pbx:{secret}@127.0.0.1:{web_port}/pbx/route"
        real_port, real_pid = kamailio(work / "real", route=route, rtpengine=rtp, bare=False)
        bare_port, bare_pid = kamailio(work / "bare", route=route, rtpengine=rtp, bare=True)
        pids = [real_pid, bare_pid]
        chosen = numbers[: args.calls]
        for port in (real_port, bare_port):
            for number in chosen:
                phone = Phone(proxy_port=port, user=number.e164, domain="vaxel.bench")
                minted = sip_credentials(number.e164)
                assert phone.register(str(minted["authorization_user"]), str(minted["password"])) == 200
                phones.append(phone)
        real_phones, bare_phones = phones[: args.calls], phones[args.calls :]
        operator = user_add(username="bench-operator", roles="operator")[0]
        print(
            f"{args.people} people, {args.calls} calls at once, {args.rounds} rounds; "
            "Kamailio with 4 children, rtpengine in userspace"
        )
        ring(real_port, [(n.e164, p) for n, p in zip(chosen, real_phones, strict=True)])  # warm up
        ring(bare_port, [(n.e164, p) for n, p in zip(chosen, bare_phones, strict=True)])
        queued(real_port, media_port, args.calls)  # the greeting and each place are spoken once
        results: dict[str, list[float]] = {"real": [], "bare": [], "transfer": [], "queue": []}
        for _round in range(args.rounds):
            results["real"] += ring(
                real_port, [(n.e164, p) for n, p in zip(chosen, real_phones, strict=True)]
            )
            results["bare"] += ring(
                bare_port, [(n.e164, p) for n, p in zip(chosen, bare_phones, strict=True)]
            )
            addresses = []
            for number in chosen:
                call = call_arrive(caller="036-123456", called=SWITCHBOARD, driver="kamailio")
                call_answer(call_id=call.pk, actor=operator)
                put = call_put_through(call_id=call.pk, number_id=number.pk, actor=operator)
                addresses.append(transfer_uri(put).removeprefix("sip:").split("@", 1)[0])
            results["transfer"] += ring(real_port, list(zip(addresses, real_phones, strict=True)))
            results["queue"] += queued(real_port, media_port, args.calls)
        expected = args.calls * args.rounds
        report("Växel, INVITE → ringing", results["real"], expected)
        report("bare Kamailio forward, INVITE → ringing", results["bare"], expected)
        report("Växel, transfer (xfer- address) → ringing", results["transfer"], expected)
        report("Växel, INVITE to the switchboard → answered in the queue", results["queue"], expected)
    finally:
        for phone in phones:
            phone.close()
        for pid_file in pids:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        shutil.rmtree(DATA, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
