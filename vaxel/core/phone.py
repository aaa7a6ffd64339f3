"""Phone numbers: parsed and validated with `phonenumbers`, stored as E.164,
shown in the national format (0370-33 10 00)."""

import re

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from vaxel.core.errors import InvalidPhoneNumber

E164 = re.compile(r"\+[1-9]\d{6,14}")


def normalise(text: str, *, field: str = "number") -> str:
    """E.164 form of a number written by a person; InvalidInput when it is not one."""
    try:
        parsed = phonenumbers.parse(text, settings.VAXEL_PHONE_REGION)
    except (phonenumbers.NumberParseException, TypeError):
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(
            _(
                "%(field)s %(value)r is not a valid phone number; write it as e.g. 0370-331000 "
                "or +46370331000."
            )
            % {"field": field, "value": text},
            details={"field": field},
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def lookup_key(text: str | None) -> str | None:
    """E.164 for a number from the PBX, or None when it is not a valid number.

    Never raises: a PBX may send anything as the calling number.
    """
    if not text:
        return None
    if E164.fullmatch(text):  # what PBXs send most: already E.164, no parsing needed
        return text
    try:
        parsed = phonenumbers.parse(text, settings.VAXEL_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str | None:
    if not e164:
        return None
    parsed = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
