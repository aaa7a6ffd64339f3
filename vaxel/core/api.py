"""What every API endpoint shares: the one error shape, pagination, and how a
domain error becomes an HTTP answer (in one place, here)."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from vaxel.core import errors
from vaxel.core.phone import display
from vaxel.core.time import now, parse_instant

logger = logging.getLogger(__name__)

STATUS_FOR = {
    errors.InvalidInput: status.HTTP_400_BAD_REQUEST,
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.Forbidden: status.HTTP_403_FORBIDDEN,
}


def error_body(error_id: str, message: str, details: dict | None = None) -> dict[str, Any]:
    return {"error": {"id": error_id, "message": message, "details": details or {}}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error as {"error": {"id", "message", "details"}}, with a message a person can act on."""
    if isinstance(exc, errors.VaxelError):
        code = next(
            (c for kind, c in STATUS_FOR.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST
        )
        return Response(exc.as_dict(), status=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is nothing at this address; check the id in the path."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django logs it and answers 500
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid_input",
            _("Some fields are missing or wrong; see details for each field."),
            {"fields": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}},
        )
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        body = error_body(
            "not_authenticated",
            _("Sign in, or send an API token as 'Authorization: Bearer vx_…'."),
        )
    else:
        body = error_body(exc.default_code, str(exc.detail))
    response = Response(body, status=exc.status_code)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that a body nested too deep to read is refused as bad
    JSON (400) instead of ending in a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply; send a flatter body.")) from None


class ErrorDetailSerializer(serializers.Serializer):
    id = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def query_instant(request, name: str = "at"):
    """An optional ?at= time (ISO 8601); now when absent."""

    text = request.query_params.get(name)
    return parse_instant(text, field=name) if text else now()


AT_PARAMETER = OpenApiParameter(
    "at", str, description="ISO 8601 time (without offset: Europe/Stockholm); default now."
)


class PhoneSerializer(serializers.Serializer):
    e164 = serializers.CharField()
    display = serializers.CharField()


def phone(e164: str | None) -> dict | None:

    return {"e164": e164, "display": display(e164)} if e164 else None


def api_or_page_error(page_handler, status_code: int, error_id: str, message):
    """A Django error handler that answers in the API's error shape under /api/."""
    from django.http import JsonResponse

    def handler(request, exception=None):
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(error_id, str(message)), status=status_code)
        return page_handler(request, exception) if exception is not None else page_handler(request)

    return handler


def validated(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The request body checked by an input serializer; a ValidationError (400) otherwise."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
