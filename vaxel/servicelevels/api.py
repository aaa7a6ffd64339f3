"""/api/v1/reports/service-level/: call statistics against the service level (C2)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_statistics
from vaxel.core.api import ErrorSerializer
from vaxel.core.time import parse_day
from vaxel.servicelevels.errors import InvalidPeriod
from vaxel.servicelevels.exports import PERIODS, report_data
from vaxel.servicelevels.selectors import statistics_report, statistics_scope


def period_kind(value: str) -> str:
    from django.utils.translation import gettext as _

    by = (value or "week").strip()
    if by not in PERIODS:
        raise InvalidPeriod(_("%(by)r is not a period; use day, week or month.") % {"by": by[:20]})
    return by


class ServiceLevelReport(APIView):
    @extend_schema(
        operation_id="reports_service_level",
        parameters=[
            OpenApiParameter("from", str, required=True, description="first day, YYYY-MM-DD"),
            OpenApiParameter("to", str, required=True, description="last day, YYYY-MM-DD"),
            OpenApiParameter("unit", str, description="a unit's name or id (with the units below it)"),
            OpenApiParameter("number", str, description="a shared number, E.164"),
            OpenApiParameter(
                "scope", str, enum=["switchboard", "organisation"], description="default organisation"
            ),
            OpenApiParameter("by", str, enum=list(PERIODS), description="one row per (default week)"),
        ],
        responses={200: OpenApiTypes.OBJECT, **{c: ErrorSerializer for c in (400, 401, 403, 404)}},
        description="Calls offered, answered in time, time to answer (average and 90th percentile), "
        "abandoned, outside opening hours, transferred, internal (E8), call length in telephone hours "
        "(E6), messages and callbacks on time, with the targets met or missed per period. A share "
        "with nothing to count is null. Managers get their own units and shared numbers.",
    )
    def get(self, request: Request) -> Response:
        allowed = access_statistics(request.user, token_of(request))
        params = request.query_params
        by = period_kind(params.get("by", ""))
        scope = statistics_scope(
            unit=params.get("unit", ""),
            number=params.get("number", ""),
            switchboard=params.get("scope", "") == "switchboard",
            allowed_units=allowed,
        )
        report = statistics_report(
            scope,
            first=parse_day(params.get("from", ""), field="from"),
            last=parse_day(params.get("to", ""), field="to"),
        )
        return Response(report_data(report, by))
