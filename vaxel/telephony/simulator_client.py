"""`vaxel simulate`: feed simulated calls to a running Växel over its call-events API,
exactly as a telephone system would, and hang up like real callers do: after waiting
too long in the queue, or after talking with an operator who did not put them through."""

import contextlib
import heapq
import json
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vaxel.core.time import local, now
from vaxel.telephony.errors import InvalidUrl
from vaxel.telephony.simulation import Directory, SimulatedCall, arrivals


class ApiError(Exception):
    pass


@dataclass
class Client:
    base_url: str
    token: str
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ApiError(f"{self.base_url!r} is not an http:// or https:// address of Växel")

    def request(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            f"{self.base_url.rstrip('/')}/api/v1/{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise ApiError(f"{method} {path}: HTTP {error.code} {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise ApiError(f"{method} {path}: {error}") from None


def client_for(base_url: str, token: str) -> Client:
    """A client of the Växel at `base_url`; InvalidInput when it is no such address."""
    from django.utils.translation import gettext as _

    try:
        return Client(base_url, token)
    except ApiError:
        raise InvalidUrl(
            _("%(url)r is not an http:// or https:// address of Växel; give it with --url.")
            % {"url": base_url},
        ) from None


@dataclass(order=True)
class _Step:
    at: float
    kind: str = field(compare=False)
    call: SimulatedCall | None = field(compare=False, default=None)
    call_id: int = field(compare=False, default=0)


@contextlib.contextmanager
def _not_interrupted():
    """Ctrl-C or SIGTERM while a step talks to Växel takes effect once the step is done:
    a call that arrived is then known, and hung up with the others (none is left queued)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[signal.Signals] = []
    before = {
        sig: signal.signal(sig, lambda signum, frame: caught.append(signal.Signals(signum))) for sig in _STOPS
    }
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        if caught:  # now as it would have been: the handler that was there (Ctrl-C: KeyboardInterrupt)
            handler = before[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                raise KeyboardInterrupt


_STOPS = (signal.SIGINT, signal.SIGTERM)


def run(
    *,
    client: Client,
    switchboard: str,
    directory: Directory,
    rate: float,
    count: int | None = None,
    duration: float | None = None,
    seed: int | None = None,
    flat: bool = False,
    patience: float = 180.0,
    say: Callable[[str], None] = print,
) -> dict[str, int]:
    """Run until `count` calls have arrived or `duration` seconds have passed; then hang
    up every simulated call still on the line. Returns what happened, counted."""
    rng = random.Random(seed)
    start_clock, start = time.monotonic(), now()
    upcoming = arrivals(rng=rng, start=start, rate=rate, directory=directory, flat=flat, patience=patience)
    steps: list[_Step] = []
    tally = {"arrived": 0, "queued": 0, "closed": 0, "abandoned": 0, "hung_up_after_talk": 0, "errors": 0}
    live: set[int] = set()
    scheduled = [0]

    def schedule_next_arrival() -> None:
        if count is not None and scheduled[0] >= count:
            return
        scheduled[0] += 1
        call = next(upcoming)
        heapq.heappush(steps, _Step((call.at - start).total_seconds(), "arrive", call))

    def handle(step: _Step) -> None:
        if step.kind == "arrive":
            assert step.call is not None
            call = step.call
            answer = client.request(
                "POST", "calls/", {"caller": call.caller, "called": switchboard, "asks_for": call.asks_for}
            )
            tally["arrived"] += 1
            state = answer["state"]
            tally["queued" if state == "queued" else "closed"] += 1
            say(
                f"{local(now()):%H:%M:%S} #{answer['id']} {answer['caller'] or '-'}"
                f"{' (internal)' if call.internal else ''} asks for {call.asks_for!r}: {state}"
            )
            if state == "queued":
                live.add(answer["id"])
                heapq.heappush(steps, _Step(step.at + call.patience, "patience", call, answer["id"]))
            schedule_next_arrival()
        elif step.kind == "patience":
            state = client.request("GET", f"calls/{step.call_id}/")["state"]
            if state == "queued":
                client.request("POST", f"calls/{step.call_id}/hang-up/")
                tally["abandoned"] += 1
                live.discard(step.call_id)
                say(f"{local(now()):%H:%M:%S} #{step.call_id} gave up waiting")
            elif state == "answered":
                assert step.call is not None
                heapq.heappush(steps, _Step(step.at + step.call.talk, "talked", step.call, step.call_id))
            else:
                live.discard(step.call_id)
        elif step.kind == "talked":
            if client.request("POST", f"calls/{step.call_id}/hang-up/")["state"] == "ended":
                tally["hung_up_after_talk"] += 1
            live.discard(step.call_id)

    schedule_next_arrival()
    try:
        while steps:
            step = heapq.heappop(steps)
            if duration is not None and step.at > duration:
                break
            time.sleep(max(0.0, step.at - (time.monotonic() - start_clock)))
            try:
                with _not_interrupted():
                    handle(step)
            except ApiError as error:
                tally["errors"] += 1
                say(f"error: {error}")
                if step.kind == "arrive":
                    schedule_next_arrival()
    finally:
        for call_id in sorted(live):
            try:
                client.request("POST", f"calls/{call_id}/hang-up/")
            except ApiError:
                tally["errors"] += 1
    return tally
