"""/api/v1/changes: the change feed (C1), newest first."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_changes
from vaxel.audit.models import ChangeAction
from vaxel.audit.selectors import changes_feed, changes_shown
from vaxel.core.api import ErrorSerializer, NewestFirst


class ChangeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    entity = serializers.CharField()
    entity_id = serializers.CharField()
    action = serializers.ChoiceField(choices=ChangeAction.choices)
    unit = ChangeUnitSerializer(allow_null=True)
    summary = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ChangeList(APIView):
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="changes_list",
        responses={200: ChangeSerializer(many=True), **{c: ErrorSerializer for c in (400, 401, 403, 404)}},
        description="Every change to people, numbers, units, schedules and absences, newest first (C1). "
        "A manager sees their units' changes.",
    )
    def get(self, request: Request) -> Response:
        unit_ids = access_changes(request.user, token_of(request))
        pages = self.pagination_class()
        page = pages.paginate_queryset(changes_feed(unit_ids=unit_ids), request, view=self)
        return pages.get_paginated_response(ChangeSerializer(changes_shown(page or []), many=True).data)
