"""Min sida: an employee's status in one or two taps (E3), with the E7 warning that
needs a confirmation, the answer phrase (E2) and the mobile consent (S3)."""

from datetime import date, time

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import own_person
from vaxel.availability import services
from vaxel.availability.constants import AbsenceReason
from vaxel.availability.presets import preset_absence
from vaxel.availability.selectors import (
    absence_overview,
    people_cards,
    telephone_hours_text,
    working_hours_get,
)
from vaxel.calendars.errors import InvalidAction
from vaxel.core.errors import VaxelError
from vaxel.core.time import now, parse_instant
from vaxel.directory.models import NumberKind, Person, Unit
from vaxel.directory.selectors import people_query
from vaxel.directory.services import mobile_consent_set
from vaxel.mobiles.selectors import conduct_for_employees, greeting_for, subscription_of
from vaxel.mobiles.services import greeting_record
from vaxel.selfservice.errors import InvalidPreset


def _absence_from(post, at):
    """(reason, from, until) from a preset button or the custom form."""
    preset = post.get("preset", "")
    try:
        if preset:
            return preset_absence(
                preset,
                at=at,
                working=working_hours_get(),
                until_clock=time.fromisoformat(post["until_clock"]) if post.get("until_clock") else None,
                first_day=date.fromisoformat(post["first_day"]) if post.get("first_day") else None,
                last_day=date.fromisoformat(post["last_day"]) if post.get("last_day") else None,
            )
    except ValueError:
        raise InvalidPreset(
            _("Fill in the time or the days for that choice (the end must be later than the start)."),
        ) from None
    until = post.get("until", "").strip()
    return (
        post.get("reason", ""),
        parse_instant(post.get("from", ""), field=_("from")),
        parse_instant(until, field=_("until")) if until else None,
    )


def _shown(text: str) -> str:
    return text[:16].replace("T", " ")


def _context(person: Person, at, **extra) -> dict:

    card = people_cards([people_query().get(pk=person.pk)], at)[0]
    mobile = person.numbers.filter(kind=NumberKind.MOBILE).first()
    return {
        "person": person,
        "card": card,
        "absences": [
            {
                "from": _shown(a["starts_at"]),
                "until": _shown(a["ends_at"]) if a["ends_at"] else _("until further notice"),
                "reasons": " + ".join(str(AbsenceReason(r).label) for r in a["reasons"]),
                "announcement": a["announcement"],
            }
            for a in absence_overview(person=person, at=at)["absences"]
        ],
        "reasons": AbsenceReason.choices,
        "mobile": mobile,
        "greeting": greeting_for(person),
        "work_mobile_rules": conduct_for_employees() if subscription_of(person) else [],
        "manages": Unit.objects.filter(managers=person).exists(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def my_status(request: HttpRequest) -> HttpResponse:
    person = own_person(request.user)
    if person is None:
        return render(request, "selfservice/no_person.html", status=403)
    at = now()
    if request.method == "GET":
        return render(request, "selfservice/my_status.html", _context(person, at))
    action = request.POST.get("action", "")
    try:
        if action == "back":
            services.absence_clear(person=person, at=at, actor=request.user)
        elif action == "greeting":
            greeting_record(person=person, text=request.POST.get("greeting", ""), actor=request.user)
        elif action == "consent":
            mobile_consent_set(
                person=person, consent=request.POST.get("consent") == "yes", actor=request.user
            )
        elif action == "absence":
            reason, starts_at, ends_at = _absence_from(request.POST, at)
            target, colleague = services.parse_divert_to(request.POST.get("divert_to") or None)
            added = services.absence_add(
                person=person,
                reason=reason,
                starts_at=starts_at,
                ends_at=ends_at,
                note=request.POST.get("note", ""),
                divert_to=target,
                colleague=colleague,
                confirmed=request.POST.get("confirm_e7") == "yes",
                actor=request.user,
            )
            if added.needs_confirmation:  # E7: warn, write nothing yet
                warning = telephone_hours_text(person, added.conflicts)
                return render(
                    request,
                    "selfservice/my_status.html",
                    _context(person, at, warning=warning, pending=request.POST),
                    status=409,
                )
        else:
            raise InvalidAction(_("Choose what to do."))
    except VaxelError as error:
        return render(
            request, "selfservice/my_status.html", _context(person, at, error=error.message), status=400
        )
    return redirect("my-status")
