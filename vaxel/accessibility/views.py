"""The accessibility statement the DOS law asks of a public body's digital service
(lagen (2018:1937) om tillgänglighet till digital offentlig service): how accessible
Växel is, what is not, how to report a problem and where to complain. Public: anyone
who meets a page must be able to read it, signed in or not."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vaxel.directory.selectors import organisation_get


@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    organisation = organisation_get()
    contact = settings.VAXEL_ACCESSIBILITY_CONTACT.strip()
    return render(
        request,
        "accessibility/statement.html",
        {
            "organisation": organisation,
            "contact": contact,
            "contact_is_email": "@" in contact and " " not in contact,
            "reviewed": settings.VAXEL_ACCESSIBILITY_REVIEWED,
        },
    )
