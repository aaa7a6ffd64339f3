"""Log lines never carry a phone number's digits (S3): one filter on every handler masks
anything written like a phone number, in the message and in a traceback alike. It also
covers the server's access log, whose query strings carry callers' numbers
(`/pbx/route/?from=+4670…`)."""

import logging
import re

MASK = "[nummer]"
# A phone number as people, PBXs and URLs write it: an optional +, %2B or 00, then seven
# or more digits with single spaces or hyphens between. ISO dates (2026-12-01, 20261201)
# are left alone.
PHONE_LIKE = re.compile(
    r"(?:\+|%2[bB]|(?<!\d)00)?(?<![\d-])"
    r"(?!\d{4}-\d{2}-\d{2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:T|\b))"
    r"\d(?:[ -]?\d){6,}(?!\d)"
)


def mask(text: str) -> str:
    return PHONE_LIKE.sub(MASK, text)


class HidePhoneNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
