"""W1: what makes an IMEI and an ICCID, as written in the operator's lists. Pure."""

import re

_SEPARATORS = re.compile(r"[\s\-./]")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def imei_clean(text: str) -> str | None:
    """15 digits with a valid Luhn check digit (spaces and dashes allowed), or None."""
    digits = _SEPARATORS.sub("", text or "")
    if len(digits) == 15 and digits.isascii() and digits.isdigit() and luhn_ok(digits):
        return digits
    return None


def iccid_clean(text: str) -> str | None:
    """A SIM's or eSIM's ICCID: 18–22 digits beginning 89 (telecommunications, ITU-T
    E.118), or None. The check digit is not tested: operators' lists often leave it
    out."""
    digits = _SEPARATORS.sub("", text or "").upper().rstrip("F")  # some lists pad with F
    if 18 <= len(digits) <= 22 and digits.isascii() and digits.isdigit() and digits.startswith("89"):
        return digits
    return None
