"""The PBX's own endpoints (Kamailio asks these; see deploy/kamailio/): where a call goes,
as one line of JSON, and the spoken prompts. The route is the hot path: under ASGI it is
served by `asgi_route` in front of Django's middleware (vaxel/config/asgi.py); the
Django view serves the same answer elsewhere (tests, WSGI)."""

import asyncio
import hashlib
import json
import time
from collections.abc import Mapping
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from vaxel.access.authentication import presented_token
from vaxel.access.constants import Scope
from vaxel.access.selectors import token_authenticate
from vaxel.core.api import error_body
from vaxel.core.connections import released
from vaxel.core.phone import lookup_key
from vaxel.core.time import now
from vaxel.directory.models import NumberKind
from vaxel.routing.cache import route_cached
from vaxel.telephony.errors import NoSuchTarget
from vaxel.telephony.models import SipTargetKind
from vaxel.telephony.moves import dialog_ended, overflow_to_voicemail
from vaxel.telephony.pbx_answers import pbx_answer, proxy_answer, relay_answer, spoken_text
from vaxel.telephony.prompts import prompt_file, prompt_path_for, prompt_text
from vaxel.telephony.switchboard import (
    CONSULT_PREFIX,
    PARK_PREFIX,
    PREFIXES,
    consultation_of,
    operator_user,
    overflow_voicemail_uri,
    recall_seconds,
    target_resolve,
)

TOKEN_CACHE_SECONDS = 30  # a revoked token stops working here within this time
_tokens: dict[str, tuple[float, bool]] = {}


def _compact(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _error(status: int, error_id: str, message: str) -> tuple[int, bytes]:
    return status, _compact(error_body(error_id, message))


def _refusal(authorization: str) -> tuple[int, bytes] | None:
    """A token with the route scope is the PBX's key; None when it is good."""
    presented = presented_token(authorization)
    if not presented:
        return _error(401, "not_authenticated", _("Send the PBX token as 'Authorization: Bearer vx_…'."))
    key = hashlib.sha256(presented.encode()).hexdigest()
    cached = _tokens.get(key)
    if cached is None or cached[0] < time.monotonic():
        token = token_authenticate(presented)
        if token is None:
            return _error(401, "not_authenticated", _("The API token is unknown or revoked."))
        # The PBX's key opens this door only: a token that can do more is refused here.
        cached = (time.monotonic() + TOKEN_CACHE_SECONDS, list(token.scopes) == [Scope.ROUTE.value])
        _tokens[key] = cached
    if not cached[1]:
        return _error(
            403,
            "route_token_only",
            _("Give the PBX a token with the route scope and no other ('vaxel token create')."),
        )
    return None


def route_answer(authorization: str, query: Mapping[str, str]) -> tuple[int, bytes]:
    """`?to=<called>&from=<calling>[&gw=<host>][&mode=proxy]`: status and one line of
    JSON. Without a mode, Kamailio redirects (302) to where the call goes; with
    mode=proxy it relays the call there itself, and also asks for the opaque `op-…`
    and `xfer-…` addresses the switchboard's own calls are moved to."""
    with translation.override(settings.LANGUAGE_CODE):
        refused = _refusal(authorization)
        if refused is not None:
            return refused
        called = query.get("to", "").strip()[:40]
        calling = query.get("from", "").strip()[:40] or None
        proxy = query.get("mode", "") == "proxy"
        if proxy and called.startswith(tuple(PREFIXES)):
            return _moved_call(called)
        if lookup_key(called) is None:
            return _error(400, "invalid_phone_number", _("Give the dialled number as ?to=+46370331000."))
        decision = route_cached(called=called, calling=calling, at=now())
        return 200, _compact(_answer(decision, query, proxy=proxy))


def _answer(decision, query: Mapping[str, str], *, proxy: bool) -> dict:
    spoken = spoken_text(decision)
    prompt = f"{settings.VAXEL_BASE_URL}{prompt_path_for(spoken)}" if spoken else ""
    serial = settings.VAXEL_PBX_FORK == "serial"
    if proxy:
        return proxy_answer(
            decision,
            domain=settings.VAXEL_SIP_DOMAIN,
            media=settings.VAXEL_MEDIA_HOST,
            serial=serial,
            prompt=prompt,
        )
    gateway = query.get("gw", "").strip()[:100] or settings.VAXEL_PBX_GATEWAY
    return pbx_answer(
        decision, gateway=gateway, media=settings.VAXEL_MEDIA_HOST, serial=serial, prompt=prompt
    )


def _moved_call(called: str) -> tuple[int, bytes]:
    """Where an answered or put-through call goes: the console of the operator who
    answered it, or the number it was put through to (a direct or shared number routed
    as if dialled, so an absence's diversion holds; a mobile rung as chosen); an
    operator's call back goes to the caller's own number (a phone registered here as
    that number, else on to the gateway); a caller sent on to the overflow goes there, or
    to the switchboard's voicemail at the media endpoint. The operator asking someone
    first rings the number as a call put through would, and a call put through after
    that names the consultation (`join`), whose phone Kamailio then rings."""
    target = target_resolve(called)
    if target is None:
        return _error(404, NoSuchTarget.error_id, _("That address has expired or was never given out."))
    domain = settings.VAXEL_SIP_DOMAIN
    if target.kind == SipTargetKind.OPERATOR:
        return 200, _compact(relay_answer(f"sip:{operator_user(target.operator)}@{domain}"))
    if target.kind == SipTargetKind.PARK:  # the media endpoint holds parked callers
        return 200, _compact(relay_answer(f"sip:{PARK_PREFIX}{target.token}@{settings.VAXEL_MEDIA_HOST}"))
    if target.kind == SipTargetKind.OVERFLOW and overflow_to_voicemail():  # S2: the media endpoint records
        return 200, _compact(relay_answer(overflow_voicemail_uri(target)))
    if target.kind == SipTargetKind.OVERFLOW:  # as if dialled, or on to the gateway
        overflow = settings.VAXEL_OVERFLOW_TO
        decision = route_cached(called=overflow, calling=target.call.caller or None, at=now())
        if decision.called_kind in ("person", "shared"):
            return 200, _compact(_answer(decision, {}, proxy=True))
        return 200, _compact(relay_answer(f"sip:{overflow}@{domain}"))
    if target.kind == SipTargetKind.CALLBACK:
        return 200, _compact(relay_answer(f"sip:{target.call.caller}@{domain}"))
    assert target.number is not None
    if target.number.kind == NumberKind.MOBILE:  # the operator chose the mobile: it rings
        answer = relay_answer(f"sip:{target.number.e164}@{domain}")
    else:
        decision = route_cached(called=target.number.e164, calling=target.call.caller or None, at=now())
        answer = _answer(decision, {}, proxy=True)
    if target.kind == SipTargetKind.CONSULT:  # the operator is on the line: no recall
        return 200, _compact(answer)
    if (consulted := consultation_of(target)) is not None:  # to the phone that answered
        answer["join"] = f"{CONSULT_PREFIX}{consulted.token}"
    # Unanswered there, it comes back to the queue: the same rule the console tells.
    ring = recall_seconds(target.number, caller=target.call.caller, at=now())
    if ring:
        answer.update(recall=f"sip:queue@{settings.VAXEL_MEDIA_HOST}", ring=str(ring))
    return 200, _compact(answer)


def event_answer(authorization: str, form: Mapping[str, str]) -> tuple[int, bytes]:
    """POST `event=ended&target=xfer-…`: Kamailio tells that the call put through to
    that address is over (its dialog ended, or it was never answered)."""
    with translation.override(settings.LANGUAGE_CODE):
        refused = _refusal(authorization)
        if refused is not None:
            return refused
        if form.get("event", "") != "ended":
            return _error(
                400, "invalid_event", _("Give event=ended and the target the call was put through to.")
            )
        try:
            dialog_ended(target=form.get("target", "").strip()[:60])
        except NoSuchTarget as error:
            return _error(404, NoSuchTarget.error_id, str(error))
        return 200, b"{}"


@csrf_exempt  # Kamailio's token, not a browser's session, authenticates it
@require_http_methods(["GET", "POST"])
def route(request: HttpRequest) -> HttpResponse:
    authorization = request.headers.get("Authorization", "")
    if request.method == "POST":
        status, body = event_answer(authorization, request.POST)
    else:
        status, body = route_answer(authorization, request.GET)
    return HttpResponse(body, status=status, content_type="application/json")


async def _body(receive, limit: int = 4096) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit or not message.get("more_body", False):
            return body[:limit]


async def asgi_route(scope, receive, send) -> None:
    """The same answer as `route`, straight from the ASGI server: no middleware, no
    sessions, no thread hops beyond one for the ORM edge."""
    headers = dict(scope["headers"])
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    if scope["method"] == "GET":
        query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
        status, body = await asyncio.to_thread(released(route_answer), authorization, query)
    elif scope["method"] == "POST":
        form = dict(parse_qsl((await _body(receive)).decode("latin-1")))
        status, body = await asyncio.to_thread(released(event_answer), authorization, form)
    else:
        status, body = _error(405, "method_not_allowed", "GET, POST")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@require_GET
def prompt(request: HttpRequest, token: str) -> HttpResponseBase:
    """A spoken prompt, 8 kHz mono A-law WAV. The address is signed: only texts Växel
    said are synthesised."""
    text = prompt_text(token)
    if text is None:
        status, body = _error(404, "not_found", _("There is no such prompt."))
        return HttpResponse(body, status=status, content_type="application/json")
    try:
        path = prompt_file(text)
    except (FileNotFoundError, OSError) as error:
        status, body = _error(503, "no_speech", str(error))
        return HttpResponse(body, status=status, content_type="application/json")
    return FileResponse(path.open("rb"), content_type="audio/wav")
