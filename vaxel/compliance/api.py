"""/api/v1/reports/compliance/: the routine's rules as checks over a period."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_changes
from vaxel.compliance.selectors import compliance_report
from vaxel.core.api import ErrorSerializer
from vaxel.core.time import parse_day


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="the rule's id in the telephone routine (E7, W4, …)")
    unit = serializers.CharField()
    person = serializers.CharField(allow_blank=True)
    what = serializers.CharField()
    when = serializers.DateTimeField(allow_null=True)


class ComplianceReport(APIView):
    @extend_schema(
        operation_id="reports_compliance",
        parameters=[
            OpenApiParameter("from", str, required=True, description="first day, YYYY-MM-DD"),
            OpenApiParameter("to", str, required=True, description="last day, YYYY-MM-DD"),
        ],
        responses={200: FindingSerializer(many=True), **{c: ErrorSerializer for c in (400, 401, 403)}},
        description="Findings per rule, unit and person. Managers get their units; the switchboard "
        "and administrators all.",
    )
    def get(self, request: Request) -> Response:
        unit_ids = access_changes(request.user, token_of(request))
        findings = compliance_report(
            first=parse_day(request.query_params.get("from", ""), field="from"),
            last=parse_day(request.query_params.get("to", ""), field="to"),
            unit_ids=unit_ids,
        )
        return Response(FindingSerializer([asdict(f) for f in findings], many=True).data)
