"""The routing decision in a SIP server's dialect: what Kamailio puts in its answer.
Plain Python: a RouteDecision in, a small dict out (sent as one line of JSON).

- redirect: a 302 whose Contact lists where to ring (all at q=1.0 to ring them at once,
  falling q to ring them one after another), with a Diversion header (RFC 5806) naming
  the number called and why, and the time the person is back;
- announce: a 302 to the media endpoint, which plays the prompt (S4, switchboard closed).
"""

from typing import Any

from vaxel.availability.constants import AbsenceReason
from vaxel.core.time import local
from vaxel.routing.values import Action, DestinationKind, RouteDecision

# RFC 5806 diversion-reason for each absence reason (RFC 4480 activities in the API).
DIVERSION_REASONS = {
    AbsenceReason.MEETING: "do-not-disturb",
    AbsenceReason.TRAINING: "do-not-disturb",
}


def _uri(user: str, host: str) -> str:
    return f"<sip:{user}@{host}>"


def diversion_reason(decision: RouteDecision) -> str:
    if decision.absence is not None:
        return DIVERSION_REASONS.get(decision.absence.reason, "away")  # type: ignore[call-overload]
    if "switchboard_closed" in decision.flags:
        return "time-of-day"
    if "number_owner_left" in decision.flags:
        return "out-of-service"
    return "unavailable"


def spoken_text(decision: RouteDecision) -> str:
    """What the media endpoint says to the caller: the announcement of a call that is
    diverted, sent to voicemail or told the switchboard is closed; "" otherwise."""
    spoken = decision.action in (Action.ANNOUNCE, Action.DIVERT, Action.VOICEMAIL)
    return decision.announcement if spoken else ""


def pbx_answer(
    decision: RouteDecision, *, gateway: str, media: str, serial: bool = False, prompt: str = ""
) -> dict[str, Any]:
    """`gateway`: the host calls are sent on to (the PBX); `media`: the host of the
    announcement and voicemail endpoint; `prompt`: the address of the spoken text."""
    answer: dict[str, Any] = {
        "action": "redirect",
        "contact": "",
        "diversion": "",
        "prompt": prompt,
        "queue": "",
        "text": spoken_text(decision),
    }
    if decision.action == Action.ANNOUNCE:
        answer.update(action="announce", contact=_uri("announcement", media))
        return answer
    contacts = []
    for rank, destination in enumerate(decision.destinations):
        if destination.kind == DestinationKind.VOICEMAIL:
            uri = _uri(f"voicemail-{destination.number or 'unknown'}", media)
        else:
            uri = _uri(destination.number or "switchboard", gateway)
        q = 1.0 if not serial else max(0.1, round(1.0 - rank * 0.1, 1))
        contacts.append(f"{uri};q={q}")
    if not contacts:
        answer.update(action="announce", contact=_uri("announcement", media))
        return answer
    answer["contact"] = ", ".join(contacts)
    if decision.action == Action.QUEUE and decision.called_kind == "switchboard":
        answer["queue"] = "yes"  # the call waits at the switchboard: the console hears of it
    diverted = decision.action in (Action.DIVERT, Action.VOICEMAIL) or (
        decision.action == Action.QUEUE and decision.called_kind != "switchboard"
    )
    if diverted and decision.called:
        extra = ""
        if decision.absence is not None and decision.absence.back_at is not None:
            extra = f";x-back={local(decision.absence.back_at).isoformat(timespec='minutes')}"
        answer["diversion"] = (
            f"{_uri(decision.called, gateway)};reason={diversion_reason(decision)};counter=1{extra}"
        )
    return answer


def proxy_answer(
    decision: RouteDecision, *, domain: str, media: str, serial: bool = False, prompt: str = ""
) -> dict[str, Any]:
    """The decision for Kamailio as the switchboard's own proxy (switchboard.cfg): the
    SIP addresses to relay the call to, in order, separated by spaces (Kamailio's json
    module reads strings, not lists; a SIP address has no space). A number is tried at Kamailio's own
    registrar first (`@domain`: a phone registered there), then at the gateway; the
    queue, announcements and voicemail are the media endpoint's."""
    targets: list[str] = []
    answer: dict[str, Any] = {
        "action": "relay",
        "targets": "",
        "diversion": "",
        "prompt": prompt,
        "text": spoken_text(decision),
        "serial": serial,
    }
    if decision.action == Action.ANNOUNCE:
        answer["targets"] = f"sip:announcement@{media}"
        return answer
    for destination in decision.destinations:
        if destination.kind == DestinationKind.VOICEMAIL:
            targets.append(f"sip:voicemail-{destination.number or 'unknown'}@{media}")
        elif destination.kind == DestinationKind.SWITCHBOARD:
            targets.append(f"sip:queue@{media}")  # the media endpoint holds the queue
        elif destination.number:
            targets.append(f"sip:{destination.number}@{domain}")
    answer["targets"] = " ".join(targets) or f"sip:announcement@{media}"
    diverted = decision.action in (Action.DIVERT, Action.VOICEMAIL)
    if diverted and decision.called:
        extra = ""
        if decision.absence is not None and decision.absence.back_at is not None:
            extra = f";x-back={local(decision.absence.back_at).isoformat(timespec='minutes')}"
        answer["diversion"] = (
            f"<sip:{decision.called}@{domain}>;reason={diversion_reason(decision)};counter=1{extra}"
        )
    return answer


def relay_answer(uri: str) -> dict[str, Any]:
    """A call on its way to one address, as chosen: the console of the operator who
    answered it, or the mobile an operator put it through to."""
    return {
        "action": "relay",
        "targets": uri,
        "diversion": "",
        "prompt": "",
        "text": "",
        "serial": False,
    }
