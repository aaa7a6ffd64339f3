"""/api/v1/numbers: the directory's numbers and shared numbers (E1, S3)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_directory_read, access_directory_write
from vaxel.core.api import (
    ErrorSerializer,
    Pages,
    PhoneSerializer,
    phone,
    validated,
)
from vaxel.directory import services
from vaxel.directory.errors import InvalidParameter
from vaxel.directory.models import NumberKind, PhoneNumber
from vaxel.directory.selectors import numbers_query

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NumberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NumberKind.choices)
    number = PhoneSerializer()
    person = RefSerializer(allow_null=True, help_text="the owner of a personal number (E1)")
    group = RefSerializer(allow_null=True, help_text="the group behind a shared number (E1)")
    unit = RefSerializer(allow_null=True)
    members = RefSerializer(many=True)
    responsible = RefSerializer(allow_null=True, help_text="the manager answering for a shared number")


class SharedNumberCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    unit = serializers.CharField(help_text="the unit's name")
    members = serializers.ListField(child=serializers.CharField(max_length=254), help_text="e-mail addresses")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def number_data(numbers: list[PhoneNumber]) -> list[dict]:
    result = []
    for number in numbers:
        group = number.group
        owner_unit = group.unit if group else (number.person.unit if number.person else None)
        result.append(
            {
                "id": number.pk,
                "kind": number.kind,
                "number": phone(number.e164),
                "person": _ref(number.person),
                "group": _ref(group),
                "unit": _ref(owner_unit),
                "members": [_ref(m) for m in group.members.all()] if group else [],
                "responsible": _ref(group.responsible) if group else None,
            }
        )
    return result


def _numbers_with_units():
    return numbers_query().select_related("person__unit", "group__unit", "group__responsible")


class NumberList(APIView):
    pagination_class = Pages

    @extend_schema(
        operation_id="numbers_list",
        parameters=[
            OpenApiParameter("kind", str, enum=NumberKind.values, description="direct, mobile or shared")
        ],
        responses={200: NumberSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in NumberKind.values:
            raise InvalidParameter(f"kind must be one of {', '.join(NumberKind.values)}.")
        numbers = _numbers_with_units().filter(**({"kind": kind} if kind else {}))
        pages = self.pagination_class()
        page = pages.paginate_queryset(numbers, request, view=self)
        return pages.get_paginated_response(NumberSerializer(number_data(list(page or [])), many=True).data)


class NumberDetail(APIView):
    @extend_schema(operation_id="numbers_retrieve", responses={200: NumberSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        access_directory_read(request.user, token_of(request))
        number = get_object_or_404(_numbers_with_units(), pk=pk)
        return Response(NumberSerializer(number_data([number])[0]).data)


class SharedNumberCreate(APIView):
    @extend_schema(
        operation_id="shared_numbers_create",
        request=SharedNumberCreateSerializer,
        responses={201: NumberSerializer, **ERRORS, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        access_directory_write(request.user, token_of(request))
        values = validated(SharedNumberCreateSerializer, request)
        group = services.shared_number_add(
            number=values["number"],
            unit=values["unit"],
            members=values["members"],
            name=values.get("name") or None,
            actor=request.user,
        )
        number = _numbers_with_units().get(group=group)
        return Response(NumberSerializer(number_data([number])[0]).data, status=201)
