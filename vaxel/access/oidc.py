"""Single sign-on with OpenID Connect (the municipality's Entra ID, or any provider),
through mozilla-django-oidc. Switched on by VAXEL_OIDC_CLIENT_ID; see docs/operations.md.

A login is found by its identity at the provider: the issuer and the stable subject
(`sub`) of its tokens. The first time only, an employee is matched by an e-mail address
the provider says it has verified (`email_verified`), and the login is then linked to
that subject for good; a changed or forged e-mail claim later chooses nothing. An
operator's or administrator's login is never matched by e-mail: it is linked with
`vaxel user sso-link`. Roles are given in Växel, never taken from the provider."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from vaxel.access.constants import GROUP_ROLES
from vaxel.access.models import SingleSignOnIdentity
from vaxel.access.services import sso_identity_link, sso_user_create


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def sso_issuer() -> str:
    """Which provider an identity belongs to: VAXEL_OIDC_ISSUER, else the origin of the
    provider's authorization endpoint."""
    if settings.VAXEL_OIDC_ISSUER:
        return settings.VAXEL_OIDC_ISSUER
    parts = urlsplit(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    return f"{parts.scheme}://{parts.netloc}"


def _verified_email(claims: dict) -> str:
    email = str(claims.get("email") or "").strip()
    verified = claims.get("email_verified") is True or settings.VAXEL_OIDC_TRUST_EMAIL
    return email if email and verified else ""


class VaxelOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        subject = str(claims.get("sub") or "")
        if not subject:
            return self.UserModel.objects.none()
        linked = SingleSignOnIdentity.objects.filter(issuer=sso_issuer(), subject=subject)
        if linked.exists():
            return self.UserModel.objects.filter(pk__in=linked.values("user_id"), is_active=True)
        email = _verified_email(claims)
        if not email:
            return self.UserModel.objects.none()
        return (
            self.UserModel.objects.filter(email__iexact=email, is_active=True)
            .exclude(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=GROUP_ROLES))
            .exclude(sso_identities__issuer=sso_issuer())  # linked to another subject already
        )

    def create_user(self, claims):
        email = _verified_email(claims)
        user = sso_user_create(email=email) if email else None
        if user is not None:
            sso_identity_link(user=user, issuer=sso_issuer(), subject=str(claims["sub"]))
        return user

    def update_user(self, user, claims):
        if not user.sso_identities.filter(issuer=sso_issuer()).exists():
            sso_identity_link(user=user, issuer=sso_issuer(), subject=str(claims["sub"]))
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
