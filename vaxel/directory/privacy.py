"""S3, decided when a number is shown, not when it was stored: a mobile's digits leave
the server only while its owner consents. Messages and calls keep the caller's number
(to call back, to count); what they show goes through here, so a withdrawn consent
hides digits taken down while it was given."""

from collections.abc import Iterable

from vaxel.directory.models import NumberKind, PhoneNumber


def numbers_hidden(numbers: Iterable[str | None]) -> set[str]:
    """Those of these E.164 numbers that are mobiles in the directory without consent now."""
    wanted = {number for number in numbers if number}
    if not wanted:
        return set()
    return set(
        PhoneNumber.objects.filter(
            e164__in=wanted, kind=NumberKind.MOBILE, disclosure_consent=False
        ).values_list("e164", flat=True)
    )


def number_shown(
    number: str | None, *, was_public: bool = True, hidden: set[str] | None = None
) -> str | None:
    """The number if its digits may be shown now, else None. `was_public` is what was
    known when it was stored (private then stays private); `hidden` saves a query per
    row when many are shown at once (`numbers_hidden` of them all)."""
    if not number or not was_public:
        return None
    if number in (numbers_hidden([number]) if hidden is None else hidden):
        return None
    return number
