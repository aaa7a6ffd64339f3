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
- `cb-<token>`: the operator calls back a caller who asked for it from the queue. The
  console calls that address, and Kamailio rings the caller's number (a phone
  registered here, else the gateway). The browser never sees the number either.
- `con-<token>`: the operator asks the person first, the caller on hold. The console
  calls that address, routed as the number dialled; when the operator then puts the
  call through, the `xfer-…` answer names the consultation, and Kamailio sends the
  caller to the very phone that answered it (with Replaces, while it is still up).

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
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.access.roles import access_console
from vaxel.core.phone import normalise
from vaxel.core.time import now
from vaxel.directory.errors import NumberNotFound
from vaxel.directory.models import NumberKind, PhoneNumber
from vaxel.routing.cache import route_cached
from vaxel.routing.values import DestinationKind
from vaxel.telephony.errors import InvalidLifetime, LoginNotFound
from vaxel.telephony.models import Call, SipTarget, SipTargetKind

OPERATOR_PREFIX, TRANSFER_PREFIX, CALLBACK_PREFIX, PARK_PREFIX = "op-", "xfer-", "cb-", "park-"
OVERFLOW_PREFIX, CONSULT_PREFIX = "over-", "con-"
PREFIXES = {
    OPERATOR_PREFIX: SipTargetKind.OPERATOR,
    TRANSFER_PREFIX: SipTargetKind.TRANSFER,
    CALLBACK_PREFIX: SipTargetKind.CALLBACK,
    PARK_PREFIX: SipTargetKind.PARK,
    OVERFLOW_PREFIX: SipTargetKind.OVERFLOW,
    CONSULT_PREFIX: SipTargetKind.CONSULT,
}
# The switchboard's voicemail at the media endpoint, for a caller sent on to the overflow
# (VAXEL_OVERFLOW_TO=voicemail): `voicemail-over-<token>`, the over-… address's token.
VOICEMAIL_OVERFLOW_USER = "voicemail-" + OVERFLOW_PREFIX
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


def operator_phone_credentials(login: str, *, days: int) -> dict[str, str | int]:
    """Credentials for an operator's desk or soft phone, which then rings instead of the
    console's own telephone for the calls that operator answers (the console is set to
    "desk phone" and puts through and ends calls through Kamailio)."""
    if not 1 <= days <= 3650:
        raise InvalidLifetime(_("Give --days between 1 and 3650."))
    user = get_user_model().objects.filter(username=login, is_active=True).first()
    if user is None:
        raise LoginNotFound(_("There is no active login %(login)s.") % {"login": login})
    access_console(user)
    return sip_credentials(operator_user(user), seconds=days * 86400)


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
    prefix = next(prefix for prefix, kind in PREFIXES.items() if kind == target.kind)
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


@transaction.atomic
def overflow_target_add(*, call: Call) -> SipTarget:
    """The address the media endpoint refers a waiting caller to, for the overflow."""
    return _target(kind=SipTargetKind.OVERFLOW, call=call)


def overflow_voicemail_uri(target: SipTarget) -> str:
    """Where Kamailio relays a caller sent on to the switchboard's voicemail."""
    return f"sip:{VOICEMAIL_OVERFLOW_USER}{target.token}@{settings.VAXEL_MEDIA_HOST}"


def overflow_voicemail_token(uri: str) -> str | None:
    """The over-… token of a call to the switchboard's voicemail, None for any other."""
    user = unquote(uri.removeprefix("sip:").split("@", 1)[0])
    return user.removeprefix(VOICEMAIL_OVERFLOW_USER) if user.startswith(VOICEMAIL_OVERFLOW_USER) else None


@transaction.atomic
def park_target_add(*, call: Call) -> SipTarget:
    """The address a console refers its caller to, to park the call."""
    return _target(kind=SipTargetKind.PARK, call=call)


@transaction.atomic
def callback_target_add(*, call: Call, operator) -> SipTarget:
    """The address a console calls to call a caller back."""
    return _target(kind=SipTargetKind.CALLBACK, call=call, operator=operator)


@transaction.atomic
def consult_target_add(*, call: Call, number: PhoneNumber, operator) -> SipTarget:
    """The address a console calls to ask the person first, the caller on hold."""
    return _target(kind=SipTargetKind.CONSULT, call=call, number=number, operator=operator)


def consultation_of(target: SipTarget) -> SipTarget | None:
    """The consultation a call put through follows: the operator rang that number first
    for the same call (the newest such), and Kamailio has the phone that answered."""
    found = SipTarget.objects.filter(
        call_id=target.call_id, number_id=target.number_id, kind=SipTargetKind.CONSULT, used_at__isnull=False
    )
    return found.order_by("-pk").first()


def target_resolve(user_part: str) -> SipTarget | None:
    """The target an `op-…`/`xfer-…`/`cb-…` user part names, while it is good; used once."""
    prefix = next((p for p in PREFIXES if user_part.startswith(p)), None)
    if prefix is None:
        return None
    token, kind = user_part.removeprefix(prefix), PREFIXES[prefix]
    found = (
        SipTarget.objects.select_related("call", "operator", "number__person__unit", "number__group")
        .filter(token=token, kind=kind, expires_at__gt=now())
        .first()
    )
    if found is None:
        return None
    SipTarget.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now())
    return found


def ring_seconds(number: PhoneNumber) -> int:
    """How long a call put through to `number` rings before it comes back: its shared
    number's setting, else its owner's unit's, else VAXEL_TRANSFER_RING_SECONDS (0: it
    rings until the caller gives up, and never comes back)."""
    if number.group is not None and number.group.transfer_ring_seconds:
        return number.group.transfer_ring_seconds
    unit = number.person.unit if number.person is not None else None
    if unit is not None and unit.transfer_ring_seconds:
        return unit.transfer_ring_seconds
    return settings.VAXEL_TRANSFER_RING_SECONDS


def recall_seconds(number: PhoneNumber, *, caller: str, at) -> int | None:
    """How long a call put through to `number` now rings before it comes back to the
    switchboard; None when it goes to the switchboard's queue anyway (an absent person's
    diversion). A mobile the operator chose rings as chosen."""
    if diverted_to_switchboard(number, caller=caller, at=at):
        return None
    return ring_seconds(number) or None


def diverted_to_switchboard(number: PhoneNumber, *, caller: str, at) -> bool:
    """A call to `number` would come back to the switchboard now (the person's absence
    diverts there). A mobile the operator chose rings as chosen."""
    if number.kind == NumberKind.MOBILE:
        return False
    decision = route_cached(called=number.e164, calling=caller or None, at=at)
    return any(d.kind == DestinationKind.SWITCHBOARD for d in decision.destinations)


def moved_target_find(user_part: str) -> SipTarget | None:
    """The `op-…`/`xfer-…`/`cb-…` target Kamailio has rung, however long ago: the
    conversation it carries may outlast the address's two minutes."""
    for prefix, kind in PREFIXES.items():
        if user_part.startswith(prefix):
            token = user_part.removeprefix(prefix)
            rung = SipTarget.objects.filter(token=token, kind=kind, used_at__isnull=False)
            return rung.select_related("call", "number").first()
    return None


def referrals_due() -> list[SipTarget]:
    """Answered calls whose callers the media endpoint has yet to send to the console,
    and callers it has yet to send on to the overflow."""
    return list(
        SipTarget.objects.select_related("call").filter(
            kind__in=(SipTargetKind.OPERATOR, SipTargetKind.OVERFLOW),
            referred_at__isnull=True,
            expires_at__gt=now(),
        )
    )


def referral_sent(target_id: int) -> None:
    SipTarget.objects.filter(pk=target_id).update(referred_at=now())


def transfer_uri(call: Call, kind: str = SipTargetKind.TRANSFER) -> str:
    """Where the console refers the caller it puts through, or parks (the newest such
    target)."""
    target = SipTarget.objects.filter(call=call, kind=kind).order_by("-pk").first()
    return sip_uri(target) if target is not None else ""
