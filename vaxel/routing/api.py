"""/api/v1/route: the routing decision, read-only (the PBX's own endpoint comes with telephony)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_route
from vaxel.core.api import AT_PARAMETER, ErrorSerializer, query_instant
from vaxel.routing.errors import MissingParameter
from vaxel.routing.selectors import route_now
from vaxel.routing.values import Action, DestinationKind


class DestinationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in DestinationKind])
    number = serializers.CharField(allow_null=True)
    display = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    person_id = serializers.IntegerField(allow_null=True)


class DecisionAbsenceSerializer(serializers.Serializer):
    reason = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    activity = serializers.CharField(help_text="RFC 4480")
    since = serializers.DateTimeField()
    back_at = serializers.DateTimeField(allow_null=True)


class RouteDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[a.value for a in Action])
    called = serializers.CharField(allow_null=True, help_text="null when an unconsented mobile (S3)")
    called_kind = serializers.ChoiceField(choices=["switchboard", "person", "shared", "unknown"])
    called_name = serializers.CharField(allow_blank=True)
    calling = serializers.CharField(
        allow_null=True, help_text="null when unknown or an unconsented mobile (S3)"
    )
    at = serializers.DateTimeField()
    destinations = DestinationSerializer(many=True)
    announcement = serializers.CharField(allow_blank=True)
    greeting = serializers.CharField(allow_blank=True)
    absence = DecisionAbsenceSerializer(allow_null=True)
    next_opening = serializers.DateTimeField(allow_null=True)
    internal = serializers.BooleanField(help_text="the caller is one of the organisation's numbers (E8)")
    caller_name = serializers.CharField(allow_blank=True)
    caller_unit = serializers.CharField(allow_blank=True)
    flags = serializers.ListField(child=serializers.CharField())


class Route(APIView):
    @extend_schema(
        operation_id="route_retrieve",
        parameters=[
            OpenApiParameter("to", str, required=True, description="the dialled number"),
            OpenApiParameter("from", str, description="the caller's number"),
            AT_PARAMETER,
        ],
        responses={200: RouteDecisionSerializer, **{c: ErrorSerializer for c in (400, 401, 403)}},
    )
    def get(self, request: Request) -> Response:
        access_route(request.user, token_of(request))
        called = request.query_params.get("to", "").strip()
        if not called:
            raise MissingParameter("Give the dialled number as ?to=0370-331000.")
        decision = route_now(
            called=called[:40],
            calling=request.query_params.get("from", "")[:40] or None,
            at=query_instant(request),
        )
        return Response(RouteDecisionSerializer(decision.as_dict()).data)
