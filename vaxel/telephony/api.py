"""/api/v1/calls: the telephone system reports calls to the switchboard (arrived, hung
up) and the switchboard's queue can be read. Any telephony driver (the simulator, later
Kamailio) uses the same endpoints with a token that has the `events` scope."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.idempotency import PARAMETER as IDEMPOTENCY_KEY
from vaxel.access.idempotency import idempotent
from vaxel.access.roles import access_console
from vaxel.availability import announcements
from vaxel.availability.selectors import next_opening_overview
from vaxel.core.api import ErrorSerializer, validated
from vaxel.core.errors import InvalidInput
from vaxel.directory.selectors import organisation_get
from vaxel.telephony.errors import CallNotFound
from vaxel.telephony.events import call_event_checked
from vaxel.telephony.models import Call, CallEventKind, CallState
from vaxel.telephony.selectors import call_card, live_calls
from vaxel.telephony.services import call_arrive, call_end, call_events_store

ERRORS = {c: ErrorSerializer for c in (400, 401, 403, 404)}


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    state = serializers.ChoiceField(choices=CallState.choices)
    arrived_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    caller = serializers.CharField(
        allow_null=True, help_text="display form; null when withheld or private (S3)"
    )
    caller_name = serializers.CharField(allow_blank=True)
    internal = serializers.BooleanField(help_text="from one of the organisation's own numbers (E8)")
    asks_for = serializers.CharField(allow_blank=True)
    answered_by = serializers.CharField(allow_blank=True)
    announcement = serializers.CharField(
        allow_blank=True, help_text="what the caller hears now: the greeting (S1) or closed (S4)"
    )


class CallArriveSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200, required=False, default="", help_text="the PBX's call id")
    caller = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    called = serializers.CharField(max_length=40, help_text="the switchboard's number")
    asks_for = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="simulators: who is asked for"
    )


def call_data(call: Call) -> dict:
    if call.state == CallState.CLOSED:
        announcement = next_opening_overview(at=call.arrived_at)["announcement"]
    elif call.state == CallState.QUEUED:
        announcement = announcements.greeting(organisation_get().name)
    else:
        announcement = ""
    return {**call_card(call), "announcement": announcement}


class CallList(APIView):
    @extend_schema(
        operation_id="calls_list",
        responses={200: CallSerializer(many=True), **ERRORS},
        description="The calls on the line at the switchboard now, in the order they arrived.",
    )
    def get(self, request: Request) -> Response:
        access_console(request.user, token_of(request))
        return Response(CallSerializer([call_data(c) for c in live_calls()], many=True).data)

    @extend_schema(
        operation_id="calls_arrive",
        parameters=[IDEMPOTENCY_KEY],
        request=CallArriveSerializer,
        responses={201: CallSerializer, **ERRORS},
        description="A call reached the switchboard number. It queues while the switchboard is open; "
        "otherwise the answer carries the closed announcement (S4). Reporting the same id again "
        "returns the same call.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        access_console(request.user, token_of(request))
        data = validated(CallArriveSerializer, request)
        token = token_of(request)
        call = call_arrive(
            caller=data["caller"],
            called=data["called"],
            external_id=data["id"],
            asks_for=data["asks_for"],
            driver=token.name[:30] if token is not None else "api",
        )
        return Response(CallSerializer(call_data(call)).data, status=201)


def _call(pk: int) -> Call:
    call = Call.objects.select_related("caller_person__unit", "answered_by").filter(pk=pk).first()
    if call is None:
        raise CallNotFound(_("There is no call %(id)s.") % {"id": pk})
    return call


class CallDetail(APIView):
    @extend_schema(operation_id="calls_retrieve", responses={200: CallSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        access_console(request.user, token_of(request))
        return Response(CallSerializer(call_data(_call(pk))).data)


class CallHangUp(APIView):
    @extend_schema(
        operation_id="calls_hang_up",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: CallSerializer, **ERRORS},
        description="The caller hung up. While waiting the call counts as abandoned. Idempotent.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        access_console(request.user, token_of(request))
        call = call_end(call_id=_call(pk).pk)
        return Response(CallSerializer(call_data(call)).data)


class CallEventSerializer(serializers.Serializer):
    id = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="the event's own id"
    )
    call_id = serializers.CharField(max_length=200)
    event = serializers.ChoiceField(choices=CallEventKind.choices)
    at = serializers.CharField(max_length=40, help_text="ISO 8601")
    called = serializers.CharField(required=False, allow_blank=True, max_length=40)
    calling = serializers.CharField(required=False, allow_blank=True, max_length=40)
    answered_by = serializers.CharField(required=False, allow_blank=True, max_length=200)
    transferred_to = serializers.CharField(required=False, allow_blank=True, max_length=40)


class CallEventBatchSerializer(serializers.Serializer):
    events = CallEventSerializer(many=True, allow_empty=False, max_length=1000)


class CallEventResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="already stored: a repeated event is not counted twice")


class CallEvents(APIView):
    @extend_schema(
        operation_id="call_events_report",
        parameters=[IDEMPOTENCY_KEY],
        request=CallEventBatchSerializer,
        responses={201: CallEventResultSerializer, **ERRORS},
        description="What happened to calls (arrived, queued, answered, transferred, abandoned, ended), "
        "up to 1,000 at a time. Each is stored once however often it is sent; if one is wrong, "
        "none is stored and the answer says which.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        access_console(request.user, token_of(request))
        rows = validated(CallEventBatchSerializer, request)["events"]
        checked = []
        for number, row in enumerate(rows):
            try:
                checked.append(call_event_checked(row, source="api"))
            except InvalidInput as error:
                error.details = {**error.details, "index": number}
                raise
        stored, duplicates = call_events_store(checked)
        return Response({"stored": stored, "duplicates": duplicates}, status=201)
