from datetime import date

from vaxel.access.roles import units_and_below
from vaxel.compliance.checks import Finding, compliance_findings
from vaxel.core.time import now, period
from vaxel.directory.models import Unit
from vaxel.directory.selectors import unit_get


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
    return compliance_findings(list(units), start=start, end=end, at=now(), everything=unit_ids is None)
