from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from vaxel.access.constants import Role
from vaxel.access.roles import roles_of


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: the switchboard to its console, staff to Min sida."""
    roles = roles_of(request.user)
    if roles & {Role.OPERATOR, Role.ADMINISTRATOR}:
        return redirect("console")
    if Role.EMPLOYEE in roles:
        return redirect("my-status")
    return redirect("status")
