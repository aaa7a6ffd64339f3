"""The work-mobile pages: the holder's own on Min sida (phone-sized: "my phone is gone"
in one step, W1; the greeting, W4; unusual use, W2; the conduct rules, W3/E9/P1), the
registry for managers and administrators, and the switchboard's lost-phone report for
a caller. Thin: each action is one service call."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vaxel.access.roles import own_person
from vaxel.calendars.errors import InvalidAction
from vaxel.core.errors import Forbidden, VaxelError
from vaxel.core.text import record_id
from vaxel.core.time import now, parse_instant
from vaxel.directory.models import Person
from vaxel.directory.selectors import person_get
from vaxel.mobiles import services
from vaxel.mobiles.errors import MobileNotFound
from vaxel.mobiles.models import LossChannel, LossKind, Subscription
from vaxel.mobiles.selectors import (
    access_loss_report,
    access_mobiles,
    anomalies_seen,
    anomaly_report,
    conduct_for_employees,
    history_of,
    mobile_rows,
    my_mobile,
    person_named,
    subscription_of,
    subscriptions_seen,
)


def _when(request: HttpRequest):
    text = request.POST.get("when", "").strip()
    return parse_instant(text, field=_("when")) if text else None


@login_required
@require_http_methods(["GET", "POST"])
def my_mobile_page(request: HttpRequest) -> HttpResponse:
    person = own_person(request.user)
    if person is None:
        return render(request, "selfservice/no_person.html", status=403)
    error = ""
    if request.method == "POST":
        try:
            _my_change(request, person)
        except VaxelError as failure:
            error = failure.message
        else:
            return redirect("my-mobile")
    context = {
        "person": person,
        "mobile": my_mobile(person),
        "conduct": conduct_for_employees(),
        "kinds": LossKind.choices,
        "error": error,
    }
    return render(request, "mobiles/my_mobile.html", context, status=400 if error else 200)


def _my_change(request: HttpRequest, person: Person) -> None:
    subscription = subscription_of(person)
    if subscription is None:
        raise MobileNotFound(
            _("You hold no work mobile in the registry; ask your manager or the IT service desk.")
        )
    action = request.POST.get("action", "")
    if action == "lost":
        services.mobile_report_lost(
            subscription=subscription,
            kind=request.POST.get("kind", ""),
            channel=LossChannel.SELF,
            happened_at=_when(request),
            circumstances=request.POST.get("how", ""),
            actor=request.user,
        )
    elif action == "found":
        services.mobile_found(subscription=subscription, actor=request.user)
    elif action == "greeting":
        services.subscription_greeting_record(
            subscription=subscription, text=request.POST.get("greeting", ""), actor=request.user
        )
    else:
        raise InvalidAction(_("Choose what to do."))


def _seen(request: HttpRequest) -> set[int] | None:
    return access_mobiles(request.user)


def _subscription(request: HttpRequest, unit_ids: set[int] | None) -> Subscription:
    pk = record_id(request.POST.get("mobile", ""))
    subscription = subscriptions_seen(unit_ids).filter(pk=pk).first() if pk is not None else None
    if subscription is None:
        raise MobileNotFound(_("That work mobile is not in the registry, or not in your units."))
    return subscription


@login_required
@require_http_methods(["GET", "POST"])
def registry(request: HttpRequest) -> HttpResponse:
    try:
        unit_ids = _seen(request)
    except Forbidden as refusal:
        return render(request, "mobiles/refused.html", {"reason": refusal.message}, status=403)
    error = ""
    if request.method == "POST":
        try:
            _registry_change(request, unit_ids)
        except VaxelError as failure:
            error = failure.message
        else:
            return redirect("mobiles")
    context = {
        "rows": mobile_rows(unit_ids),
        "anomalies": anomaly_report(unit_ids=unit_ids, unreviewed=request.GET.get("alla") != "1"),
        "kinds": LossKind.choices,
        "error": error,
    }
    return render(request, "mobiles/registry.html", context, status=400 if error else 200)


def _registry_change(request: HttpRequest, unit_ids: set[int] | None) -> None:
    action = request.POST.get("action", "")
    actor = request.user
    if action == "review":
        pk = record_id(request.POST.get("anomaly", ""))
        anomaly = anomalies_seen(unit_ids=unit_ids).filter(pk=pk).first() if pk is not None else None
        if anomaly is None:
            raise MobileNotFound(_("That unusual use is not in your units."))
        services.anomaly_review(anomaly=anomaly, note=request.POST.get("note", ""), actor=actor)
        return
    subscription = _subscription(request, unit_ids)
    if action == "hand_out":
        person = person_get(request.POST.get("email", ""))
        if unit_ids is not None and person.unit_id not in unit_ids:
            raise Forbidden(_("You may hand out work mobiles only to people in units you manage."))
        services.mobile_hand_out(subscription=subscription, person=person, actor=actor)
    elif action == "return":
        services.mobile_return(subscription=subscription, actor=actor)
    elif action == "lost":
        services.mobile_report_lost(
            subscription=subscription,
            kind=request.POST.get("kind", ""),
            channel=LossChannel.ADMINISTRATION,
            happened_at=_when(request),
            circumstances=request.POST.get("how", ""),
            actor=actor,
        )
    elif action == "blocked":
        services.mobile_blocked(subscription=subscription, note=request.POST.get("note", ""), actor=actor)
    elif action == "found":
        services.mobile_found(subscription=subscription, note=request.POST.get("note", ""), actor=actor)
    elif action == "replaced":
        services.mobile_replaced(
            subscription=subscription,
            iccid=request.POST.get("iccid", ""),
            imei=request.POST.get("imei", ""),
            model=request.POST.get("model", ""),
            actor=actor,
        )
    else:
        raise InvalidAction(_("Choose what to do."))


@login_required
@require_http_methods(["GET"])
def mobile_history(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        unit_ids = _seen(request)
    except Forbidden as refusal:
        return render(request, "mobiles/refused.html", {"reason": refusal.message}, status=403)
    row = next((r for r in mobile_rows(unit_ids) if r.subscription.pk == pk), None)
    if row is None:
        return render(
            request,
            "mobiles/refused.html",
            {"reason": _("That work mobile is not in your units.")},
            status=404,
        )
    context = {
        "row": row,
        "history": history_of(row.subscription),
        "losses": row.subscription.loss_reports.order_by("-reported_at"),
    }
    return render(request, "mobiles/mobile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_for_caller(request: HttpRequest) -> HttpResponse:
    """The switchboard: a caller says their work mobile is gone; reported on their behalf."""
    try:
        access_loss_report(request.user)
    except Forbidden as refusal:
        return render(request, "mobiles/refused.html", {"reason": refusal.message}, status=403)
    error, done = "", None
    if request.method == "POST":
        try:
            person = person_named(request.POST.get("email", ""))
            subscription = subscription_of(person)
            if subscription is None:
                raise MobileNotFound(
                    _("%(name)s holds no work mobile in the registry.") % {"name": person.name}
                )
            done = services.mobile_report_lost(
                subscription=subscription,
                kind=request.POST.get("kind", ""),
                channel=LossChannel.OPERATOR,
                happened_at=_when(request),
                circumstances=request.POST.get("how", ""),
                actor=request.user,
            )
        except VaxelError as failure:
            error = failure.message
    context = {"kinds": LossKind.choices, "error": error, "done": done, "at": now()}
    return render(request, "mobiles/report_for_caller.html", context, status=400 if error else 200)
