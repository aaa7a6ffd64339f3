"""The managers' weekly summary of the telephone routine: the week's findings, counted
per rule, the first listed, in the organisation's language."""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from vaxel.compliance.checks import Finding
from vaxel.core.language import in_organisation_language
from vaxel.directory.selectors import organisation_get
from vaxel.servicelevels.emails import week_number

FINDINGS_LISTED = 30


@in_organisation_language
def summary_email(name: str, monday: date, findings: list[Finding]) -> tuple[str, str]:
    """Subject and text: the week's compliance findings, counted per rule, the first listed."""
    context = {
        "name": name,
        "week": week_number(monday),
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
    return subject, render_to_string("compliance/email_summary.txt", context)
