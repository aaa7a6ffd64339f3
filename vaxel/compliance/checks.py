"""The telephone routine's rules as checks over a period: each finding names its rule
(../shared/ROUTINE.md), the unit, the person when there is one, and what was seen.
Reads only; every check is one or a few queries, whatever the organisation's size."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext as _

from vaxel.availability.constants import TELEPHONE_HOURS_BREACHES, AbsenceReason
from vaxel.availability.models import Absence, Schedule, ScheduleKind
from vaxel.availability.selectors import schedule_value, telephone_hours_conflicts
from vaxel.core.time import local
from vaxel.directory.models import NumberGroup, NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.selectors import organisation_get
from vaxel.messaging.models import Message, MessageKind, MessageStatus
from vaxel.mobiles.greetings import greeting_check
from vaxel.mobiles.models import Anomaly, Assignment, LossReport, Subscription
from vaxel.mobiles.selectors import subscription_greeting_for
from vaxel.servicelevels.models import CallRecord, CallScope, ServiceLevel


@dataclass(frozen=True)
class Finding:
    rule: str
    unit: str
    person: str
    what: str
    when: datetime | None = None


def _stamp(at: datetime | None) -> str:
    return f"{local(at):%Y-%m-%d %H:%M}" if at else ""


def e7_absences_in_telephone_hours(units: list[Unit], start: datetime, end: datetime) -> list[Finding]:
    hours = {
        s.unit_id: schedule_value(s)
        for s in Schedule.objects.filter(kind=ScheduleKind.TELEPHONE_HOURS, unit__in=units).prefetch_related(
            "weekly", "exceptions"
        )
    }
    absences = (
        Absence.objects.filter(person__unit__in=units, reason__in=TELEPHONE_HOURS_BREACHES, starts_at__lt=end)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=start))
        .select_related("person__unit")
    )
    found = []
    for absence in absences:
        schedule = hours.get(absence.person.unit_id)
        if schedule is None:
            continue
        hits = telephone_hours_conflicts(  # the one E7 rule, as when the absence was entered
            person=absence.person,
            reason=absence.reason,
            starts_at=max(absence.starts_at, start),
            ends_at=min(absence.ends_at or end, end),
            hours=schedule,
        )
        if hits:
            found.append(
                Finding(
                    "E7",
                    absence.person.unit.name,
                    absence.person.name,
                    _("%(reason)s in the telephone hours (%(count)d times)")
                    % {"reason": AbsenceReason(absence.reason).label, "count": len(hits)},
                    hits[0][0],
                )
            )
    return found


def e5_messages_unread(units: list[Unit], start: datetime, end: datetime) -> list[Finding]:
    messages = Message.objects.filter(
        Q(person__unit__in=units) | Q(unit__in=units), unread_flagged_at__gte=start, unread_flagged_at__lt=end
    ).select_related("person__unit", "unit")
    return [
        Finding(
            "E5",
            (m.unit or m.person.unit).name,  # type: ignore[union-attr]
            m.person.name if m.person else "",
            _("message %(reference)s unread after a working day") % {"reference": m.reference},
            m.taken_at,
        )
        for m in messages
    ]


def e4_callbacks_late(units: list[Unit], start: datetime, end: datetime, at: datetime) -> list[Finding]:
    late = Message.objects.filter(
        Q(person__unit__in=units) | Q(unit__in=units),
        kind=MessageKind.CALLBACK,
        due_at__gte=start,
        due_at__lt=min(end, at),
    ).filter(Q(handled_at__isnull=True) | Q(handled_at__gt=F("due_at")))
    return [
        Finding(
            "E4",
            (m.unit or m.person.unit).name,  # type: ignore[union-attr]
            m.person.name if m.person else "",
            _("callback %(reference)s not done by %(due)s")
            % {"reference": m.reference, "due": _stamp(m.due_at)}
            if m.status != MessageStatus.HANDLED
            else _("callback %(reference)s done late") % {"reference": m.reference},
            m.due_at,
        )
        for m in late.select_related("person__unit", "unit")
    ]


def e3_forgotten_diversions(units: list[Unit], start: datetime, end: datetime) -> list[Finding]:
    asked = Absence.objects.filter(person__unit__in=units, nudged_at__gte=start, nudged_at__lt=end)
    return [
        Finding(
            "E3",
            a.person.unit.name,
            a.person.name,
            _("a forgotten diversion (%(reason)s from %(since)s) had to be questioned")
            % {"reason": AbsenceReason(a.reason).label, "since": _stamp(a.starts_at)},
            a.nudged_at,
        )
        for a in asked.select_related("person__unit")
    ]


def e8_internal_calls(units: list[Unit], start: datetime, end: datetime) -> list[Finding]:
    calls = CallRecord.objects.filter(
        scope=CallScope.SWITCHBOARD,
        internal=True,
        caller_unit__in=units,
        arrived_at__gte=start,
        arrived_at__lt=end,
    ).select_related("caller_unit", "caller_person")
    return [
        Finding(
            "E8",
            c.caller_unit.name,  # type: ignore[union-attr]
            c.caller_person.name if c.caller_person else "",
            _("an internal call went through the switchboard"),
            c.arrived_at,
        )
        for c in calls
    ]


def w4_greetings(units: list[Unit]) -> list[Finding]:
    organisation = organisation_get().name
    people = Person.objects.filter(unit__in=units, active=True).select_related("unit", "voicemail_greeting")
    found = []
    for person in people:
        recorded = getattr(person, "voicemail_greeting", None)
        if recorded is None:
            found.append(Finding("W4", person.unit.name, person.name, _("no voicemail greeting recorded")))
            continue
        check = greeting_check(
            recorded.text,
            name=person.name,
            workplace=person.unit.name,
            organisation=organisation,
            alternatives=[],
        )
        missing = [
            label
            for ok, label in (
                (check.name, _("name")),
                (check.workplace, _("workplace")),
                (check.organisation, _("the organisation")),
            )
            if not ok
        ]
        if missing:
            found.append(
                Finding(
                    "W4",
                    person.unit.name,
                    person.name,
                    _("the greeting lacks %(what)s") % {"what": ", ".join(missing)},
                )
            )
    return found


def _holders(unit_ids: set[int] | None) -> dict[int, Person]:
    """The people holding work mobiles now, by subscription id (in these units, or all)."""
    held = Assignment.objects.filter(returned_at__isnull=True).select_related("person__unit")
    if unit_ids is not None:
        held = held.filter(person__unit_id__in=unit_ids)
    return {a.subscription_id: a.person for a in held}


def w1_mobiles_without_holder(units: list[Unit], *, everything: bool) -> list[Finding]:
    """Work mobiles nobody holds, or whose holder has left: by the unit of their last
    holder; one never handed out only in the whole organisation's report."""
    unit_ids = {u.pk for u in units}
    holders = _holders(None)
    last = {}
    for a in (
        Assignment.objects.filter(returned_at__isnull=False)
        .select_related("person__unit")
        .order_by("returned_at")
    ):
        last[a.subscription_id] = a.person
    found = []
    for subscription in Subscription.objects.order_by("number"):
        holder = holders.get(subscription.pk)
        if holder is not None and holder.active:
            continue
        person = holder or last.get(subscription.pk)
        if (person is None and not everything) or (person is not None and person.unit_id not in unit_ids):
            continue
        what = (
            _("work mobile %(iccid)s is held by someone who has left")
            if holder is not None
            else _("work mobile %(iccid)s has no known holder")
        )
        found.append(
            Finding("W1", person.unit.name if person else "", person.name if person else "",
                    what % {"iccid": subscription.iccid_tail})
        )  # fmt: skip
    return found


def w1_lost_not_blocked(units: list[Unit], start: datetime, end: datetime, at: datetime) -> list[Finding]:
    """Lost or stolen work mobiles reported in the period and not blocked within
    VAXEL_MOBILE_BLOCK_WITHIN_HOURS."""
    within = timedelta(hours=settings.VAXEL_MOBILE_BLOCK_WITHIN_HOURS)
    reports = LossReport.objects.filter(
        person__unit__in=units, reported_at__gte=start, reported_at__lt=end
    ).select_related("person__unit", "subscription")
    found = []
    for report in reports:
        due = report.reported_at + within
        late = report.blocked_at > due if report.blocked_at else due < at
        if late:
            found.append(
                Finding(
                    "W1",
                    report.person.unit.name,  # type: ignore[union-attr]
                    report.person.name,  # type: ignore[union-attr]
                    _("the %(kind)s work mobile was not blocked within %(hours)d hours")
                    % {"kind": report.get_kind_display(), "hours": settings.VAXEL_MOBILE_BLOCK_WITHIN_HOURS},
                    report.reported_at,
                )
            )
    return found


def w2_unusual_use_unreviewed(units: list[Unit]) -> list[Finding]:
    holders = _holders({u.pk for u in units})
    anomalies = Anomaly.objects.filter(subscription_id__in=holders, reviewed_at__isnull=True)
    return [
        Finding(
            "W2",
            holders[a.subscription_id].unit.name,
            holders[a.subscription_id].name,
            _("unusual use in %(month)s not reviewed: %(what)s")
            % {"month": f"{a.month:%Y-%m}", "what": a.get_kind_display()},
        )
        for a in anomalies.order_by("month")
    ]


def w4_mobile_greetings(units: list[Unit]) -> list[Finding]:
    """W4 on every work-mobile subscription: a greeting on record that passes the check."""
    holders = _holders({u.pk for u in units})
    found = []
    for subscription in Subscription.objects.filter(pk__in=holders):
        holder = holders[subscription.pk]
        check = subscription_greeting_for(subscription, holder)["check"] if subscription.greeting else None
        if check is None:
            what = _("no voicemail greeting recorded on the work mobile")
        elif not check.meets_routine:
            what = _("the work mobile's greeting lacks %(what)s") % {"what": ", ".join(check.missing)}
        else:
            continue
        found.append(Finding("W4", holder.unit.name, holder.name, what))
    return found


def e1_numbers_without_owner(units: list[Unit]) -> list[Finding]:
    found = [
        Finding(
            "E1",
            n.person.unit.name,  # type: ignore[union-attr]
            n.person.name,  # type: ignore[union-attr]
            _("the direct number of someone who has left is not reassigned"),
        )
        for n in PhoneNumber.objects.filter(
            kind=NumberKind.DIRECT, person__active=False, person__unit__in=units
        ).select_related("person__unit")
    ]
    for group in NumberGroup.objects.filter(unit__in=units).select_related("unit", "responsible"):
        if group.responsible is None or not group.responsible.active:
            found.append(
                Finding(
                    "E1",
                    group.unit.name,
                    "",
                    _("the shared number %(name)s has no responsible manager") % {"name": group.name},
                )
            )
    return found


def units_without_hours_or_service_level(units: list[Unit]) -> list[Finding]:
    with_hours = set(
        Schedule.objects.filter(kind=ScheduleKind.TELEPHONE_HOURS, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    with_level = set(ServiceLevel.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    found = []
    for unit in units:
        if unit.pk not in with_hours:
            found.append(Finding("E7", unit.name, "", _("the unit has no telephone hours")))
        if unit.pk not in with_level:
            found.append(Finding("C2", unit.name, "", _("the unit's manager has set no service level")))
    return found


def compliance_findings(
    units: list[Unit], *, start: datetime, end: datetime, at: datetime, everything: bool = False
) -> list[Finding]:
    """Every check, for these units and the period start–end, in rule order; `everything`
    when the units are the whole organisation (what belongs to no unit is listed too)."""
    findings = [
        *e1_numbers_without_owner(units),
        *e3_forgotten_diversions(units, start, end),
        *e4_callbacks_late(units, start, end, at),
        *e5_messages_unread(units, start, end),
        *e7_absences_in_telephone_hours(units, start, end),
        *e8_internal_calls(units, start, end),
        *w4_greetings(units),
        *w1_mobiles_without_holder(units, everything=everything),
        *w1_lost_not_blocked(units, start, end, at),
        *w2_unusual_use_unreviewed(units),
        *w4_mobile_greetings(units),
        *units_without_hours_or_service_level(units),
    ]
    return sorted(findings, key=lambda f: (f.rule, f.unit, f.person, f.when or start))
