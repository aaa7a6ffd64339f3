"""The e-mails messages send, in the organisation's language, plain text and HTML."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vaxel.core.language import in_organisation_language
from vaxel.core.phone import display
from vaxel.core.time import local
from vaxel.directory.privacy import number_shown
from vaxel.directory.selectors import organisation_get
from vaxel.messaging.models import Message

LINK_SALT = "vaxel.messaging.link"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a month


def message_link(message: Message) -> str:
    """The e-mailed link: the signed message id and link version, good for a month or
    until revoked. It shows the message; what it changes takes a click (POST)."""
    token = signing.dumps({"m": message.pk, "v": message.link_version}, salt=LINK_SALT, compress=True)
    return f"{settings.VAXEL_BASE_URL}/messages/open/{token}/"


def caller_label(message: Message) -> str:
    """Who called, as shown to the recipient; a private mobile shows no digits (S3)."""
    name = message.caller_name or _("Unknown caller")
    if not message.caller_number:
        return name
    shown = number_shown(message.caller_number, was_public=message.caller_number_public)
    number = display(shown) if shown else _("number hidden")
    return f"{name} ({number})"


def _context(message: Message, **extra) -> dict:
    return {
        "message": message,
        "caller": caller_label(message),
        "taken_at": local(message.taken_at).strftime("%Y-%m-%d %H:%M"),
        "due_at": local(message.due_at).strftime("%Y-%m-%d %H:%M") if message.due_at else "",
        "link": message_link(message),
        "organisation": organisation_get().name,
        **extra,
    }


@in_organisation_language
def message_email(message: Message) -> tuple[str, str, str]:
    """Subject, text and HTML of the e-mail that delivers a message (E5)."""
    subject = _("Message from the switchboard: %(caller)s about %(subject)s") % {
        "caller": caller_label(message),
        "subject": message.subject,
    }
    if message.urgent:
        subject = _("URGENT") + ": " + subject
    context = _context(message)
    return (
        subject,
        render_to_string("messaging/email_message.txt", context),
        render_to_string("messaging/email_message.html", context),
    )


@in_organisation_language
def follow_up_email(message: Message, *, headline: str) -> tuple[str, str, str]:
    """A reminder or escalation about one message (E4, E5)."""
    subject = f"{headline}: {message.reference} {message.subject}"
    context = _context(message, headline=headline)
    return (
        subject,
        render_to_string("messaging/email_follow_up.txt", context),
        render_to_string("messaging/email_follow_up.html", context),
    )


@in_organisation_language
def digest_email(name: str, messages: list[Message]) -> tuple[str, str, str]:
    subject = _("Your open messages and callbacks: %(count)d") % {"count": len(messages)}
    context = {
        "name": name,
        "items": [_context(m) for m in messages],
        "organisation": organisation_get().name,
    }
    return (
        subject,
        render_to_string("messaging/email_digest.txt", context),
        render_to_string("messaging/email_digest.html", context),
    )
