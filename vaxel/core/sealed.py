"""Secrets Växel must keep to use them again (a CalDAV app password), sealed at rest with
Fernet (AES and HMAC, from `cryptography`). The key comes from the environment:
VAXEL_DATA_KEY (Fernet keys, comma-separated, the first sealing and all opening, so a
key can be rotated), or else one derived from VAXEL_SECRET_KEY. A database copy alone
gives away no password."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


def _keys() -> MultiFernet:
    given = [k.strip() for k in settings.VAXEL_DATA_KEY.split(",") if k.strip()]
    if not given:
        derived = hashlib.sha256(f"vaxel.sealed:{settings.SECRET_KEY}".encode()).digest()
        given = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in given])


def seal(secret: str) -> str:
    return PREFIX + _keys().encrypt(secret.encode()).decode() if secret else ""


def unseal(stored: str) -> str:
    """The secret; "" when there is none or it cannot be opened with today's keys."""
    if not stored.startswith(PREFIX):
        return ""
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except (InvalidToken, ValueError):
        return ""
