"""The work-mobile settings, checked when Växel starts: the blockers' addresses travel
into an e-mail's To header, so each must be one plain address."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email


def block_emails_check() -> None:
    for address in settings.VAXEL_MOBILE_BLOCK_EMAILS:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"VAXEL_MOBILE_BLOCK_EMAILS: {address!r} is not an e-mail address "
                "(give plain addresses, comma-separated)"
            ) from None
