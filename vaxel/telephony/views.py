"""The PBX's own endpoints (Kamailio asks these; see deploy/kamailio/): where a call goes,
as one line of JSON, and the spoken prompts. Plain Django views: this is the hot path."""

import base64
import hashlib
import json
import time

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vaxel.access.constants import Scope
from vaxel.access.selectors import token_authenticate
from vaxel.core.phone import lookup_key
from vaxel.core.time import now
from vaxel.routing.cache import route_cached
from vaxel.routing.values import Action
from vaxel.telephony.prompts import prompt_file, prompt_path_for, prompt_text
from vaxel.telephony.sip import pbx_answer

TOKEN_CACHE_SECONDS = 30  # a revoked token stops working here within this time
_tokens: dict[str, tuple[float, bool]] = {}


def _compact(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json")


def _error(status: int, error_id: str, message: str) -> HttpResponse:
    return _compact({"error": {"id": error_id, "message": message}}, status)


def _presented(header: str) -> str:
    """The token from `Bearer <token>`, or from Basic auth's password (Kamailio's
    http_client sends credentials written into its connection's URL that way)."""
    scheme, _sep, value = header.partition(" ")
    if scheme == "Bearer":
        return value.strip()
    if scheme == "Basic":
        try:
            return base64.b64decode(value.strip()).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""


def _allowed(request: HttpRequest) -> HttpResponse | None:
    """A token with the route scope, and nothing else, is the PBX's key."""
    header = request.headers.get("Authorization", "")
    presented = _presented(header)
    if not presented:
        return _error(401, "not_authenticated", _("Send the PBX token as 'Authorization: Bearer vx_…'."))
    key = hashlib.sha256(presented.encode()).hexdigest()
    cached = _tokens.get(key)
    if cached is None or cached[0] < time.monotonic():
        token = token_authenticate(presented)
        allowed = token is not None and Scope.ROUTE.value in token.scopes
        if token is None:
            return _error(401, "not_authenticated", _("The API token is unknown or revoked."))
        cached = (time.monotonic() + TOKEN_CACHE_SECONDS, allowed)
        _tokens[key] = cached
    if not cached[1]:
        return _error(403, "missing_scope", _("This token lacks the scope route."))
    return None


@require_GET
def route(request: HttpRequest) -> HttpResponse:
    """`GET /pbx/route/?to=<called>&from=<calling>[&gw=<host>]`: the decision for one call."""
    refused = _allowed(request)
    if refused is not None:
        return refused
    called = request.GET.get("to", "").strip()[:40]
    if lookup_key(called) is None:
        return _error(400, "invalid_phone_number", _("Give the dialled number as ?to=+46370331000."))
    decision = route_cached(called=called, calling=request.GET.get("from", "").strip()[:40] or None, at=now())
    spoken = (
        decision.announcement if decision.action in (Action.ANNOUNCE, Action.DIVERT, Action.VOICEMAIL) else ""
    )
    answer = pbx_answer(
        decision,
        gateway=request.GET.get("gw", "").strip()[:100] or settings.VAXEL_PBX_GATEWAY,
        media=settings.VAXEL_MEDIA_HOST,
        serial=settings.VAXEL_PBX_FORK == "serial",
        prompt=f"{settings.VAXEL_BASE_URL}{prompt_path_for(spoken)}" if spoken else "",
    )
    answer["text"] = spoken
    return _compact(answer)


@require_GET
def prompt(request: HttpRequest, token: str) -> HttpResponseBase:
    """A spoken prompt, 8 kHz mono A-law WAV. The address is signed: only texts Växel
    said are synthesised."""
    text = prompt_text(token)
    if text is None:
        return _error(404, "not_found", _("There is no such prompt."))
    try:
        path = prompt_file(text)
    except (FileNotFoundError, OSError) as error:
        return _error(503, "no_speech", str(error))
    return FileResponse(path.open("rb"), content_type="audio/wav")
