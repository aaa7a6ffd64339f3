"""Text people type that travels into one-line places: e-mail headers (a subject, a
caller's name), SIP headers, log lines, file names. A line break there would start a
new header (`Bcc:`), so such text is refused where it enters, with a reason."""

import re

from django.utils.translation import gettext as _

from vaxel.core.errors import InvalidIdentifier, NotOneLine, TooLong

# Line breaks of every kind (CR, LF, NEL, LINE/PARAGRAPH SEPARATOR) and other control
# characters, NUL included; a tab is allowed and becomes a space.
_BREAKING = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str | None, *, field: str, longest: int | None = None) -> str:
    """`text` stripped, or InvalidInput when it holds a line break or a control character,
    or is longer than `longest`."""
    value = (text or "").replace("\t", " ").strip()
    if _BREAKING.search(value):
        raise NotOneLine(
            _(
                "%(field)s must be one line, without line breaks or control characters; "
                "write it again on one line."
            )
            % {"field": field},
            details={"field": field},
        )
    if longest is not None and len(value) > longest:
        raise TooLong(
            _("%(field)s is longer than %(longest)d characters; shorten it.")
            % {"field": field, "longest": longest},
            details={"field": field},
        )
    return value


# RFC 3261's `word` (what a Call-ID is made of), without quotes and angle brackets: an
# identifier that travels into a SIP or e-mail header can hold nothing else.
_TOKEN = re.compile(r"[A-Za-z0-9\-.!%*_+`'~():\\/\[\]?{}@]{1,200}")


def identifier(text: str | None, *, field: str) -> str:
    """A telephone system's identifier (a Call-ID, an event id): `text` stripped, or
    InvalidInput when it is longer than 200 characters or holds anything but the
    characters a SIP Call-ID may hold."""
    value = (text or "").strip()
    if value and not _TOKEN.fullmatch(value):
        raise InvalidIdentifier(
            _(
                "%(field)s may hold only letters, digits and - . ! %% * _ + ` ' ~ ( ) : \\ / [ ] ? { } @, "
                "at most 200 of them, as a SIP Call-ID does."
            )
            % {"field": field},
            details={"field": field},
        )
    return value


_WHOLE = re.compile(r"[0-9]{1,18}")


def record_id(text: object) -> int | None:
    """A database id written in ASCII digits, or None: '²', '٣' and 20 digits are no
    record's id (and would be a 500 if given to int() or the database)."""
    value = str(text if text is not None else "").strip()
    return int(value) if _WHOLE.fullmatch(value) else None
