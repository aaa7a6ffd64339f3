"""The operator console: one page, its htmx partials, the call actions and the live
event stream. Operators and administrators only; everyone else gets 403."""

import json
import time
from functools import wraps
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget, trigger_client_event

from vaxel.access.roles import access_absence_write, access_console
from vaxel.availability.constants import AbsenceReason
from vaxel.availability.selectors import telephone_hours_text
from vaxel.availability.services import absence_add, absence_clear
from vaxel.console.errors import InvalidChoice, NotTelephone
from vaxel.console.selectors import feed, queue_board, search_hits, switchboard_state, unit_board
from vaxel.core import live
from vaxel.core.api import error_body
from vaxel.core.connections import released
from vaxel.core.errors import Forbidden, InvalidInput, VaxelError
from vaxel.core.text import record_id
from vaxel.core.time import now, parse_instant
from vaxel.directory.selectors import organisation_get, person_get
from vaxel.messaging.models import Message, MessageKind
from vaxel.messaging.services import message_take
from vaxel.telephony import moves
from vaxel.telephony import services as calls
from vaxel.telephony.models import SipTargetKind
from vaxel.telephony.selectors import voice_message_file
from vaxel.telephony.switchboard import operator_user, recall_seconds, sip_credentials, sip_uri, transfer_uri


def operators_only(view):
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            access_console(request.user)
        except Forbidden as refusal:
            return render(request, "console/forbidden.html", {"reason": refusal.message}, status=403)
        return view(request, *args, **kwargs)

    return checked


def _is_telephone() -> bool:
    """The console is its operator's telephone (Kamailio as the switchboard's own)."""
    return settings.VAXEL_TELEPHONY_DRIVER == "kamailio"


@require_GET
@operators_only
def console(request: HttpRequest) -> HttpResponse:
    at = now()
    response = render(
        request,
        "console/console.html",
        {
            "organisation": organisation_get(),
            "state": switchboard_state(at),
            "queue": queue_board(viewer=request.user, at=at),
            "feed": feed(),
            "reasons": AbsenceReason.choices,
            "telephone": _is_telephone(),
        },
    )
    if _is_telephone():
        response._csp_update = {"connect-src": [settings.VAXEL_SIP_WS_URL]}  # type: ignore[attr-defined]
    return response


@require_GET
@operators_only
def telephone(request: HttpRequest) -> HttpResponse:
    """The SIP credentials this console registers with as its operator's telephone,
    minted for this page and never stored (the console asks again when they lapse)."""
    if not _is_telephone():
        text = _("The console is not a telephone here: calls are carried by another telephone system.")
        body = error_body(NotTelephone.error_id, text)
        return JsonResponse(body, status=404, headers={"Cache-Control": "no-store"})
    credentials = sip_credentials(operator_user(request.user))
    return JsonResponse(credentials, headers={"Cache-Control": "no-store"})


@require_GET
@operators_only
def queue(request: HttpRequest) -> HttpResponse:
    context = {"queue": queue_board(viewer=request.user, at=now()), "telephone": _is_telephone()}
    return render(request, "console/_queue.html", context)


@require_GET
@operators_only
def state(request: HttpRequest) -> HttpResponse:
    context = {"state": switchboard_state(now()), "organisation": organisation_get()}
    return render(request, "console/_state.html", context)


@require_GET
@operators_only
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = search_hits(query, now()) if query else []
    context = {"query": query, "hits": hits, "telephone": _is_telephone()}
    return render(request, "console/_hits.html", context)


@require_GET
@operators_only
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    board = unit_board(pk, now())
    if board is None:
        return render(request, "console/_notice.html", {"error": _("That unit no longer exists.")})
    return render(request, "console/_unit.html", {"board": board, "telephone": _is_telephone()})


@require_GET
@operators_only
def changes(request: HttpRequest) -> HttpResponse:
    return render(request, "console/_feed.html", {"feed": feed()})


def _done(request: HttpRequest, text: str, event: str = "queue-changed", **detail: str) -> HttpResponse:
    """The acting console hears at once; the others through the live stream. With
    `detail`, the console's telephone hears it too (vx-telephone: refer, hang up)."""
    response = retarget(render(request, "console/_notice.html", {"text": text}), "#notice")
    if detail:
        trigger_client_event(response, "vx-telephone", detail)
    return trigger_client_event(response, event)


def _refused(request: HttpRequest, error: VaxelError) -> HttpResponse:
    return retarget(render(request, "console/_notice.html", {"error": error.message}), "#notice")


def _int(value: str, what: str) -> int:
    chosen = record_id(value)
    if chosen is None:
        raise InvalidChoice(_("Choose %(what)s from the list.") % {"what": what})
    return chosen


@require_POST
@operators_only
def call_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        if action == "answer":
            calls.call_answer(call_id=pk, actor=request.user)
            return _done(request, _("Answered. Say the greeting."))
        if action == "call-back":  # the next caller is a callback: the console calls them
            call, target = calls.call_callback_start(call_id=pk, actor=request.user)
            text = _("Calling the caller back…")
            return _done(request, text, dial=sip_uri(target), call=str(pk))
        if action == "close-voice-message":  # S2: listened to, nobody to call back
            moves.call_voice_message_close(call_id=pk, actor=request.user)
            return _done(request, _("The voice message is closed."))
        if action in ("callback-answered", "callback-failed"):  # what the console's telephone saw
            answered = action == "callback-answered"
            calls.call_callback_result(call_id=pk, actor=request.user, answered=answered)
            return _done(
                request,
                _("Called back. Say the greeting.")
                if answered
                else _("No answer; the callback keeps its place."),
            )
        if action == "put-through":
            call = calls.call_put_through(
                call_id=pk, number_id=_int(request.POST.get("number", ""), _("a number")), actor=request.user
            )
            text = _("Put through to %(name)s.") % {"name": call.put_through_name}
            refer = transfer_uri(call)
            seconds = call.put_through_to and recall_seconds(
                call.put_through_to, caller=call.caller, at=now()
            )
            if refer and seconds:  # the switchboard's own telephone brings it back unanswered
                text += " " + _(
                    "If nobody answers within %(seconds)s seconds, the call comes back to you."
                ) % {"seconds": seconds}
            return _done(request, text, refer=refer, call=str(pk)) if refer else _done(request, text)
        if action == "consult":  # ask the person first: the console calls them, the caller held
            if not _is_telephone():
                raise NotTelephone(
                    _("Asking first needs the switchboard's own telephone; put the call through.")
                )
            number = _int(request.POST.get("number", ""), _("a number"))
            address, name = moves.call_consult(call_id=pk, number_id=number, actor=request.user)
            text = _("Calling %(name)s; the caller is on hold. Put through, or go back to the caller.") % {
                "name": name
            }
            return _done(request, text, consult=address, name=name, number=str(number), call=str(pk))
        if action == "end":
            calls.call_end(call_id=pk, actor=request.user)
            return _done(request, _("The call has ended."), hang_up="yes", call=str(pk))
        if action == "park":
            call = moves.call_park(call_id=pk, actor=request.user)
            text = _("Parked. Any operator can pick it up; in %(minutes)s minutes it rings you again.") % {
                "minutes": max(1, round(settings.VAXEL_PARK_SECONDS / 60))
            }
            parking = transfer_uri(call, kind=SipTargetKind.PARK)
            return (
                _done(request, text, refer=parking, park="yes", call=str(pk))
                if parking
                else _done(request, text)
            )
        if action in ("desk-put-through", "desk-park", "desk-end"):  # the operator's phone is a desk phone
            moves.desk_phone_control(call_id=pk, actor=request.user, action=action.removeprefix("desk-"))
            text = _("Your desk phone let the caller go.") if action != "desk-end" else ""
            return _done(request, text or _("The call has ended."))
        if action == "hung-up":  # the caller hung up on the console's telephone
            calls.call_end(call_id=pk, actor=request.user)
            return _done(request, _("The caller hung up."))
        if action in ("hold", "resume"):  # what the console's telephone did
            calls.call_hold(call_id=pk, actor=request.user, held=action == "hold")
            return _done(request, _("On hold.") if action == "hold" else _("Back with the caller."))
    except VaxelError as error:
        return _refused(request, error)
    return _refused(request, InvalidInput(_("Choose what to do with the call.")))


@require_GET
def voice_message(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The WAV of a voice message left at the switchboard's voicemail (S2), for the
    console's play control: operators and administrators only. Anyone else gets 403,
    signed out too (an audio file is no page to sign in to), and never the file."""
    try:
        access_console(request.user)
    except Forbidden as refusal:
        return JsonResponse(error_body(refusal.error_id, refusal.message), status=403)
    path = voice_message_file(pk)
    if path is None:
        message = _("There is no voice message for call %(id)s; it may have been thinned away.") % {"id": pk}
        return JsonResponse(error_body("not_found", message), status=404)
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "private, no-store"  # a caller's voice stays off shared caches
    return response


@require_POST
@operators_only
def message(request: HttpRequest) -> HttpResponse:
    """S2 in one step: a message or a callback for a person or a unit, from the current
    call (its number is used) or from a caller on another line."""
    post = request.POST
    fields: dict[str, Any] = {
        "subject": post.get("subject", "")
        or (_("Please call back") if post.get("kind") == "callback" else ""),
        "caller_name": post.get("caller_name", ""),
        "for_person": post.get("for_person") or None,
        "for_unit": post.get("for_unit") or None,
        "kind": post.get("kind", MessageKind.CALLBACK),
        "urgent": post.get("urgent") == "yes",
        "details": post.get("details", ""),
    }
    if post.get("caller_number", "").strip():
        fields["caller_number"] = post["caller_number"]
    try:
        if post.get("call"):
            call = calls.call_take_message(
                call_id=_int(post["call"], _("a call")), actor=request.user, **fields
            )
            taken = cast(Message, call.message)
        else:
            taken = message_take(actor=request.user, **fields)
    except VaxelError as error:
        return _refused(request, error)
    return _done(request, _("Message %(reference)s taken and sent.") % {"reference": taken.reference})


@require_POST
@operators_only
def absence(request: HttpRequest) -> HttpResponse:
    """The operator sets or ends someone's absence for them (a diversion the caller asked
    to be noted, or someone who phoned in sick). E7 applies as on Min sida: an absence in
    the unit's telephone hours is refused until confirmed."""
    post, at = request.POST, now()
    try:
        person = person_get(post.get("email", ""))
        access_absence_write(request.user, person)
        if post.get("action") == "clear":
            absence_clear(person=person, at=at, actor=request.user)
            return _done(request, _("%(name)s is back.") % {"name": person.name}, "vx-change")
        until = post.get("until", "").strip()
        added = absence_add(
            person=person,
            reason=post.get("reason", ""),
            starts_at=at,
            ends_at=parse_instant(until, field=_("back")) if until else None,
            confirmed=post.get("confirm_e7") == "yes",
            actor=request.user,
        )
        if added.needs_confirmation:
            context = {"warning": telephone_hours_text(person, added.conflicts), "pending": post}
            return retarget(render(request, "console/_e7_confirm.html", context), "#notice")
    except VaxelError as error:
        return _refused(request, error)
    return _done(request, _("%(name)s is marked absent.") % {"name": person.name}, "vx-change")


@operators_only
def _allowed(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


PRESENCE_EVERY = 20.0  # seconds between the notes that an operator's console is open


async def events(request: HttpRequest) -> HttpResponseBase:
    """Server-Sent Events: every queue change and every change in the feed (C1), as it
    happens, to every open console of every server process."""
    # The stream lasts for hours: its thread gives its connection back after each use.
    allowed = await sync_to_async(released(_allowed))(request)
    if allowed.status_code != 204:
        return allowed

    user = request.user

    async def stream():
        yield "retry: 1000\n\n"
        await sync_to_async(released(moves.presence_seen))(user)
        seen = time.monotonic()
        async for raw in live.subscribe():
            if time.monotonic() - seen >= PRESENCE_EVERY:  # this operator's console is open
                await sync_to_async(released(moves.presence_seen))(user)
                seen = time.monotonic()
            if raw is None:
                yield ": still here\n\n"
            else:
                yield f"event: {json.loads(raw)['kind']}\ndata: {raw}\n\n"

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx in front: do not hold the stream back
    return response
