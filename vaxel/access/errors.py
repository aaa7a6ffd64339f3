"""The access app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class EmptySubject(InvalidInput):
    """Give the subject (sub) the provider's tokens carry."""

    error_id = "empty_subject"


class IdentityTaken(Conflict):
    """That identity is already linked to the login <username>."""

    error_id = "identity_taken"


class InvalidRoles(InvalidInput):
    """Unknown roles <unknown>."""

    error_id = "invalid_roles"


class InvalidScopes(InvalidInput):
    """Unknown or missing scopes <unknown>."""

    error_id = "invalid_scopes"


class MissingScope(Forbidden):
    """This API token lacks the scope <scope>."""

    error_id = "missing_scope"


class NoRole(Forbidden):
    """Your login has no role in Växel."""

    error_id = "no_role"


class PersonHasLogin(Conflict):
    """<name> already has a login."""

    error_id = "person_has_login"


class TokenNotFound(NotFound):
    """There is no active token with the key id <prefix>."""

    error_id = "token_not_found"


class UserExists(Conflict):
    """The login <name> already exists."""

    error_id = "user_exists"


class UserNotFound(NotFound):
    """There is no login <name>."""

    error_id = "user_not_found"


class InvalidIdempotencyKey(InvalidInput):
    """The Idempotency-Key header is empty, longer than 255 characters or not plain text."""

    error_id = "invalid_idempotency_key"


class IdempotencyKeyReused(Conflict):
    """The Idempotency-Key was used before for a different request."""

    error_id = "idempotency_key_reused"


class InvalidLanguage(InvalidInput):
    """Choose one of the languages offered (sv, en)."""

    error_id = "invalid_language"
