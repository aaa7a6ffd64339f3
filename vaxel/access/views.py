from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vaxel.access.constants import Role
from vaxel.access.errors import InvalidLanguage
from vaxel.access.roles import roles_of
from vaxel.access.services import user_language_set
from vaxel.core.language import ui_language


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: the switchboard to its console, staff to Min sida."""
    roles = roles_of(request.user)
    if roles & {Role.OPERATOR, Role.ADMINISTRATOR}:
        return redirect("console")
    if Role.EMPLOYEE in roles:
        return redirect("my-status")
    return redirect("status")


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The sv/en switch in every page's footer: remembered on the login (every device,
    every sign-in) and in a cookie for this browser's pages before signing in."""
    language = request.POST.get("language", "")
    try:
        if request.user.is_authenticated:
            language = user_language_set(user=request.user, language=language)
        elif ui_language(language) is None:
            raise InvalidLanguage(language)
    except InvalidLanguage:
        return render(request, "access/language_refused.html", status=400)
    back = request.POST.get("next", "")
    # Back to a path of this site only; never another site, never a view name to reverse.
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
    response = HttpResponseRedirect(back if safe and back.startswith("/") else "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
