from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vaxel.availability.selectors import next_opening_overview
from vaxel.core.time import now
from vaxel.directory.selectors import organisation_get


def status(request: HttpRequest) -> HttpResponse:
    """The public front page: is the switchboard open, and when does it open next (S4)."""
    return render(
        request,
        "routing/status.html",
        {"organisation": organisation_get(), "overview": next_opening_overview(at=now())},
    )
