from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import token_of
from vaxel.access.constants import Role
from vaxel.access.roles import own_person, roles_of
from vaxel.core.api import ErrorSerializer


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    person = serializers.IntegerField(allow_null=True, help_text="the linked person's id")
    scopes = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="null for a session"
    )


class Me(APIView):
    """Who is asking, with which roles. Also sets the CSRF cookie a browser client
    sends back (X-CSRFToken) with its writes."""

    @extend_schema(operation_id="me_retrieve", responses={200: MeSerializer, 401: ErrorSerializer})
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        token = token_of(request)
        person = own_person(request.user)
        return Response(
            MeSerializer(
                {
                    "username": request.user.get_username(),
                    "roles": sorted(roles_of(request.user)),
                    "person": person.pk if person else None,
                    "scopes": token.scopes if token else None,
                }
            ).data
        )
