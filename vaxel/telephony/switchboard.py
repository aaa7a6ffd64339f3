"""The switchboard's own telephone (VAXEL_TELEPHONY_DRIVER=kamailio): Kamailio is a
registrar and proxy, every console is registered in it as its operator's telephone
(WebRTC), and calls are moved with REFER to opaque addresses that Kamailio resolves by
asking Växel:

- `op-<token>`: a queued call was answered at a console. The media endpoint, which has
  held the caller with the greeting and waiting music, refers the caller there, and
  Kamailio rings that operator's console alone.
- `xfer-<token>`: the operator put the call through. The console refers the caller
  there, and Växel routes it as a dialled call to that number (an absent person's
  diversion, a shared number's available members). The browser never sees the number.

Credentials for a console are minted per page for auth_ephemeral: the user name is
"<expiry>:<user>", the password base64(HMAC-SHA1(VAXEL_SIP_SECRET, user name)); Kamailio
checks them with the shared secret alone.
"""

import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.core.phone import normalise
from vaxel.core.time import now
from vaxel.directory.errors import NumberNotFound
from vaxel.directory.models import PhoneNumber
from vaxel.telephony.errors import InvalidLifetime
from vaxel.telephony.models import Call, SipTarget, SipTargetKind

OPERATOR_PREFIX, TRANSFER_PREFIX = "op-", "xfer-"
TARGET_LIFETIME = timedelta(minutes=2)  # long enough to ring, too short to reuse


def operator_user(user) -> str:
    """The SIP user an operator's console registers as."""
    return f"operator{user.pk}"


def sip_credentials(sip_user: str, seconds: int | None = None) -> dict[str, str | int]:
    """What a telephone needs to register as `sip_user`: a console as its operator, for a
    working day (VAXEL_SIP_CREDENTIALS_SECONDS), or a desk phone as a direct number."""
    expiry = int(time.time()) + (seconds or settings.VAXEL_SIP_CREDENTIALS_SECONDS)
    username = f"{expiry}:{sip_user}"
    digest = hmac.new(settings.VAXEL_SIP_SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return {
        "uri": f"sip:{sip_user}@{settings.VAXEL_SIP_DOMAIN}",
        "authorization_user": username,
        "password": base64.b64encode(digest).decode(),
        "ws": settings.VAXEL_SIP_WS_URL,
        "expires": expiry,
    }


def phone_credentials(number: str, *, days: int) -> dict[str, str | int]:
    """Credentials for a desk or soft phone that registers as a directory number (its
    calls then ring there), for `days` days."""
    if not 1 <= days <= 3650:
        raise InvalidLifetime(_("Give --days between 1 and 3650."))
    e164 = normalise(number)
    if not PhoneNumber.objects.filter(e164=e164).exists():
        raise NumberNotFound(_("%(number)s is not a number in the directory.") % {"number": number})
    return sip_credentials(e164, seconds=days * 86400)


def _target(*, kind: str, call: Call, operator=None, number: PhoneNumber | None = None) -> SipTarget:
    return SipTarget.objects.create(
        token=secrets.token_hex(12),
        kind=kind,
        call=call,
        operator=operator,
        number=number,
        expires_at=now() + TARGET_LIFETIME,
    )


def sip_uri(target: SipTarget) -> str:
    prefix = OPERATOR_PREFIX if target.kind == SipTargetKind.OPERATOR else TRANSFER_PREFIX
    return f"sip:{prefix}{target.token}@{settings.VAXEL_SIP_DOMAIN}"


@transaction.atomic
def operator_target_add(*, call: Call, operator) -> SipTarget:
    """The address the media endpoint refers an answered caller to."""
    SipTarget.objects.filter(call=call, kind=SipTargetKind.OPERATOR, referred_at__isnull=True).delete()
    return _target(kind=SipTargetKind.OPERATOR, call=call, operator=operator)


@transaction.atomic
def transfer_target_add(*, call: Call, number: PhoneNumber) -> SipTarget:
    """The address a console refers its caller to, to put the call through."""
    return _target(kind=SipTargetKind.TRANSFER, call=call, number=number)


def target_resolve(user_part: str) -> SipTarget | None:
    """The target an `op-…`/`xfer-…` user part names, while it is good; used once."""
    for prefix in (OPERATOR_PREFIX, TRANSFER_PREFIX):
        if user_part.startswith(prefix):
            token = user_part.removeprefix(prefix)
            break
    else:
        return None
    found = (
        SipTarget.objects.select_related("call", "operator", "number__person", "number__group")
        .filter(token=token, expires_at__gt=now())
        .first()
    )
    if found is None:
        return None
    SipTarget.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now())
    return found


def referrals_due() -> list[SipTarget]:
    """Answered calls whose callers the media endpoint has yet to send to the console."""
    return list(
        SipTarget.objects.select_related("call").filter(
            kind=SipTargetKind.OPERATOR, referred_at__isnull=True, expires_at__gt=now()
        )
    )


def referral_sent(target_id: int) -> None:
    SipTarget.objects.filter(pk=target_id).update(referred_at=now())


def transfer_uri(call: Call) -> str:
    """Where the console refers the caller it puts through (the newest such target)."""
    target = SipTarget.objects.filter(call=call, kind=SipTargetKind.TRANSFER).order_by("-pk").first()
    return sip_uri(target) if target is not None else ""
