"""The pages an e-mailed message links to, and "my messages" (E5)."""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import messages_visible, own_person
from vaxel.core.errors import Forbidden, VaxelError
from vaxel.core.time import local
from vaxel.messaging.emails import LINK_MAX_AGE, LINK_SALT, caller_label, message_link
from vaxel.messaging.models import Message
from vaxel.messaging.selectors import messages_query
from vaxel.messaging.services import message_link_revoke, message_mark

DONE = {
    "called_back": lambda: _("Marked as called back. Thank you."),
    "no_answer": lambda: _("Noted: no answer. The callback stays open."),
    "closed": lambda: _("The message is closed."),
    "read": lambda: _("Marked as read."),
}


def _page(message: Message) -> dict:
    return {
        "message": message,
        "caller": caller_label(message),
        "taken_at": local(message.taken_at).strftime("%Y-%m-%d %H:%M"),
        "due_at": local(message.due_at).strftime("%Y-%m-%d %H:%M") if message.due_at else "",
        "events": message.events.all(),
    }


@require_http_methods(["GET", "POST"])
def message_open(request: HttpRequest, token: str) -> HttpResponse:
    """The signed, expiring link shows the message. Opening it marks the message read
    only for its signed-in recipient: a mail scanner that fetches every link must not
    read it for them (E5). Everything else is a click (POST): read, called back, not
    answered, closed, or "revoke the link". A forged, expired or revoked link gets a
    clear page and changes nothing."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
        message = Message.objects.select_related("person", "unit").get(pk=data["m"])
    except signing.SignatureExpired:
        return _invalid(request, _("The link has expired."), status=410)
    except (signing.BadSignature, Message.DoesNotExist, KeyError, TypeError):
        return _invalid(request, _("The link is not valid."), status=400)
    if data.get("v", 1) != message.link_version:
        return _invalid(
            request, _("The link has been revoked; open the message from My messages."), status=410
        )
    via = _("via the e-mail link")
    context = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "revoke":
                message_link_revoke(message=message, actor_name=via)
                return _invalid(
                    request, _("The link is revoked; it no longer opens the message."), status=200
                )
            message = message_mark(
                message=message, step=step, note=request.POST.get("note", ""), actor_name=via
            )
        except VaxelError as error:
            context["error"] = error.message
        else:
            request.session["message_done"] = str(DONE.get(step, lambda: "")())
            return redirect(request.path)
    else:
        if _is_recipient(request, message):
            message = message_mark(message=message, step="read", actor=request.user)
        context["done"] = request.session.pop("message_done", "")
    return render(
        request,
        "messaging/open.html",
        {**_page(message), **context},
        status=400 if "error" in context else 200,
    )


def _is_recipient(request: HttpRequest, message: Message) -> bool:
    """The signed-in person the message is for, or one of its unit's members."""
    if not request.user.is_authenticated:
        return False
    person = own_person(request.user)
    if person is None:
        return False
    return message.person_id == person.pk or (
        message.unit_id is not None and message.unit_id == person.unit_id
    )


def _invalid(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "messaging/link_invalid.html", {"reason": reason}, status=status)


@login_required
def my_messages(request: HttpRequest) -> HttpResponse:
    """An employee's messages and their unit's; a manager's units' too."""
    try:
        people, units = messages_visible(request.user)
    except Forbidden as error:
        return render(request, "messaging/link_invalid.html", {"reason": error.message}, status=403)
    messages = messages_query(person_ids=people, unit_ids=units)
    rows = [
        {
            "message": m,
            "caller": caller_label(m),
            "taken_at": local(m.taken_at).strftime("%Y-%m-%d %H:%M"),
            "due_at": local(m.due_at).strftime("%Y-%m-%d %H:%M") if m.due_at else "",
            "link": message_link(m),
        }
        for m in messages[:200]
    ]
    return render(request, "messaging/mine.html", {"rows": rows})
