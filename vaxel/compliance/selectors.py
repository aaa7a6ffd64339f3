from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from vaxel.access.roles import units_and_below
from vaxel.compliance.checks import Finding, compliance_findings
from vaxel.core.errors import InvalidInput
from vaxel.core.time import at_local, now
from vaxel.directory.models import Unit
from vaxel.directory.selectors import unit_get


def period(first: date, last: date) -> tuple[datetime, datetime]:
    """From the first day's Stockholm midnight to the midnight after the last day."""
    if first < date(1900, 1, 1) or last > date(2999, 12, 31) or (last - first).days > 3660:
        raise InvalidInput(
            _("Choose a period of at most ten years, between 1900 and 2999."), error_id="period_out_of_range"
        )
    if last < first:
        raise InvalidInput(
            _("The period ends (%(last)s) before it begins (%(first)s).") % {"last": last, "first": first},
            error_id="period_ends_before_start",
        )
    return at_local(first, time(0)), at_local(last + timedelta(days=1), time(0))


def compliance_report(
    *, first: date, last: date, unit_ids: set[int] | None = None, unit: str | None = None
) -> list[Finding]:
    """The compliance report for a period, for some units (None: all), or for the unit
    with this name and the units below it."""
    if unit:
        unit_ids = units_and_below({unit_get(unit).pk})
    units = Unit.objects.order_by("name")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    start, end = period(first, last)
    return compliance_findings(list(units), start=start, end=end, at=now())
