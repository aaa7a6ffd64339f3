"""The language a signed-in user's pages are shown in: their own choice (Profile), over
the browser's Accept-Language that LocaleMiddleware went by. Without a choice the
browser decides, and Swedish (the organisation's language) when it asks for neither."""

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from vaxel.access.models import Profile


def _chosen(user) -> str:
    if not user.is_authenticated:
        return ""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def _show_in(request: HttpRequest, language: str) -> None:
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware. Async as well as sync, so the
    telephone system's requests and the consoles' live streams under ASGI take no detour
    through a thread for it (and requests without a session cost no query)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self._async_call(request)
        _show_in(request, _chosen(request.user))
        return self.get_response(request)

    async def _async_call(self, request: HttpRequest) -> HttpResponse:
        user = await request.auser()
        if user.is_authenticated:
            _show_in(request, await sync_to_async(_chosen)(user))
        response = self.get_response(request)
        assert not isinstance(response, HttpResponse)  # the async chain gives an awaitable
        return await response
