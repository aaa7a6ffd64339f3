"""A manager's units (C1, C2, E7): telephone hours and exceptions, keywords, the
callback service level, members and shared numbers. Only their own units (and below)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import access_units_managed
from vaxel.audit.selectors import unit_log
from vaxel.availability.people_api import schedule_data
from vaxel.availability.selectors import people_cards
from vaxel.availability.services import schedule_exception_add, telephone_hours_set
from vaxel.calendars.errors import InvalidAction
from vaxel.calendars.selectors import unit_calendar_conflicts
from vaxel.core.errors import VaxelError
from vaxel.core.text import record_id
from vaxel.core.time import now, parse_day
from vaxel.directory.models import Unit
from vaxel.directory.selectors import people_query
from vaxel.directory.services import parse_keywords, unit_keywords_set
from vaxel.servicelevels.errors import InvalidServiceLevel
from vaxel.servicelevels.selectors import service_level_get
from vaxel.servicelevels.services import service_level_set


@login_required
@require_http_methods(["GET", "POST"])
def my_units(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    units = access_units_managed(request.user)
    if not units.exists():
        return render(request, "selfservice/not_manager.html", status=403)
    unit = units.filter(pk=pk).first() if pk is not None else units.first()
    if unit is None:  # another manager's unit: refused, nothing shown
        return render(request, "selfservice/not_manager.html", status=403)
    error = ""
    if request.method == "POST":
        try:
            _change(request, unit)
        except VaxelError as failure:
            error = failure.message
        else:
            return redirect("my-unit", pk=unit.pk)
    members = people_cards(list(people_query(unit_id=unit.pk)), now())
    context = {
        "units": units,
        "unit": unit,
        "hours": schedule_data(getattr(unit, "telephone_hours", None)),
        "keywords": ", ".join(unit.keywords.values_list("word", flat=True)),
        "service_level": service_level_get(unit.pk),
        "members": members,
        "groups": unit.number_groups.prefetch_related("members", "number"),
        "log": unit_log(unit.pk, limit=50),
        "calendar_conflicts": unit_calendar_conflicts(unit.pk, at=now()),
        "error": error,
    }
    return render(request, "selfservice/my_units.html", context, status=400 if error else 200)


def _change(request: HttpRequest, unit: Unit) -> None:
    action = request.POST.get("action", "")
    if action == "telephone_hours":
        telephone_hours_set(unit=unit, weekly=request.POST.get("weekly", ""), actor=request.user)
    elif action == "exception":
        schedule_exception_add(
            day=parse_day(request.POST.get("date", ""), field=_("date")),
            closed=request.POST.get("closed") == "yes",
            hours=request.POST.get("hours") or None,
            unit=unit,
            actor=request.user,
        )
    elif action == "keywords":
        unit_keywords_set(
            unit=unit, keywords=parse_keywords(request.POST.get("keywords", "")), actor=request.user
        )
    elif action == "service_level":
        targets = {}
        for name in ("callback_working_hours", "answer_within_seconds", "answer_share_percent"):
            value = record_id(request.POST.get(name, ""))
            if value is None or value > 100_000:
                raise InvalidServiceLevel(
                    _("Give each target as a whole number, e.g. 4 working hours, 20 seconds, 80 %."),
                )
            targets[name] = value
        service_level_set(unit=unit, actor=request.user, **targets)
    else:
        raise InvalidAction(_("Choose what to do."))
