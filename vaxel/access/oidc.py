"""Single sign-on with OpenID Connect (the municipality's Entra ID, or any provider),
through mozilla-django-oidc. Switched on by VAXEL_OIDC_CLIENT_ID; see docs/operations.md.

People sign in with the e-mail address the directory knows them by: the first time,
a login is made and linked to their person. Operator and administrator roles are
still given in Växel (`vaxel user add`, the admin), never taken from the provider."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from vaxel.access.services import sso_user_create


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class VaxelOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        return sso_user_create(email=claims.get("email", ""))

    def update_user(self, user, claims):
        return user


def sso_start(request: HttpRequest) -> HttpResponse:
    if not sso_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def sso_callback(request: HttpRequest) -> HttpResponse:
    if not sso_enabled():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)


def sign_in_context(request: HttpRequest) -> dict:
    """The login page's single sign-on button, when single sign-on is configured."""
    return {"sso": sso_enabled(), "sso_name": settings.VAXEL_OIDC_NAME or _("single sign-on")}
