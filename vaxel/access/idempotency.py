"""Idempotency-Key on the API's writes that a client may retry (messages and callbacks,
their steps, calls and call events, absences): a request sent again with the same key
by the same client gets the first answer again, marked `Idempotent-Replayed: true`,
and writes nothing. The answer is stored in the same transaction as the write, so a
write and its key are committed together or not at all; two copies racing each other
meet at the key's unique constraint, and the later one answers with the earlier's
answer. Keys are kept a day (`idempotent_requests_forget`, a periodic job)."""

import hashlib
import json
from datetime import datetime, timedelta
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from vaxel.access.authentication import token_of
from vaxel.access.errors import IdempotencyKeyReused, InvalidIdempotencyKey
from vaxel.access.models import IdempotentRequest
from vaxel.core.time import now

HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
LONGEST_KEY = 255


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > LONGEST_KEY or not key.isprintable() or not key.isascii():
        raise InvalidIdempotencyKey(
            _(
                "The Idempotency-Key header must be 1 to 255 printable ASCII characters, "
                "for example a UUID; send a new one for each new request."
            )
        )
    return key


def _owner(request) -> str:
    token = token_of(request)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def _replayed(earlier: IdempotentRequest, fingerprint: str) -> Response:
    if earlier.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was sent before with a different request; "
                "use a new key for a new request."
            )
        )
    return Response(earlier.body, status=earlier.status, headers={"Idempotent-Replayed": "true"})


def idempotent(method):
    """For an APIView's post(): honour an Idempotency-Key when the client sends one."""

    @wraps(method)
    def answer(view, request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return method(view, request, *args, **kwargs)
        owner, fingerprint = _owner(request), _fingerprint(request)
        earlier = IdempotentRequest.objects.filter(owner=owner, key=key, created_at__gte=now() - KEPT).first()
        if earlier is not None:
            return _replayed(earlier, fingerprint)
        try:
            with transaction.atomic():
                response = method(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    IdempotentRequest.objects.filter(
                        owner=owner, key=key, created_at__lt=now() - KEPT
                    ).delete()
                    IdempotentRequest.objects.create(
                        owner=owner,
                        key=key,
                        fingerprint=fingerprint,
                        status=response.status_code,
                        body=json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)),
                        created_at=now(),
                    )
        except IntegrityError:
            # The same request, sent twice at once: the other copy committed first.
            earlier = IdempotentRequest.objects.filter(owner=owner, key=key).first()
            if earlier is None:
                raise
            return _replayed(earlier, fingerprint)
        return response

    return answer


def idempotent_requests_forget(*, at: datetime | None = None) -> int:
    """Forget the keys older than a day; returns how many."""
    deleted, _kinds = IdempotentRequest.objects.filter(created_at__lt=(at or now()) - KEPT).delete()
    return deleted


PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    description="optional, up to 255 characters (a UUID): a retry with the same key gets the first "
    "answer again and writes nothing (kept 24 hours)",
)
