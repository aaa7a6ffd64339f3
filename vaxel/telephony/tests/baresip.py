"""SIP user agents for the end-to-end tests: Debian's baresip (1.0.0), one process per
agent, driven over its `ctrl_tcp` module (netstring JSON: commands in, responses and
events such as REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, TRANSFER
out).

Each agent runs in a folder of its own (`-f`), in a process group of its own that
`close()` (or leaving the `with` block) always ends, with `-t` bounding its life should
the test process itself be killed. It listens for SIP on 127.0.0.1 only and advertises
127.0.0.1 in its SDP (`net_interface`); baresip 1.0.0 binds its RTP sockets to any
address, so only the port range (`rtp_ports`, below rtpengine's) keeps them apart.
No sound card: the `ausine` module speaks a 440 Hz tone (it takes only 48 kHz stereo,
which baresip resamples to G.711) and `aubridge` plays what comes in to nowhere.

Modules: `g711`, `ausine`, `aubridge`, `menu` (the commands: `uanew`, `dial`, `accept`,
`hangup`, `audio_debug`) and `ctrl_tcp`. The account is added with `uanew` once the
control connection is up, so no REGISTER_OK or REGISTER_FAIL goes by unseen. What
baresip tells that the tests read:
- registration: REGISTER_OK / REGISTER_FAIL carry the final status ("401 Unauthorized");
- the INVITE an agent is rung with: its Request-URI from baresip's own SIP trace (`-s`,
  on stdout, in the agent's log), as no event carries it. It is the Contact the agent
  registered, whose user baresip 1.0.0 makes "<user>-0x<pointer>", so tests compare it
  with `contact` rather than with sip:<number>@127.0.0.1:<port>;
- audio: `audio_debug` for the current call, its RTCP session's "TX: packets=" (sent)
  and each member's "rcvd=" (received).
baresip does the transferee's part of a REFER (RFC 3515) itself: 202, a new call to the
Refer-To address, NOTIFY with how it went.

With VAXEL_KEEP_BARESIP=<folder> each agent's log (its SIP trace among it) is kept there.

What stays hand-written: `conftest.Caller`, which speaks to the media endpoint directly
with the headers only Kamailio adds (X-Vaxel-Prompt) or with offers a phone would not
send, and the deliberately malformed SIP of the bad-input tests."""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BARESIP = shutil.which("baresip") or "/usr/bin/baresip"
MODULES = Path("/usr/lib/baresip/modules")
LIFETIME_SECONDS = 600  # baresip -t: the agent quits by itself after this
RTP_PORTS = "20000-29999"  # below the rtpengine ports the tests and the benchmark use
INVITE = r"^INVITE (\S+) SIP/2\.0\r?\n(?:.*\r?\n)*?Call-ID: *(.*?)\r?$"  # in the SIP trace

CONFIG = """\
poll_method epoll
sip_listen 127.0.0.1:{sip_port}
net_interface 127.0.0.1
rtp_ports {rtp_ports}
audio_source ausine,440
ausrc_srate 48000
ausrc_channels 2
audio_player aubridge,{name}
audio_alert aubridge,{name}
module_path {modules}
module g711.so
module ausine.so
module aubridge.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{ctrl_port}
menu_bell no
ringback_disabled yes
"""


def _free_port() -> int:
    """A port free on 127.0.0.1 for both UDP and TCP (baresip listens for SIP on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


@dataclass(frozen=True)
class Event:
    """One event baresip reported, as ctrl_tcp encodes it."""

    type: str
    param: str = ""
    call_id: str = ""
    peer: str = ""  # the other party's URI (for an incoming call, the From)
    aor: str = ""  # the account's own address
    at: float = 0.0  # time.perf_counter() when it reached this process
    data: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Ringing:
    """An incoming call: where it was sent (the Request-URI), from whom, its id."""

    request_uri: str
    peer: str
    call_id: str


@dataclass(frozen=True)
class Audio:
    """RTP packets of the agent's current call."""

    received: int
    sent: int


class AgentError(Exception):
    pass


class SipAgent:
    """A SIP telephone on 127.0.0.1: baresip with one account, `user` at `domain`, whose
    requests go to the proxy at 127.0.0.1:`proxy_port` (0: straight to the host of each
    address dialled). With `password` it registers (as `auth_user`); without, it only
    calls and is called as a trunk's caller is."""

    def __init__(
        self,
        *,
        user: str,
        domain: str,
        proxy_port: int,
        auth_user: str = "",
        password: str = "",
        lifetime: int = LIFETIME_SECONDS,
    ):
        self.user, self.domain, self.proxy_port = user, domain, proxy_port
        self.auth_user, self.password, self.lifetime = auth_user, password, lifetime
        self.folder = Path(tempfile.mkdtemp(prefix="vaxel-baresip-"))
        self.log = self.folder / "baresip.log"
        self.port = 0  # SIP, once started
        self.events: list[Event] = []
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._changed = threading.Condition()
        self._responses: dict[str, dict] = {}
        self._tokens = 0
        self._reader: threading.Thread | None = None

    # The process

    def __enter__(self) -> "SipAgent":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.close()

    def start(self) -> "SipAgent":
        for _attempt in range(3):  # a port taken meanwhile by someone else: try others
            if self._launch():
                break
        else:
            raise AgentError(f"baresip did not start: {self.log_text()[-2000:]}")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.command("uanew", self._account())
        return self

    def _account(self) -> str:
        address = f"<sip:{self.user}@{self.domain}>"
        params = ["audio_codecs=PCMA/8000/1,PCMU/8000/1", "answermode=manual"]
        if self.proxy_port:
            params.append(f'outbound="sip:127.0.0.1:{self.proxy_port};transport=udp"')
        if self.password:
            for value in (self.auth_user, self.password):
                if ";" in value or "," in value or ">" in value:  # the account line's syntax
                    raise ValueError(f"cannot give baresip {value!r}")
            params += [f"auth_user={self.auth_user}", f"auth_pass={self.password}", "regint=600"]
        else:
            params.append("regint=0")
        return address + "".join(f";{p}" for p in params)

    def _launch(self) -> bool:
        self.port, ctrl_port = _free_port(), _free_port()
        (self.folder / "config").write_text(
            CONFIG.format(
                sip_port=self.port,
                ctrl_port=ctrl_port,
                rtp_ports=RTP_PORTS,
                name=f"agent{self.port}",
                modules=MODULES,
            )
        )
        (self.folder / "accounts").write_text("")  # the account comes with `uanew`
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                # stdbuf: the SIP trace reaches the log as it happens, not in blocks
                ["stdbuf", "-oL", BARESIP, "-f", str(self.folder), "-s", "-t", str(self.lifetime)],
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, for close() to end
            )
        (self.folder / "baresip.pid").write_text(str(self._process.pid))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                self._control = socket.create_connection(("127.0.0.1", ctrl_port), timeout=1)
            except OSError:
                time.sleep(0.05)
                continue
            self._control.settimeout(None)
            return True
        self._stop_process()
        return False

    def close(self) -> None:
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.shutdown(socket.SHUT_RDWR)
            self._control.close()
        self._stop_process()
        if self._reader is not None:
            self._reader.join(timeout=2)
        if os.environ.get("VAXEL_KEEP_BARESIP"):  # debugging: keep the logs
            shutil.copy(self.log, Path(os.environ["VAXEL_KEEP_BARESIP"]) / f"baresip-{self.port}.log")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def sip_trace(self) -> str:
        """The SIP messages this telephone sent and received, a line each (the request or
        status line, then its CSeq): what a failed test says about what reached it."""
        found = re.findall(
            r"^((?:[A-Z]+ sip:\S+|SIP/2\.0 \d{3})[^\r\n]*)\r?\n(?:.+\r?\n)*?CSeq: *([^\r\n]*)",
            self.log_text(),
            re.M,
        )
        return "\n".join(f"{line} [{cseq}]" for line, cseq in found)

    # ctrl_tcp

    def _read(self) -> None:
        buffer = b""
        assert self._control is not None
        while True:
            try:
                data = self._control.recv(65536)
            except OSError:
                break
            if not data:
                break
            buffer += data
            while (colon := buffer.find(b":")) > 0 and len(buffer) > colon:
                length = int(buffer[:colon])
                if len(buffer) < colon + 1 + length + 1:
                    break
                message = json.loads(buffer[colon + 1 : colon + 1 + length])
                buffer = buffer[colon + 1 + length + 1 :]  # past the closing comma
                with self._changed:
                    if message.get("event"):
                        self.events.append(
                            Event(
                                type=message.get("type", ""),
                                param=message.get("param", ""),
                                call_id=message.get("id", ""),
                                peer=message.get("peeruri", ""),
                                aor=message.get("accountaor", ""),
                                at=time.perf_counter(),
                                data=message,
                            )
                        )
                    elif message.get("response"):
                        self._responses[message.get("token", "")] = message
                    self._changed.notify_all()

    def command(self, name: str, params: str = "", seconds: float = 5.0) -> str:
        """Run a command of baresip's menu; what it printed."""
        assert self._control is not None, "not started"
        with self._changed:
            self._tokens += 1
            token = str(self._tokens)
        body = json.dumps({"command": name, "params": params, "token": token}).encode()
        self._control.sendall(b"%d:%s," % (len(body), body))
        with self._changed:
            if not self._changed.wait_for(lambda: token in self._responses, timeout=seconds):
                raise AgentError(f"baresip did not answer {name}")
            response = self._responses.pop(token)
        if not response.get("ok"):
            raise AgentError(f"{name} {params}: {response.get('data', '')}")
        return response.get("data", "")

    def wait(
        self,
        *types: str,
        seconds: float = 10.0,
        since: int = 0,
        where: Callable[[Event], bool] = lambda _event: True,
    ) -> Event | None:
        """The first event of `types` (from the `since`-th on) that `where` accepts,
        within `seconds` (None: none came)."""

        def found() -> Event | None:
            return next((e for e in self.events[since:] if e.type in types and where(e)), None)

        with self._changed:
            self._changed.wait_for(found, timeout=seconds)
            return found()

    def mark(self) -> int:
        """Where the events so far end, for `wait(since=…)`."""
        with self._changed:
            return len(self.events)

    # What a telephone does

    def registration(self, seconds: float = 5.0) -> int:
        """The status the registrar answered the (first) REGISTER with; 0: none came."""
        event = self.wait("REGISTER_OK", "REGISTER_FAIL", seconds=seconds)
        if event is None:
            return 0
        status = re.match(r"\d{3}", event.param)
        return int(status.group()) if status else 0

    def ringing(self, seconds: float = 5.0, since: int = 0) -> Ringing | None:
        """The next call that rings this telephone, with the Request-URI it came to."""
        event = self.wait("CALL_INCOMING", seconds=seconds, since=since)
        if event is None:
            return None
        # The trace is written before the INVITE is handled, so it is in the log by now;
        # ctrl_tcp's "id" is the call's Call-ID in baresip 1.0.0.
        invites = re.findall(INVITE, self.log_text(), re.M)
        uri = next((u for u, call_id in reversed(invites) if call_id.strip() == event.call_id), "")
        return Ringing(request_uri=uri, peer=event.peer, call_id=event.call_id)

    @property
    def contact(self) -> str:
        """The address this telephone registered, where calls to it are sent (baresip
        1.0.0 makes its user "<user>-0x<its own pointer>")."""
        found = re.search(r"^REGISTER .*\r?\n(?:.+\r?\n)*?Contact: *<([^>;]+)", self.log_text(), re.M)
        return found.group(1) if found else ""

    def answer(self) -> None:
        self.command("accept")

    def dial(self, uri: str) -> int:
        """A new call to `uri`; the mark to wait for its events from."""
        mark = self.mark()
        self.command("dial", uri)
        return mark

    def hang_up(self) -> None:
        """Hangs up the current call (an incoming one still ringing is declined: 486)."""
        self.command("hangup")

    def established(self, seconds: float = 10.0, since: int = 0, other_than: str = "") -> Event | None:
        return self.wait(
            "CALL_ESTABLISHED", seconds=seconds, since=since, where=lambda e: e.call_id != other_than
        )

    def closed(self, call_id: str = "", seconds: float = 10.0, since: int = 0) -> Event | None:
        return self.wait(
            "CALL_CLOSED", seconds=seconds, since=since, where=lambda e: not call_id or e.call_id == call_id
        )

    def audio(self) -> Audio:
        """RTP packets received and sent in the current call (0, 0 without one)."""
        try:
            text = self.command("audio_debug")
        except AgentError:
            return Audio(0, 0)
        received = sum(int(n) for n in re.findall(r"\brcvd=(\d+)", text))
        sent = re.search(r"TX: packets=(\d+)", text)
        return Audio(received=received, sent=int(sent.group(1)) if sent else 0)


def until(check, seconds: float = 10.0):
    """What `check` gives once it gives something, within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError("it never happened")
