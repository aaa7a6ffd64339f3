"""API token authentication. Kept apart from the views: DRF imports it while loading its settings."""

import base64

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from vaxel.access.models import ApiToken
from vaxel.access.selectors import token_authenticate


def presented_token(header: str) -> str:
    """The token in an Authorization header: `Bearer <token>`, or HTTP Basic with the
    token as the password (what SIP servers such as Kamailio can send); "" when none."""
    scheme, _sep, value = header.strip().partition(" ")
    if scheme == "Bearer":
        return value.strip()
    if scheme == "Basic":
        try:
            password = base64.b64decode(value.strip()).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return ""
        return password if password.startswith("vx_") else ""
    return ""


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer vx_<key id>_<secret>`, or HTTP Basic with the token as the
    password (what SIP servers such as Kamailio can send). request.auth is the ApiToken."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header.startswith(("Bearer", "Basic")):
            return None
        presented = presented_token(header)
        if not presented:
            if header.startswith("Basic"):
                return None  # a password, not a token: another scheme's business
            raise exceptions.AuthenticationFailed(_("Send the token as 'Authorization: Bearer vx_…'."))
        token = token_authenticate(presented)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is unknown or revoked."))
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="vaxel"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "vaxel.access.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "vx_<key id>_<secret> from 'vaxel token create'",
        }


def token_of(request):
    """The ApiToken behind a request, or None for a browser session."""

    return request.auth if isinstance(request.auth, ApiToken) else None
