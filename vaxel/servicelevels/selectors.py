"""Reads: a unit's targets (C2) and the call statistics for a unit, a shared number, the
switchboard or the whole organisation, aggregated in the database per day."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from vaxel.access.roles import units_and_below
from vaxel.core import phone
from vaxel.core.errors import Forbidden, PeriodEndsBeforeStart
from vaxel.core.text import record_id
from vaxel.core.time import STOCKHOLM, now, period
from vaxel.directory.errors import NumberNotFound, UnitNotFound
from vaxel.directory.models import NumberKind, PhoneNumber, Unit
from vaxel.directory.selectors import organisation_get
from vaxel.messaging.models import Message, MessageKind
from vaxel.servicelevels.figures import Tally, Targets, grouped, month_of, percentile, tally_sum, week_of
from vaxel.servicelevels.models import CallRecord, CallScope, ServiceLevel
from vaxel.telephony.models import Call


def callback_within(unit_id: int) -> timedelta:
    """E4: how much working time a unit has to call back."""
    level = ServiceLevel.objects.filter(unit_id=unit_id).first()
    hours = level.callback_working_hours if level else settings.VAXEL_CALLBACK_WORKING_HOURS
    return timedelta(hours=hours)


def service_level_get(unit_id: int | None) -> dict[str, int]:
    """C2: a unit's targets, its own or the defaults (also for the switchboard and the
    organisation, which have no manager of their own)."""
    level = (ServiceLevel.objects.filter(unit_id=unit_id).first() if unit_id else None) or ServiceLevel(
        callback_working_hours=settings.VAXEL_CALLBACK_WORKING_HOURS
    )
    return {
        "callback_working_hours": level.callback_working_hours,
        "answer_within_seconds": level.answer_within_seconds,
        "answer_share_percent": level.answer_share_percent,
    }


@dataclass(frozen=True)
class StatisticsScope:
    """Whose calls: a unit (with the units below it), a shared number, the switchboard
    or the whole organisation."""

    kind: str  # unit | number | switchboard | organisation
    label: str
    targets: Targets
    unit_ids: frozenset[int] = frozenset()
    number_id: int | None = None
    key: str = ""  # what names it in a link: the unit's id, the number, or the kind

    @property
    def choice(self) -> str:
        """How the statistics page names it: unit:<id>, number:<e164>, switchboard, organisation."""
        return f"{self.kind}:{self.key}" if self.kind in ("unit", "number") else self.kind

    def records(self):
        found = CallRecord.objects.all()
        if self.kind == "unit":
            return found.filter(unit_id__in=self.unit_ids)
        if self.kind == "number":
            return found.filter(number_id=self.number_id)
        if self.kind == "switchboard":
            return found.filter(scope=CallScope.SWITCHBOARD)
        return found

    def internal_records(self):
        """Internal calls through the switchboard (E8): a unit's are those its people made."""
        found = CallRecord.objects.filter(scope=CallScope.SWITCHBOARD, internal=True)
        if self.kind == "unit":
            return found.filter(caller_unit_id__in=self.unit_ids)
        return found.none() if self.kind == "number" else found

    def messages(self):

        if self.kind == "unit":
            return Message.objects.filter(Q(person__unit_id__in=self.unit_ids) | Q(unit_id__in=self.unit_ids))
        if self.kind == "number":
            return Message.objects.none()  # messages are for people and units, not numbers
        if self.kind == "switchboard":
            return Message.objects.filter(taken_by__isnull=False)
        return Message.objects.all()


def statistics_scope(
    *, unit: str = "", number: str = "", switchboard: bool = False, allowed_units: set[int] | None = None
) -> StatisticsScope:
    """The scope asked for, if the asker may see it (allowed_units None: everything;
    otherwise only those units and their shared numbers). Nothing named: the organisation."""

    def targets(unit_id: int | None) -> Targets:
        return Targets(**service_level_get(unit_id))

    def allowed(unit_id: int) -> None:
        if allowed_units is not None and unit_id not in allowed_units:
            raise Forbidden(_("You see the statistics of the units you manage only."))

    if unit:
        text = unit.strip()
        pk = record_id(text)
        found = Unit.objects.filter(pk=pk) if pk is not None else Unit.objects.filter(name__iexact=text)
        chosen = found.first()
        if chosen is None:
            raise UnitNotFound(_("There is no unit %(name)r.") % {"name": text})
        allowed(chosen.pk)
        ids = frozenset(units_and_below({chosen.pk}))
        return StatisticsScope("unit", chosen.name, targets(chosen.pk), unit_ids=ids, key=str(chosen.pk))
    if number:
        key = phone.lookup_key(number.strip())
        shared = (
            PhoneNumber.objects.filter(e164=key or "", kind=NumberKind.SHARED).select_related("group").first()
        )
        if shared is None or shared.group is None:
            raise NumberNotFound(
                _("%(number)r is not one of the shared numbers; give it as e.g. +46370331100.")
                % {"number": number},
            )
        allowed(shared.group.unit_id)
        return StatisticsScope(
            "number",
            shared.group.name,
            targets(shared.group.unit_id),
            number_id=shared.pk,
            key=shared.e164,
        )
    if allowed_units is not None:
        raise Forbidden(
            _(
                "Only the switchboard and administrators see the figures of the switchboard "
                "and of the whole organisation."
            ),
        )
    if switchboard:
        return StatisticsScope("switchboard", _("The switchboard"), targets(None), key="switchboard")
    return StatisticsScope(
        "organisation", organisation_get().name or _("The organisation"), targets(None), key="organisation"
    )


def statistics_scope_choices(allowed_units: set[int] | None) -> list[tuple[str, str]]:
    """What someone may choose on the statistics page: (choice, label), their units first."""

    units = Unit.objects.order_by("name")
    numbers = (
        PhoneNumber.objects.filter(kind=NumberKind.SHARED).select_related("group").order_by("group__name")
    )
    choices = []
    if allowed_units is None:
        choices = [("organisation", _("The whole organisation")), ("switchboard", _("The switchboard"))]
    else:
        units, numbers = units.filter(pk__in=allowed_units), numbers.filter(group__unit_id__in=allowed_units)
    choices += [(f"unit:{u.pk}", u.name) for u in units]
    choices += [
        (f"number:{n.e164}", _("%(name)s (shared number)") % {"name": n.group.name})  # type: ignore[union-attr]
        for n in numbers
    ]
    return choices


@dataclass(frozen=True)
class StatisticsReport:
    scope: StatisticsScope
    first: date
    last: date
    days: dict[date, Tally]  # every day of the period, in order
    waits: dict[int, int] = field(default_factory=dict)  # seconds to answer → calls
    hours: dict[tuple[int, int], int] = field(default_factory=dict)  # (weekday, hour) → calls

    @cached_property
    def total(self) -> Tally:
        return tally_sum(self.days.values())

    @cached_property
    def p90_wait(self) -> int | None:
        return percentile(self.waits, 0.9)

    @cached_property
    def weeks(self) -> dict[date, Tally]:
        return grouped(self.days, week_of)

    @cached_property
    def months(self) -> dict[date, Tally]:
        return grouped(self.days, month_of)


def _by_day(rows, names: tuple[str, ...]) -> dict[date, dict[str, int]]:
    return {row["day"]: {name: row[name] or 0 for name in names} for row in rows}


def statistics_report(
    scope: StatisticsScope, *, first: date, last: date, at: datetime | None = None
) -> StatisticsReport:
    """The scope's figures for the days first–last (Stockholm days), every count made in
    the database: per day, per time to answer, and per weekday and hour."""

    if last < first:
        raise PeriodEndsBeforeStart(
            _("The period ends (%(last)s) before it begins (%(first)s).") % {"last": last, "first": first},
        )
    start, end = period(first, last)
    records = scope.records().filter(day__gte=first, day__lte=last)
    within = scope.targets.answer_within_seconds
    # Counted under names of their own: an annotation named like a field hides the field.
    counts = {
        "offered": Count("id"),
        "open_calls": Count("id", filter=Q(open=True)),
        "outside_hours": Count("id", filter=Q(open=False)),
        "answered": Count("id", filter=Q(answered=True)),
        "answered_in_time": Count("id", filter=Q(open=True, answered=True, wait_seconds__lte=within)),
        "abandoned": Count("id", filter=Q(open=True, abandoned=True)),
        "transferred": Count("id", filter=Q(transferred=True)),
        "wait_total": Sum("wait_seconds"),
        "telephone_hours_calls": Count("id", filter=Q(telephone_hours=True, talk_seconds__isnull=False)),
        "telephone_hours_talk": Sum("talk_seconds", filter=Q(telephone_hours=True)),
    }
    # Per day and hour in one pass over the calls: the days' sums and the weekday × hour
    # counts are both folded from these few thousand rows.
    calls = records.values("day", "hour").annotate(**{f"n_{name}": value for name, value in counts.items()})
    per_day: dict[date, dict[str, int]] = {}
    hours: dict[tuple[int, int], int] = {}
    for row in calls.order_by():
        sums = per_day.setdefault(row["day"], dict.fromkeys(counts, 0))
        for name in counts:
            sums[name] += row[f"n_{name}"] or 0
        slot = (row["day"].weekday(), row["hour"])
        hours[slot] = hours.get(slot, 0) + row["n_offered"]
    internal = (
        scope.internal_records()
        .filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(internal=Count("id"))
    )
    messages = scope.messages()
    taken = (
        messages.filter(taken_at__gte=start, taken_at__lt=end)
        .annotate(day=TruncDate("taken_at", tzinfo=STOCKHOLM))
        .values("day")
        .annotate(messages=Count("id"))
    )
    due_by = min(end, at or now())
    callbacks = (
        messages.filter(kind=MessageKind.CALLBACK, due_at__gte=start, due_at__lt=due_by)
        .annotate(day=TruncDate("due_at", tzinfo=STOCKHOLM))
        .values("day")
        .annotate(
            callbacks_due=Count("id"),
            callbacks_on_time=Count("id", filter=Q(handled_at__lte=F("due_at"))),
        )
    )
    for rows, row_names in (
        (internal, ("internal",)),
        (taken, ("messages",)),
        (callbacks, ("callbacks_due", "callbacks_on_time")),
    ):
        for day, found in _by_day(rows.order_by(), row_names).items():
            per_day.setdefault(day, {}).update(found)
    if scope.kind in ("switchboard", "organisation"):
        # Callbacks asked for in the queue (E4) are the switchboard's own: due by its
        # service level, on time when the caller was called back by then.
        queue_callbacks = (
            Call.objects.filter(callback_due_at__gte=start, callback_due_at__lt=due_by)
            .annotate(day=TruncDate("callback_due_at", tzinfo=STOCKHOLM))
            .values("day")
            .annotate(
                callbacks_due=Count("id"),
                callbacks_on_time=Count("id", filter=Q(called_back_at__lte=F("callback_due_at"))),
            )
        )
        for day, found in _by_day(queue_callbacks.order_by(), ("callbacks_due", "callbacks_on_time")).items():
            sums = per_day.setdefault(day, {})
            for name, value in found.items():
                sums[name] = sums.get(name, 0) + value
    days = {
        first + timedelta(days=n): Tally(**per_day.get(first + timedelta(days=n), {}))
        for n in range((last - first).days + 1)
    }
    waits = records.filter(answered=True).values("wait_seconds").annotate(n=Count("id")).order_by()
    return StatisticsReport(
        scope=scope,
        first=first,
        last=last,
        days=days,
        waits={row["wait_seconds"]: row["n"] for row in waits},
        hours=hours,
    )
