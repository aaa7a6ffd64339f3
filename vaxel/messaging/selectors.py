from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vaxel.core.phone import lookup_key
from vaxel.core.time import iso
from vaxel.messaging.errors import MessageNotFound
from vaxel.messaging.models import Message, MessageStatus, OutboxEmail, OutboxState


def messages_query(
    *,
    for_person: str | None = None,
    caller: str | None = None,
    open_only: bool = False,
    person_ids: set[int] | None = None,
    unit_ids: set[int] | None = None,
) -> QuerySet[Message]:
    """Newest first. `caller` finds a caller's earlier messages by number (any written form)."""
    messages = Message.objects.select_related("person", "unit").order_by("-taken_at", "-id")
    if for_person:
        messages = messages.filter(person__email__iexact=for_person.strip())
    if caller:
        messages = messages.filter(caller_number=lookup_key(caller) or caller.strip())
    if open_only:
        messages = messages.exclude(status=MessageStatus.HANDLED)
    if person_ids is not None or unit_ids is not None:
        messages = messages.filter(Q(person_id__in=person_ids or set()) | Q(unit_id__in=unit_ids or set()))
    return messages


def message_get(reference: str) -> Message:
    message = (
        Message.objects.select_related("person", "unit").filter(reference__iexact=reference.strip()).first()
    )
    if message is None:
        raise MessageNotFound(
            _("There is no message %(reference)s; 'vaxel message list' shows them.")
            % {"reference": reference},
        )
    return message


def outbox_overview() -> dict:
    """Delivery state: how many sent, how many waiting, and the ones failing with why."""
    waiting = OutboxEmail.objects.filter(state=OutboxState.PENDING)
    return {
        "sent": OutboxEmail.objects.filter(state=OutboxState.SENT).count(),
        "waiting": waiting.count(),
        "failing": [
            {
                "id": e.pk,
                "attempts": e.attempts,
                "next_attempt_at": iso(e.next_attempt_at),
                "last_error": e.last_error,
            }
            for e in waiting.filter(attempts__gt=0).order_by("id")[:100]
        ],
        "failed": [
            {"id": e.pk, "subject": e.subject, "last_error": e.last_error}
            for e in OutboxEmail.objects.filter(state=OutboxState.FAILED).order_by("-id")[:100]
        ],
    }
