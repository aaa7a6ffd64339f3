import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def token_hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A key for an integration (the PBX, the HR system, the intranet): an owner whose
    rights it never exceeds, and named scopes. Only a hash of the secret is stored."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key id"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class SingleSignOnIdentity(models.Model):
    """Who a login is at the identity provider: its issuer and the stable subject (`sub`)
    of its tokens. Once linked, single sign-on finds the login by this pair alone, so an
    e-mail claim that someone can change at the provider never chooses the account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(_("identity provider"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_login_per_identity"),
            models.UniqueConstraint(fields=["user", "issuer"], name="one_identity_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"


class IdempotentRequest(models.Model):
    """A write an API client sent with an Idempotency-Key, and the answer it got: kept a
    day, so that a retry (after a timeout, a dropped connection) gets the same answer
    and never makes a second message, callback, call event or absence."""

    owner = models.CharField(max_length=40)  # "token:<id>" or "user:<id>": keys are per client
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # the method, path and body it came with
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class Profile(models.Model):
    """A login's own settings: the language its pages are shown in (sv or en). Kept on
    the login, not the session, so the choice follows the user to every device and
    every sign-in (passwords or single sign-on). What callers hear is never affected:
    that is the organisation's language (vaxel/core/language.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.language or '-'})"
