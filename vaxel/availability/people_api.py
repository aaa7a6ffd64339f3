"""/api/v1/units, /people, /search: the directory as the switchboard reads it, units with
their telephone hours (E7), people with their availability now (E3) and answer phrase
(E2), search as you type. Here, above both, because it joins the directory and
availability."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.roles import access_directory_read, access_directory_write
from vaxel.availability.schedule import format_hours, format_time, format_weekly
from vaxel.availability.selectors import absent_person_ids, people_cards, schedule_value
from vaxel.availability.services import unit_open
from vaxel.core.api import (
    AT_PARAMETER,
    ErrorSerializer,
    Pages,
    PhoneSerializer,
    query_instant,
    validated,
)
from vaxel.core.text import record_id
from vaxel.directory import services
from vaxel.directory.api import ERRORS, RefSerializer
from vaxel.directory.errors import InvalidParameter
from vaxel.directory.models import Unit
from vaxel.directory.selectors import people_query, search_directory, unit_paths, units_query


class HoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday")
    opens = serializers.CharField()
    closes = serializers.CharField()


class ExceptionSerializer(serializers.Serializer):
    date = serializers.DateField()
    closed = serializers.BooleanField()
    hours = serializers.CharField(allow_null=True)


class ScheduleSerializer(serializers.Serializer):
    weekly = serializers.CharField(help_text='e.g. "mon-thu 08:00-16:30, fri 08:00-15:00"')
    days = HoursSerializer(many=True)
    eve_hours = serializers.CharField(allow_null=True, help_text="hours on a working day before a holiday")
    exceptions = ExceptionSerializer(many=True)


def schedule_data(schedule) -> dict:
    value = schedule_value(schedule)
    return {
        "weekly": format_weekly(value.weekly),
        "days": [
            {"weekday": day, "opens": format_time(o), "closes": format_time(c)}
            for day, hours in sorted(value.weekly.items())
            for o, c in hours
        ],
        "eve_hours": format_hours(value.eve_hours) if value.eve_hours else None,
        "exceptions": [
            {"date": day, "closed": not hours, "hours": ", ".join(format_hours(h) for h in hours) or None}
            for day, hours in sorted(value.exceptions.items())
        ],
    }


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    path = serializers.ListField(child=serializers.CharField())
    keywords = serializers.ListField(child=serializers.CharField())
    telephone_hours = ScheduleSerializer(allow_null=True)
    managers = RefSerializer(many=True)


class UnitCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    parent = serializers.CharField(required=False, allow_blank=True, help_text="the parent unit's name")
    keywords = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    telephone_hours = serializers.CharField(
        required=False, allow_blank=True, help_text='e.g. "mon-fri 08:30-10:00"'
    )


def unit_data(units: list[Unit]) -> list[dict]:
    paths = unit_paths()
    return [
        {
            "id": unit.pk,
            "name": unit.name,
            "parent": unit.parent_id,
            "path": paths.get(unit.pk, [unit.name]),
            "keywords": [k.word for k in unit.keywords.all()],
            "telephone_hours": schedule_data(unit.telephone_hours)
            if hasattr(unit, "telephone_hours")
            else None,
            "managers": [{"id": m.pk, "name": m.name} for m in unit.managers.all()],
        }
        for unit in units
    ]


def _int_param(request: Request, name: str) -> int | None:
    text = request.query_params.get(name)
    if text in (None, ""):
        return None
    value = record_id(text)
    if value is None:
        raise InvalidParameter(
            _("%(name)s must be a whole number id, e.g. %(name)s=12.") % {"name": name},
        )
    return value


class UnitList(APIView):
    pagination_class = Pages

    @extend_schema(
        operation_id="units_list",
        parameters=[
            OpenApiParameter("search", str, description="part of a name or keyword (bygglov)"),
            OpenApiParameter("parent", int, description="only the units directly below this one"),
        ],
        responses={200: UnitSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        units = units_query(
            search=request.query_params.get("search", "").strip(), parent_id=_int_param(request, "parent")
        )
        pages = self.pagination_class()
        page = pages.paginate_queryset(units, request, view=self)
        return pages.get_paginated_response(UnitSerializer(unit_data(page or []), many=True).data)

    @extend_schema(
        operation_id="units_create",
        request=UnitCreateSerializer,
        responses={201: UnitSerializer, **ERRORS, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        access_directory_write(request.user, token_of(request))
        values = validated(UnitCreateSerializer, request)
        unit = unit_open(
            name=values["name"],
            parent=values.get("parent") or None,
            keywords=values.get("keywords") or [],
            telephone_hours=values.get("telephone_hours") or None,
            actor=request.user,
        )
        return Response(UnitSerializer(unit_data([units_query().get(pk=unit.pk)])[0]).data, status=201)


class UnitDetail(APIView):
    @extend_schema(operation_id="units_retrieve", responses={200: UnitSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        access_directory_read(request.user, token_of(request))
        unit = get_object_or_404(units_query(), pk=pk)
        return Response(UnitSerializer(unit_data([unit])[0]).data)


class AbsenceNowSerializer(serializers.Serializer):
    reason = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    since = serializers.DateTimeField()
    back_at = serializers.DateTimeField(allow_null=True, help_text="null: until further notice")
    announcement = serializers.CharField(help_text="what a caller hears")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    title = serializers.CharField(allow_blank=True)
    unit = RefSerializer()
    active = serializers.BooleanField()
    direct_number = PhoneSerializer(allow_null=True)
    mobile = PhoneSerializer(allow_null=True, help_text="only when its owner consented (S3)")
    available = serializers.BooleanField()
    absence = AbsenceNowSerializer(allow_null=True)
    in_telephone_hours = serializers.BooleanField(help_text="the unit's telephone hours are on (E7)")
    answer_phrase = serializers.CharField(help_text="how the person answers (E2)")


class PersonCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254)
    unit = serializers.CharField(help_text="the unit's name")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    direct_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=40)
    mobile_consent = serializers.BooleanField(required=False, allow_null=True, default=None)
    consent_record = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text="with mobile_consent true: the owner's written consent on record (S3)",
    )
    manager = serializers.BooleanField(required=False, default=False)


class PersonList(APIView):
    pagination_class = Pages

    @extend_schema(
        operation_id="people_list",
        parameters=[
            OpenApiParameter("search", str, description="part of a name, e-mail, title or unit"),
            OpenApiParameter("unit", int, description="only people in this unit"),
            OpenApiParameter("available", bool, description="only people available (true) or absent (false)"),
            AT_PARAMETER,
        ],
        responses={200: PersonSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        at = query_instant(request)
        people = people_query(
            search=request.query_params.get("search", "").strip(), unit_id=_int_param(request, "unit")
        )
        available = request.query_params.get("available", "").lower()
        if available in ("true", "1"):
            people = people.filter(active=True).exclude(pk__in=absent_person_ids(at))
        elif available in ("false", "0"):
            people = people.filter(pk__in=absent_person_ids(at))
        pages = self.pagination_class()
        page = pages.paginate_queryset(people, request, view=self)
        return pages.get_paginated_response(
            PersonSerializer(people_cards(list(page or []), at), many=True).data
        )

    @extend_schema(
        operation_id="people_create",
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, **ERRORS, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        access_directory_write(request.user, token_of(request))
        values = validated(PersonCreateSerializer, request)
        person = services.person_add(
            name=values["name"],
            email=values["email"],
            unit=values["unit"],
            title=values.get("title", ""),
            direct_number=values.get("direct_number") or None,
            mobile=values.get("mobile") or None,
            mobile_consent=values.get("mobile_consent"),
            consent_record=values.get("consent_record", ""),
            manager=values.get("manager", False),
            actor=request.user,
        )
        card = people_cards([people_query().get(pk=person.pk)], query_instant(request))[0]
        return Response(PersonSerializer(card).data, status=201)


class PersonDetail(APIView):
    @extend_schema(
        operation_id="people_retrieve", parameters=[AT_PARAMETER], responses={200: PersonSerializer, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        access_directory_read(request.user, token_of(request))
        person = get_object_or_404(people_query(), pk=pk)
        return Response(PersonSerializer(people_cards([person], query_instant(request))[0]).data)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "unit"])
    score = serializers.FloatField()
    person = PersonSerializer(allow_null=True)
    unit = UnitSerializer(allow_null=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    results = SearchHitSerializer(many=True)


class Search(APIView):
    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter("q", str, description='what is typed: "anna sj", "sjöbergh", "bygglov"'),
            AT_PARAMETER,
        ],
        responses={200: SearchResultSerializer, **ERRORS},
        description="People, units and services as you type, forgiving typos and missing å/ä/ö; "
        "people with availability now (E3), telephone hours (E7) and answer phrase (E2).",
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        query = request.query_params.get("q", "")[:100]
        hits = search_directory(query)
        people = {p.pk: p for p in people_query().filter(pk__in=[i for k, i, _s in hits if k == "person"])}
        units = {u.pk: u for u in units_query().filter(pk__in=[i for k, i, _s in hits if k == "unit"])}
        cards = {c["id"]: c for c in people_cards(list(people.values()), query_instant(request))}
        unit_rows = {u["id"]: u for u in unit_data(list(units.values()))}
        results = [
            {
                "kind": kind,
                "score": round(score, 3),
                "person": cards.get(pk) if kind == "person" else None,
                "unit": unit_rows.get(pk) if kind == "unit" else None,
            }
            for kind, pk, score in hits
            if (kind == "person" and pk in cards) or (kind == "unit" and pk in unit_rows)
        ]
        return Response(SearchResultSerializer({"query": query, "results": results}).data)
