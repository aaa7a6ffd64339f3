"""Min kalender: connect a calendar (feed address, CalDAV, or an .ics file), see what
it diverts and where it breaks the telephone hours (E7), turn single events off."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import own_person
from vaxel.calendars import services
from vaxel.calendars.errors import CalendarNotFound, EventNotFound, InvalidAction, TooLarge
from vaxel.calendars.ical import LARGEST_FILE
from vaxel.calendars.models import Calendar, CalendarEvent, CalendarKind
from vaxel.calendars.selectors import calendar_events, calendars_of
from vaxel.calendars.tasks import read_calendar
from vaxel.core.errors import VaxelError
from vaxel.core.jobs import enqueue_soon
from vaxel.core.text import record_id
from vaxel.core.time import now


def _read_soon(calendar: Calendar, *, done: str) -> str:
    """Hand the calendar to the job worker; say what came of it if it is already read
    (the worker was quick, or runs in this process), else that it is on its way."""
    before = calendar.synced_at
    enqueue_soon(read_calendar, calendar.pk)  # committed: the worker finds the row
    calendar.refresh_from_db()
    if calendar.synced_at == before:
        return str(_("The calendar is connected; it is read in a moment."))
    return calendar.error or str(done)


def _change(request: HttpRequest, person) -> str:
    """Carry out the form's action; returns what to tell the person."""
    post, action = request.POST, request.POST.get("action", "")
    if action == "add":
        upload = request.FILES.get("file")
        if upload is not None and (upload.size or 0) > LARGEST_FILE:
            raise TooLarge(_("The file is larger than 5 MB; export a shorter period."))
        calendar = services.calendar_add(
            person=person,
            kind=post.get("kind", ""),
            url=post.get("url", ""),
            username=post.get("username", ""),
            password=post.get("password", ""),
            uploaded=upload.read() if upload is not None else None,
            actor=request.user,
        )
        return _read_soon(calendar, done=_("The calendar is connected and read."))
    calendar = calendars_of(person).filter(pk=record_id(post.get("calendar")) or 0).first()
    if action in ("remove", "sync") and calendar is None:
        raise CalendarNotFound(_("That calendar is not yours, or it is gone."))
    if action == "remove":
        services.calendar_remove(calendar=calendar, actor=request.user)
        return _("The calendar is disconnected; its diversions are gone.")
    if action == "sync":
        return _read_soon(calendar, done=_("The calendar has been read."))
    if action == "toggle":
        pk = record_id(post.get("event")) or 0
        event = CalendarEvent.objects.filter(pk=pk, calendar__person=person).first()
        if event is None:
            raise EventNotFound(_("That event is not in your calendars."))
        services.calendar_event_toggle(event=event, diverts=post.get("diverts") == "yes", actor=request.user)
        return _("Saved.")
    raise InvalidAction(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    person = own_person(request.user)
    if person is None:
        return render(request, "selfservice/no_person.html", status=403)
    error = ""
    if request.method == "POST":
        try:
            request.session["calendar_notice"] = _change(request, person)
        except VaxelError as failure:
            error = failure.message
        else:
            return redirect("my-calendar")
    context = {
        "person": person,
        "calendars": calendars_of(person),
        "events": calendar_events(person, at=now()),
        "kinds": CalendarKind.choices,
        "notice": request.session.pop("calendar_notice", ""),
        "error": error,
    }
    return render(request, "calendars/my_calendar.html", context, status=400 if error else 200)
