"""/api/v1/messages: messages and callbacks (S2, E4, E5)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.idempotency import PARAMETER as IDEMPOTENCY_KEY
from vaxel.access.idempotency import idempotent
from vaxel.access.roles import access_message_take, messages_visible
from vaxel.core.api import ErrorSerializer, Pages, validated
from vaxel.core.phone import display
from vaxel.core.time import now
from vaxel.directory.privacy import number_shown, numbers_hidden
from vaxel.messaging.models import EventKind, Message, MessageKind, MessageStatus
from vaxel.messaging.selectors import messages_query
from vaxel.messaging.services import TRANSITIONS, message_mark, message_take

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    by = serializers.CharField(source="actor_name")
    note = serializers.CharField(allow_blank=True)


class RecipientSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "unit"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="the short code given to the caller")
    taken_at = serializers.DateTimeField()
    taken_by = serializers.CharField()
    recipient = RecipientSerializer()
    caller_name = serializers.CharField(allow_blank=True)
    caller_number = serializers.CharField(allow_null=True, help_text="E.164; null when none or private (S3)")
    caller_display = serializers.CharField(allow_null=True)
    subject = serializers.CharField()
    details = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    urgent = serializers.BooleanField()
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    events = EventSerializer(many=True)


class MessageTakeSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300, help_text="what the call is about")
    caller_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    caller_number = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    for_person = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="e-mail address"
    )
    for_unit = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="unit name")
    kind = serializers.ChoiceField(choices=MessageKind.choices, required=False, default=MessageKind.CALLBACK)
    urgent = serializers.BooleanField(required=False, default=False)
    details = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[k.value for k in TRANSITIONS])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


def message_data(message: Message, *, hidden: set[str] | None = None) -> dict:

    public = number_shown(message.caller_number, was_public=message.caller_number_public, hidden=hidden)
    return {
        "id": message.pk,
        "reference": message.reference,
        "taken_at": message.taken_at,
        "taken_by": message.taken_by_name,
        "recipient": {
            "kind": "person" if message.person_id else "unit",
            "id": message.person_id or message.unit_id,
            "name": message.recipient_name,
        },
        "caller_name": message.caller_name,
        "caller_number": public,
        "caller_display": display(public),
        "subject": message.subject,
        "details": message.details,
        "kind": message.kind,
        "urgent": message.urgent,
        "status": message.status,
        "due_at": message.due_at,
        "overdue": bool(
            message.due_at and message.status != MessageStatus.HANDLED and message.due_at < now()
        ),
        "events": list(message.events.all()),
    }


def _visible(request: Request):
    people, units = messages_visible(request.user, token_of(request))
    return messages_query(person_ids=people, unit_ids=units)


class MessageList(APIView):
    pagination_class = Pages

    @extend_schema(
        operation_id="messages_list",
        parameters=[
            OpenApiParameter("caller", str, description="a caller's number: their earlier messages"),
            OpenApiParameter("open", bool, description="only messages not yet handled"),
            OpenApiParameter("taken_by_me", bool, description="only those I took (the operator's own)"),
        ],
        responses={200: MessageSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        messages = _visible(request).prefetch_related("events")
        caller = request.query_params.get("caller", "").strip()
        if caller:
            messages = messages & messages_query(caller=caller[:40])
        if request.query_params.get("open", "").lower() in ("true", "1"):
            messages = messages.exclude(status=MessageStatus.HANDLED)
        if request.query_params.get("taken_by_me", "").lower() in ("true", "1"):
            messages = messages.filter(taken_by_id=request.user.pk)
        pages = self.pagination_class()
        page = pages.paginate_queryset(messages, request, view=self)
        hidden = numbers_hidden(m.caller_number for m in page or [])
        return pages.get_paginated_response(
            MessageSerializer([message_data(m, hidden=hidden) for m in page or []], many=True).data
        )

    @extend_schema(
        operation_id="messages_take",
        parameters=[IDEMPOTENCY_KEY],
        request=MessageTakeSerializer,
        responses={201: MessageSerializer, **ERRORS},
        description="Take a message (S2). It is e-mailed to the recipient at once.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        access_message_take(request.user, token_of(request))
        values = validated(MessageTakeSerializer, request)
        message = message_take(
            subject=values["subject"],
            caller_name=values["caller_name"],
            caller_number=values["caller_number"],
            for_person=values.get("for_person") or None,
            for_unit=values.get("for_unit") or None,
            kind=values["kind"],
            urgent=values["urgent"],
            details=values["details"],
            due_at=values["due_at"],
            actor=request.user,
        )
        return Response(MessageSerializer(message_data(message)).data, status=201)


class MessageDetail(APIView):
    @extend_schema(operation_id="messages_retrieve", responses={200: MessageSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        message = get_object_or_404(_visible(request).prefetch_related("events"), pk=pk)
        return Response(MessageSerializer(message_data(message)).data)


class MessageStep(APIView):
    @extend_schema(
        operation_id="messages_step",
        parameters=[IDEMPOTENCY_KEY],
        request=StepSerializer,
        responses={200: MessageSerializer, **ERRORS, 409: ErrorSerializer},
        description="Follow a message: read, called_back, no_answer (try again) or closed (with a note).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        message = get_object_or_404(_visible(request), pk=pk)
        data = validated(StepSerializer, request)
        message = message_mark(
            message=message,
            step=data["step"],
            note=data["note"],
            actor=request.user,
        )
        return Response(
            MessageSerializer(
                message_data(Message.objects.prefetch_related("events").get(pk=message.pk))
            ).data
        )
