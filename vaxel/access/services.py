"""Logins, roles and API tokens."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.access.constants import GROUP_ROLES, Role, Scope
from vaxel.access.errors import (
    EmptySubject,
    IdentityTaken,
    InvalidLanguage,
    InvalidRoles,
    InvalidScopes,
    PersonHasLogin,
    TokenNotFound,
    UserExists,
    UserNotFound,
)
from vaxel.access.models import ApiToken, Profile, SingleSignOnIdentity, token_hash
from vaxel.access.selectors import TOKEN_PREFIX
from vaxel.core.language import ui_language
from vaxel.core.text import one_line
from vaxel.core.time import now
from vaxel.directory.errors import EmptyName
from vaxel.directory.models import Person
from vaxel.directory.selectors import person_get


def parse_scopes(text: str | list[str]) -> list[str]:
    scopes = [s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip()]
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes or unknown:
        raise InvalidScopes(
            _("Unknown or missing scopes %(unknown)s; choose from: %(choices)s.")
            % {"unknown": ", ".join(unknown) or "-", "choices": ", ".join(Scope.values)},
        )
    return list(dict.fromkeys(scopes))


def parse_roles(text: str | None) -> list[Role]:
    roles = [r.strip() for r in (text or "").split(",") if r.strip()]
    unknown = [r for r in roles if r not in GROUP_ROLES]
    if unknown:
        raise InvalidRoles(
            _(
                "Unknown roles %(unknown)s; roles given to a login are: %(choices)s (employee and manager "
                "follow from the directory)."
            )
            % {"unknown": ", ".join(unknown), "choices": ", ".join(GROUP_ROLES)},
        )
    return [Role(r) for r in roles]


@transaction.atomic
def user_add(
    *, username: str, password: str | None = None, person: str | None = None, roles: str | None = None
):
    """A login, optionally linked to a person in the directory (an employee) and given
    group roles (operator, administrator). Returns the user and the password."""
    users = get_user_model()
    username = (username or "").strip()
    if not username:
        raise EmptyName(_("A login needs a user name."))
    if users.objects.filter(username__iexact=username).exists():
        raise UserExists(_("The login %(name)r already exists.") % {"name": username})
    checked_roles = parse_roles(roles)
    linked = person_get(person) if person else None
    if linked is not None and linked.user_id:
        raise PersonHasLogin(_("%(name)s already has a login.") % {"name": linked.name})
    password = password or secrets.token_urlsafe(12)
    user = users.objects.create_user(
        username=username, password=password, email=linked.email if linked else ""
    )
    for role in checked_roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if Role.ADMINISTRATOR in checked_roles:  # administrators use the Django admin for everything
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if linked is not None:
        linked.user = user
        linked.save(update_fields=["user"])
    return user, password


@transaction.atomic
def token_create(*, owner: str, scopes: str | list[str], name: str = "") -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and never stored."""
    users = get_user_model()
    checked = parse_scopes(scopes)
    user = users.objects.filter(username=owner).first()
    if user is None:
        raise UserNotFound(
            _("There is no login %(name)r to own the token; create it with 'vaxel user add'.")
            % {"name": owner},
        )
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=user,
        name=name or ", ".join(checked),
        prefix=prefix,
        secret_hash=token_hash(secret),
        scopes=checked,
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, prefix: str) -> ApiToken:
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise TokenNotFound(
            _("There is no active token with the key id %(prefix)r; 'vaxel token list' shows them.")
            % {"prefix": prefix},
        )
    token.revoked_at = now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
@transaction.atomic
def sso_identity_link(*, user, issuer: str, subject: str) -> SingleSignOnIdentity:
    """Link a login to its identity at the provider. An operator's or administrator's is
    linked only this way (`vaxel user sso-link`), never by an e-mail claim."""
    subject = one_line(subject, field=_("The subject"), longest=300)
    if not subject:
        raise EmptySubject(_("Give the subject (sub) the provider's tokens carry."))
    taken = SingleSignOnIdentity.objects.filter(issuer=issuer, subject=subject).exclude(user=user).first()
    if taken is not None:
        raise IdentityTaken(
            _("That identity is already linked to the login %(username)s.") % {"username": taken.user},
        )
    identity, _created = SingleSignOnIdentity.objects.update_or_create(
        user=user, issuer=issuer, defaults={"subject": subject}
    )
    return identity


def sso_user_create(*, email: str):
    """The first single sign-on of someone in the directory: a login linked to the person
    with that e-mail address (employee, and manager where they manage a unit), with no
    password of its own. None when no active person has the address: single sign-on
    opens Växel to the organisation's staff, not to everyone in the identity provider."""

    person = Person.objects.filter(
        email__iexact=(email or "").strip(), active=True, user__isnull=True
    ).first()
    if person is None:
        return None
    users = get_user_model()
    username = person.email
    if users.objects.filter(username__iexact=username).exists():
        return None
    user = users.objects.create_user(username=username, email=person.email, password=None)
    user.first_name, _space, user.last_name = person.name.partition(" ")
    user.save(update_fields=["first_name", "last_name"])
    person.user = user
    person.save(update_fields=["user"])
    return user


@transaction.atomic
def user_language_set(*, user, language: str) -> str:
    """The language `user`'s pages are shown in from now on, on every device."""
    chosen = ui_language(language)
    if chosen is None:
        raise InvalidLanguage(
            _("Choose one of the languages offered: %(codes)s.")
            % {"codes": ", ".join(code for code, _name in settings.LANGUAGES)},
            details={"language": language},
        )
    Profile.objects.update_or_create(user=user, defaults={"language": chosen})
    return chosen
