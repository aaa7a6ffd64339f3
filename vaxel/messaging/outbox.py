"""E-mail through an outbox: an e-mail row is committed with the change that caused it,
then sent. A failed send is retried with back-off until the SMTP server takes it; a
claim on the row keeps two workers from sending it twice.

Delivery over SMTP is at least once: a worker that stops (killed, the machine lost)
after the server took an e-mail but before the row says so leaves the e-mail claimed
and not sent. The attempt is counted before the send, so the next worker to find the
claim expired knows an attempt was cut short: it says so in the log and sends again
with the same Message-ID, which the recipient's mail program may use to show it once.
The claim is short (VAXEL_OUTBOX_CLAIM_SECONDS, 60 s, above the SMTP timeout of 20 s
per step), so such an e-mail waits about a minute, not five; a worker starting sends
what is due at once."""

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from email.utils import make_msgid
from pathlib import Path

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from huey.contrib.djhuey import db_task

from vaxel.core.jobs import enqueue_soon
from vaxel.core.time import now
from vaxel.messaging.models import Message, OutboxEmail, OutboxState

logger = logging.getLogger(__name__)

LONGEST_RETRY = timedelta(hours=1)
PERIODIC = timedelta(minutes=1)  # messaging/tasks.py's deliver_outbox_retries


def outbox_add(
    *,
    recipients: list[str],
    subject: str,
    text: str,
    html: str = "",
    message: Message | None = None,
    attachment: str = "",
) -> OutboxEmail:
    """An e-mail to send, committed with the change that caused it; a worker is asked to
    send it once the transaction commits (and the periodic delivery sends it anyway)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "vaxel.local"
    transaction.on_commit(_deliver_soon)
    return OutboxEmail.objects.create(
        recipients=sorted(set(recipients)),
        subject=" ".join(subject.split())[:300],  # a header is one line, whatever made it
        text=text,
        html=html,
        message=message,
        header_message_id=make_msgid(domain=domain),
        attachment=attachment,
    )


@db_task()
def deliver_outbox() -> int:
    return outbox_deliver()


def _deliver_soon() -> None:
    """Ask a worker to send now; if the queue is away, the periodic delivery sends it."""
    enqueue_soon(deliver_outbox)


def retry_delay(attempts: int) -> timedelta:
    first = timedelta(seconds=settings.VAXEL_OUTBOX_FIRST_RETRY_SECONDS)
    return min(first * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _next_run(at: datetime) -> None:
    """The next e-mail waiting for a retry, if it is due before the periodic run, is
    asked for at its time (the first retries, 30 s, 1 min); later ones are the periodic
    run's."""
    waiting = OutboxEmail.objects.filter(state=OutboxState.PENDING, next_attempt_at__gt=at)
    soonest = waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if soonest is not None and soonest - at < PERIODIC:
        enqueue_soon(deliver_outbox, delay=(soonest - at).total_seconds())


def _due(at: datetime):
    return OutboxEmail.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=at).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=at)
    )


ATTACHMENT_TYPES = {".wav": "audio/wav", ".png": "image/png"}


def _attach(outgoing: EmailMultiAlternatives, path: Path) -> None:
    """A recording as a file; a chart as an image the HTML shows (src="cid:<file name>")."""
    kind = ATTACHMENT_TYPES.get(path.suffix, "application/octet-stream")
    if kind.startswith("image/"):
        image = MIMEImage(path.read_bytes(), _subtype=kind.split("/")[1])
        image.add_header("Content-ID", f"<{path.name}>")
        image.add_header("Content-Disposition", "inline", filename=path.name)
        outgoing.attach(image)
        outgoing.mixed_subtype = "related"  # type: ignore[attr-defined]
    else:
        outgoing.attach(path.name, path.read_bytes(), kind)


def _built(email: OutboxEmail, connection) -> EmailMultiAlternatives:
    outgoing = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        to=email.recipients,
        connection=connection,
        headers={"Message-ID": email.header_message_id},
        alternatives=[(email.html, "text/html")] if email.html else None,
    )
    if email.attachment:
        _attach(outgoing, Path(settings.DATA_DIR) / email.attachment)
    outgoing.message()  # builds every header now: a bad one fails here, not mid-send
    return outgoing


def outbox_deliver(*, at: datetime | None = None, limit: int = 200) -> int:
    """Send what is due. Returns how many were sent. An e-mail that cannot be built (a
    header no server would take, a lost attachment) is marked failed with its reason
    and never holds up the others."""
    at = at or now()
    sent = 0
    connection = None
    claim = timedelta(seconds=settings.VAXEL_OUTBOX_CLAIM_SECONDS)
    for email in list(_due(at).order_by("id")[:limit]):
        # The claim is one conditional UPDATE: only one worker wins it. It counts the
        # attempt before the send (see the module's docstring).
        if not _due(at).filter(pk=email.pk).update(claimed_until=at + claim, attempts=email.attempts + 1):
            continue
        if email.claimed_until is not None:
            logger.warning(
                "e-mail %s: the worker sending it stopped mid-send (attempt %d); it may have been "
                "delivered already and is sent again with the same Message-ID",
                email.pk,
                email.attempts,
            )
        email.attempts += 1
        try:
            connection = connection or get_connection()
            outgoing = _built(email, connection)
        except (BadHeaderError, ValueError, TypeError, FileNotFoundError) as error:
            OutboxEmail.objects.filter(pk=email.pk).update(
                state=OutboxState.FAILED,
                claimed_until=None,
                last_error=f"{type(error).__name__}: {error}"[:500],
            )
            logger.error("e-mail %s cannot be built and is not sent: %s", email.pk, type(error).__name__)
            continue
        try:
            outgoing.send()
        except (smtplib.SMTPException, OSError) as error:
            attempts = email.attempts
            OutboxEmail.objects.filter(pk=email.pk).update(
                next_attempt_at=at + retry_delay(attempts),
                claimed_until=None,
                last_error=f"{type(error).__name__}: {error}"[:500],
            )
            logger.warning("e-mail %s not sent (attempt %d): %s", email.pk, attempts, type(error).__name__)
            connection = None
            continue
        OutboxEmail.objects.filter(pk=email.pk).update(
            state=OutboxState.SENT,
            sent_at=now(),
            claimed_until=None,
            last_error="",
        )
        sent += 1
    if connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    _next_run(at)
    return sent
