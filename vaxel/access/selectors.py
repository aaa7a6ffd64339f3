"""Reads for access: which token a presented key is."""

import secrets
from datetime import timedelta

from vaxel.access.errors import UserNotFound
from vaxel.access.models import ApiToken, token_hash
from vaxel.core.time import now

TOKEN_PREFIX = "vx"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_authenticate(presented: str) -> ApiToken | None:
    """The active token a presented key belongs to, or None."""
    marker, _sep, rest = (presented or "").partition("_")
    prefix, _sep, secret = rest.partition("_")
    if marker != TOKEN_PREFIX or not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("owner").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not secrets.compare_digest(token.secret_hash, token_hash(secret)):
        return None
    if not token.owner.is_active:
        return None
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token


def tokens_list():
    return ApiToken.objects.select_related("owner").order_by("-created_at")


def user_get(username: str):
    """A login by its user name; NotFound says how to make one."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None:
        raise UserNotFound(
            _("There is no login %(name)r; create it with 'vaxel user add'.") % {"name": username},
        )
    return user
