"""The managers' weekly e-mails: a service level missed (with the figures and the chart)
and the compliance summary, in the organisation's language."""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vaxel.compliance.checks import Finding
from vaxel.directory.selectors import organisation_get
from vaxel.servicelevels.exports import figures_row
from vaxel.servicelevels.selectors import StatisticsReport

FINDINGS_LISTED = 30


def _week(monday: date) -> int:
    return monday.isocalendar().week


def missed_email(report: StatisticsReport, monday: date, chart: str) -> tuple[str, str, str]:
    """Subject, text and HTML: the week's figures against the targets; `chart` is the
    file name of the attached chart (shown in the HTML by its Content-ID)."""
    scope = report.scope
    week = report.weeks[monday]
    context = {
        "unit": scope.label,
        "week": _week(monday),
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "targets": scope.targets,
        "figures": figures_row(week, scope.targets),
        "chart": chart,
        "link": f"{settings.VAXEL_BASE_URL}/min-sida/statistik/?scope={scope.choice}",
        "organisation": organisation_get().name,
    }
    subject = _("Service level missed in week %(week)d: %(unit)s") % {
        "week": context["week"],
        "unit": scope.label,
    }
    return (
        subject,
        render_to_string("servicelevels/email_missed.txt", context),
        render_to_string("servicelevels/email_missed.html", context),
    )


def summary_email(name: str, monday: date, findings: list[Finding]) -> tuple[str, str]:
    """Subject and text: the week's compliance findings, counted per rule, the first listed."""
    context = {
        "name": name,
        "week": _week(monday),
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "counts": sorted(Counter(f.rule for f in findings).items()),
        "findings": findings[:FINDINGS_LISTED],
        "more": max(0, len(findings) - FINDINGS_LISTED),
        "link": f"{settings.VAXEL_BASE_URL}/min-sida/statistik/",
        "organisation": organisation_get().name,
    }
    subject = ngettext(
        "The telephone routine in week %(week)d: %(count)d finding",
        "The telephone routine in week %(week)d: %(count)d findings",
        len(findings),
    ) % {
        "week": context["week"],
        "count": len(findings),
    }
    return subject, render_to_string("servicelevels/email_summary.txt", context)
