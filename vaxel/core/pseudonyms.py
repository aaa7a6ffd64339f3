"""A caller's number replaced in a call's record once its period has passed (records
retention): the statistics keep the call, nobody can learn the number back. The
pseudonym is made from the call's own id, not from the number, so two calls from one
caller cannot be linked and no key can turn it into the number again. Lower apps
(the statistics' recount) recognise one without knowing the records app."""

MARK = "#"
LENGTH = 16  # fits the 20 characters a number field holds


def is_pseudonym(value: str | None) -> bool:
    return bool(value) and value.startswith(MARK)  # type: ignore[union-attr]
