"""The managers' weekly e-mail when a service level was missed: the figures and the
chart, in the organisation's language."""

from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vaxel.core.language import in_organisation_language
from vaxel.directory.selectors import organisation_get
from vaxel.servicelevels.exports import figures_row
from vaxel.servicelevels.selectors import StatisticsReport


def week_number(monday: date) -> int:
    return monday.isocalendar().week


@in_organisation_language
def missed_email(report: StatisticsReport, monday: date, chart: str) -> tuple[str, str, str]:
    """Subject, text and HTML: the week's figures against the targets; `chart` is the
    file name of the attached chart (shown in the HTML by its Content-ID)."""
    scope = report.scope
    week = report.weeks[monday]
    context = {
        "unit": scope.label,
        "week": week_number(monday),
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
