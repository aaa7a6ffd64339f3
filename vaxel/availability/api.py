"""/api/v1/people/{id}/absences and /opening-hours: diversions (E3) and opening hours (S4)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.idempotency import PARAMETER as IDEMPOTENCY_KEY
from vaxel.access.idempotency import idempotent
from vaxel.access.roles import access_absence_write, access_directory_read
from vaxel.availability import services
from vaxel.availability.constants import AbsenceReason, DivertTo
from vaxel.availability.models import Schedule, ScheduleKind
from vaxel.availability.people_api import ScheduleSerializer, schedule_data
from vaxel.availability.selectors import absence_overview, next_opening_overview
from vaxel.core.api import AT_PARAMETER, ErrorSerializer, query_instant, validated
from vaxel.directory.models import Person
from vaxel.directory.selectors import person_get

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AbsencePartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    divert_to = serializers.CharField()


class MergedAbsenceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        allow_null=True, help_text="when the person is back; null: until further notice"
    )
    current = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    activity = serializers.CharField(help_text="RFC 4480 activity")
    announcement = serializers.CharField(help_text="what a caller hears")
    parts = AbsencePartSerializer(many=True, help_text="the absences as entered; merged when they touch (E3)")


class AbsenceListSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    absences = MergedAbsenceSerializer(many=True)


class IntervalSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class AbsenceCreatedSerializer(AbsenceListSerializer):
    telephone_hours_conflicts = IntervalSerializer(
        many=True, help_text="E7: where the new absence lies in the unit's telephone hours (a warning)"
    )


class AbsenceCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="leave out: until further notice"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    divert_to = serializers.ChoiceField(
        choices=DivertTo.choices, required=False, default=DivertTo.SWITCHBOARD
    )
    colleague = serializers.EmailField(
        required=False, help_text="with divert_to=colleague: the colleague's e-mail"
    )

    def validate(self, attrs):
        if attrs.get("divert_to") == DivertTo.COLLEAGUE and not attrs.get("colleague"):
            raise serializers.ValidationError({"colleague": "Name the colleague calls go to."})
        return attrs


class AbsenceClearSerializer(serializers.Serializer):
    upcoming = serializers.BooleanField(
        required=False, default=False, help_text="also remove planned absences"
    )


class AbsenceClearedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="how many entered absences were ended or removed")


def _person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("unit"), pk=pk)


def _overview(person: Person, request: Request) -> dict:
    return AbsenceListSerializer(absence_overview(person=person, at=query_instant(request))).data


class PersonAbsences(APIView):
    @extend_schema(
        operation_id="absences_list",
        parameters=[AT_PARAMETER],
        responses={200: AbsenceListSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        access_directory_read(request.user, token_of(request))
        return Response(_overview(_person(pk), request))

    @extend_schema(
        operation_id="absences_create",
        parameters=[IDEMPOTENCY_KEY],
        request=AbsenceCreateSerializer,
        responses={201: AbsenceCreatedSerializer, **ERRORS},
        description="Add an absence. The answer lists the person's absences merged (E3).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        person = _person(pk)
        access_absence_write(request.user, person, token_of(request))
        values = validated(AbsenceCreateSerializer, request)
        target = values["divert_to"]
        colleague = values.get("colleague") if target == DivertTo.COLLEAGUE else None
        added = services.absence_add(
            person=person,
            reason=values["reason"],
            starts_at=values["starts_at"],
            ends_at=values.get("ends_at"),
            note=values.get("note", ""),
            divert_to=target,
            colleague=person_get(colleague) if colleague else None,
            actor=request.user,
        )
        body = {
            **absence_overview(person=person, at=query_instant(request)),
            "telephone_hours_conflicts": [{"starts_at": s, "ends_at": e} for s, e in added.conflicts],
        }
        return Response(AbsenceCreatedSerializer(body).data, status=201)


class PersonAbsencesClear(APIView):
    @extend_schema(
        operation_id="absences_clear",
        parameters=[IDEMPOTENCY_KEY],
        request=AbsenceClearSerializer,
        responses={200: AbsenceClearedSerializer, **ERRORS},
        description="The person is back: end the absence running now (all its merged parts).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        person = _person(pk)
        access_absence_write(request.user, person, token_of(request))
        data = validated(AbsenceClearSerializer, request)
        changed = services.absence_clear(
            person=person,
            at=query_instant(request),
            upcoming=data["upcoming"],
            actor=request.user,
        )
        return Response({"changed": changed})


class OpeningStateSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    open_now = serializers.BooleanField()
    closes_at = serializers.DateTimeField(allow_null=True)
    next_opening = serializers.DateTimeField(allow_null=True)
    announcement = serializers.CharField(help_text="what a caller to the switchboard hears (S1/S4)")


class OpeningHoursSerializer(ScheduleSerializer):
    state = OpeningStateSerializer()


class OpeningHours(APIView):
    @extend_schema(
        operation_id="opening_hours_retrieve",
        parameters=[AT_PARAMETER],
        responses={200: OpeningHoursSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        schedule = Schedule.objects.filter(kind=ScheduleKind.OPENING_HOURS).first()
        data = {**schedule_data(schedule), "state": next_opening_overview(at=query_instant(request))}
        return Response(OpeningHoursSerializer(data).data)


class NextOpening(APIView):
    @extend_schema(
        operation_id="opening_hours_next",
        parameters=[AT_PARAMETER],
        responses={200: OpeningStateSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access_directory_read(request.user, token_of(request))
        return Response(OpeningStateSerializer(next_opening_overview(at=query_instant(request))).data)
