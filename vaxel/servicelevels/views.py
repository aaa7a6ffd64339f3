"""The managers' statistics page (C2): figures against the targets, met or missed per
period, four charts each with its table and CSV. Managers see their own units and shared
numbers; the switchboard and administrators everything."""

import base64
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vaxel.access.roles import access_statistics
from vaxel.core.api import STATUS_FOR
from vaxel.core.errors import VaxelError
from vaxel.core.time import local_date, now, parse_day
from vaxel.servicelevels.charts import CHARTS, chart_image, chart_table
from vaxel.servicelevels.exports import PERIODS, figures_row, periods, report_csv
from vaxel.servicelevels.figures import week_of
from vaxel.servicelevels.selectors import (
    StatisticsReport,
    statistics_report,
    statistics_scope,
    statistics_scope_choices,
)

WEEKS_SHOWN = 12


def _status(error: VaxelError) -> int:
    return next((code for kind, code in STATUS_FOR.items() if isinstance(error, kind)), 400)


def _asked(request: HttpRequest) -> tuple[StatisticsReport, str, list[tuple[str, str]]]:
    """The report the query asks for: ?scope=unit:<id>|number:<e164>|switchboard|organisation
    &from=&to=&by=. Defaults: the first unit one manages (else the organisation), the
    last twelve weeks, per week."""
    allowed = access_statistics(request.user)
    choices = statistics_scope_choices(allowed)
    asked = request.GET.get("scope") or (choices[0][0] if choices else "organisation")
    kind, _sep, value = asked.partition(":")
    scope = statistics_scope(
        unit=value if kind == "unit" else "",
        number=value if kind == "number" else "",
        switchboard=kind == "switchboard",
        allowed_units=allowed,
    )
    today = local_date(now())
    first = (
        parse_day(request.GET["from"], field=_("from"))
        if request.GET.get("from")
        else week_of(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    )
    last = parse_day(request.GET["to"], field=_("to")) if request.GET.get("to") else today
    by = request.GET.get("by", "")
    return statistics_report(scope, first=first, last=last), by if by in PERIODS else "week", choices


def _query(report: StatisticsReport, by: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"scope": report.scope.choice, "from": report.first, "to": report.last, "by": by})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        report, by, choices = _asked(request)
    except VaxelError as error:
        return render(
            request, "servicelevels/dashboard.html", {"error": error.message}, status=_status(error)
        )
    targets = report.scope.targets
    charts = []
    for slug in CHARTS:
        svg = chart_image(report, slug)
        charts.append(
            {
                "table": chart_table(report, slug),
                "image": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
            }
        )
    context = {
        "report": report,
        "total": {**figures_row(report.total, targets), "p90_wait_seconds": report.p90_wait},
        "periods": [
            {"first": start, **figures_row(tally, targets)} for start, tally in periods(report, by).items()
        ],
        "by": by,
        "by_choices": [("day", _("per day")), ("week", _("per week")), ("month", _("per month"))],
        "choices": choices,
        "chosen": report.scope.choice,
        "query": _query(report, by),
        "charts": charts,
    }
    return render(request, "servicelevels/dashboard.html", context)


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def chart(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if slug not in CHARTS or fmt not in ("svg", "csv"):
        raise Http404
    try:
        report, _by, _choices = _asked(request)
    except VaxelError as error:
        return HttpResponse(error.message, status=_status(error), content_type="text/plain; charset=utf-8")
    name = f"{slug}-{report.first}-{report.last}"
    if fmt == "csv":
        return _download(chart_table(report, slug).csv(), "text/csv; charset=utf-8", f"{name}.csv")
    return HttpResponse(chart_image(report, slug), content_type="image/svg+xml")


@login_required
@require_GET
def report_download(request: HttpRequest) -> HttpResponse:
    try:
        report, by, _choices = _asked(request)
    except VaxelError as error:
        return HttpResponse(error.message, status=_status(error), content_type="text/plain; charset=utf-8")
    filename = f"service-level-{report.first}-{report.last}-{by}.csv"
    return _download(report_csv(report, by), "text/csv; charset=utf-8", filename)
