"""The language a signed-in user's pages are shown in: their own choice (Profile), over
the browser's Accept-Language that LocaleMiddleware went by. Without a choice the
browser decides, and Swedish (the organisation's language) when it asks for neither."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from vaxel.access.models import Profile


class UserLanguageMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = Profile.objects.filter(user=user).values_list("language", flat=True).first()
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
