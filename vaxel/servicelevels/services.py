from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.availability.models import Schedule, ScheduleKind
from vaxel.availability.selectors import opening_hours_get, schedule_value
from vaxel.core import phone
from vaxel.core.pseudonyms import is_pseudonym
from vaxel.core.time import at_local, local
from vaxel.directory.models import PhoneNumber, Unit
from vaxel.directory.selectors import organisation_get
from vaxel.messaging.outbox import outbox_add
from vaxel.servicelevels.charts import chart_image
from vaxel.servicelevels.emails import missed_email
from vaxel.servicelevels.errors import InvalidServiceLevel
from vaxel.servicelevels.figures import verdict, week_of
from vaxel.servicelevels.models import CallRecord, CallRecordsMark, CallScope, ServiceLevel, WeeklyReportRun
from vaxel.servicelevels.records import arrival_fields, call_facts
from vaxel.servicelevels.selectors import statistics_report, statistics_scope
from vaxel.telephony.models import CallEvent

FIELDS = ("callback_working_hours", "answer_within_seconds", "answer_share_percent")


@transaction.atomic
def service_level_set(
    *,
    unit: Unit,
    callback_working_hours: int | None = None,
    answer_within_seconds: int | None = None,
    answer_share_percent: int | None = None,
    actor=None,
) -> ServiceLevel:
    """C2: the manager decides the unit's targets: a share of calls answered within so
    many seconds, and how soon messages are called back (E4), in working hours. A target
    not given keeps its value."""
    checks = [
        (
            callback_working_hours,
            1,
            80,
            _("Call back within 1 to 80 working hours (80 is two working weeks)."),
        ),
        (answer_within_seconds, 5, 600, _("Answer within 5 to 600 seconds.")),
        (answer_share_percent, 1, 100, _("The share answered in time is a percentage, 1 to 100.")),
    ]
    for value, low, high, message in checks:
        if value is not None and not low <= value <= high:
            raise InvalidServiceLevel(message)
    level = ServiceLevel.objects.filter(unit=unit).first() or ServiceLevel(
        unit=unit, callback_working_hours=settings.VAXEL_CALLBACK_WORKING_HOURS
    )
    before = {name: getattr(level, name) for name in FIELDS} if level.pk else None
    given = {
        "callback_working_hours": callback_working_hours,
        "answer_within_seconds": answer_within_seconds,
        "answer_share_percent": answer_share_percent,
    }
    for name, value in given.items():
        if value is not None:
            setattr(level, name, value)
    level.save()
    after = {name: getattr(level, name) for name in FIELDS}
    change_record(
        actor=actor,
        entity="service_level",
        entity_id=unit.pk,
        action=ChangeAction.UPDATED,
        unit=unit,
        summary=_(
            "%(unit)s: %(share)d %% of calls answered within %(seconds)d seconds, "
            "callbacks within %(hours)d working hours"
        )
        % {
            "unit": unit.name,
            "share": level.answer_share_percent,
            "seconds": level.answer_within_seconds,
            "hours": level.callback_working_hours,
        },
        before=before,
        after=after,
    )
    return level


RECORD_FIELDS = (
    "scope",
    "number",
    "unit",
    "caller_unit",
    "caller_person",
    "internal",
    "arrived_at",
    "day",
    "hour",
    "open",
    "telephone_hours",
    "answered",
    "wait_seconds",
    "talk_seconds",
    "abandoned",
    "transferred",
)
BATCH = 500


def call_records_recount(*, first: date | None = None, last: date | None = None) -> int:
    """Make the call records again from the stored events of the calls that have events
    from `first` to `last` (Stockholm days; either may be open): after numbers were added
    to the directory, or opening or telephone hours were corrected afterwards."""

    events = CallEvent.objects.all()
    if first is not None:
        events = events.filter(at__gte=at_local(first, time(0)))
    if last is not None:
        events = events.filter(at__lt=at_local(last + timedelta(days=1), time(0)))
    return call_records_refresh(events.values_list("call_id", flat=True).distinct().iterator())


def call_records_catch_up() -> int:
    """Record for the statistics the calls of the events stored since the run before
    last (the minute job; one runner at a time): the switchboard's own steps are logged
    in the callers' requests and recorded here, not there. Returns how many calls."""
    mark = CallRecordsMark.objects.get_or_create(pk=1)[0]
    newest = CallEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    stored = CallEvent.objects.filter(pk__gt=mark.before, pk__lte=newest)
    calls = call_records_refresh(stored.values_list("call_id", flat=True).distinct().iterator())
    mark.before, mark.seen = mark.seen, newest
    mark.save(update_fields=["before", "seen"])
    return calls


def call_records_refresh(call_ids: Iterable[str]) -> int:
    """Make the statistics' record of these calls again from all their stored events.
    Returns how many calls were recorded."""
    ids = sorted(set(call_ids))
    for offset in range(0, len(ids), BATCH):
        _records_refresh(ids[offset : offset + BATCH])
    return len(ids)


def _records_refresh(call_ids: list[str]) -> None:
    """Read outside a transaction, written in one statement: the database's write lock
    (SQLite has one) is held for the write alone, not while the records are worked out,
    so the callers' requests beside the worker do not wait for it."""
    by_call: dict[str, list[CallEvent]] = {}
    for event in CallEvent.objects.filter(call_id__in=call_ids).only(
        "call_id", "kind", "at", "called", "calling"
    ):
        by_call.setdefault(event.call_id, []).append(event)
    facts = {call_id: call_facts(events) for call_id, events in by_call.items()}
    numbers = {
        n.e164: n
        for n in PhoneNumber.objects.filter(
            e164__in={f.called for f in facts.values()} | {f.calling for f in facts.values()}
        ).select_related("person", "group")
    }

    def owner_unit(number: PhoneNumber | None) -> int | None:
        if number is None:
            return None
        return number.person.unit_id if number.person else number.group.unit_id  # type: ignore[union-attr]

    switchboard = phone.lookup_key(organisation_get().switchboard_number or "") or ""
    opening = opening_hours_get()
    called_units = {u for f in facts.values() if (u := owner_unit(numbers.get(f.called))) is not None}
    telephone_hours = {
        s.unit_id: schedule_value(s)
        for s in Schedule.objects.filter(
            kind=ScheduleKind.TELEPHONE_HOURS, unit_id__in=called_units
        ).prefetch_related("weekly", "exceptions")
    }
    # A caller's number pseudonymised by the records plan can no longer be looked up:
    # what the record said of the caller (internal, their unit) is kept as it was.
    kept = {
        r["call_id"]: r
        for r in CallRecord.objects.filter(
            call_id__in=[c for c, f in facts.items() if is_pseudonym(f.calling)]
        ).values("call_id", "caller_unit_id", "caller_person_id", "internal")
    }
    records = []
    for call_id, fact in facts.items():
        number = numbers.get(fact.called)
        caller = numbers.get(fact.calling)
        was = kept.get(call_id)
        unit_id = owner_unit(number)
        # CallScope names the number kinds (direct, shared, mobile) as they are.
        scope = (
            CallScope.SWITCHBOARD
            if fact.called and fact.called == switchboard
            else number.kind
            if number is not None
            else CallScope.OTHER
        )
        records.append(
            CallRecord(
                call_id=call_id,
                scope=scope,
                number=number,
                unit_id=unit_id,
                caller_unit_id=was["caller_unit_id"] if was else owner_unit(caller),
                caller_person_id=was["caller_person_id"] if was else caller.person_id if caller else None,
                internal=was["internal"] if was else caller is not None,
                arrived_at=fact.arrived_at,
                answered=fact.answered_at is not None,
                wait_seconds=fact.wait_seconds,
                talk_seconds=fact.talk_seconds,
                abandoned=fact.abandoned,
                transferred=fact.transferred,
                **arrival_fields(
                    fact.arrived_at, opening_hours=opening, telephone_hours=telephone_hours.get(unit_id)
                ),
            )
        )
    CallRecord.objects.bulk_create(
        records, update_conflicts=True, unique_fields=["call_id"], update_fields=list(RECORD_FIELDS)
    )


WEEKS_CHARTED = 8


def weekly_run_claim(*, at: datetime) -> tuple[WeeklyReportRun, date] | None:
    """The week whose reports are due now (Mondays from VAXEL_WEEKLY_REPORT_AT, Stockholm
    time), claimed once however many workers ask: the run and last week's Monday, or
    None when not due or already claimed."""
    wall = local(at)
    if wall.weekday() != 0 or wall.strftime("%H:%M") < settings.VAXEL_WEEKLY_REPORT_AT:
        return None
    monday = week_of(wall.date()) - timedelta(weeks=1)
    try:
        with transaction.atomic():
            return WeeklyReportRun.objects.create(week=monday), monday
    except IntegrityError:
        return None  # already sent this week


@transaction.atomic
def missed_service_levels_send(*, monday: date, at: datetime) -> int:
    """C2: each unit whose week from `monday` missed a target gets its managers an
    e-mail with the figures and the chart. Returns the e-mails queued."""
    sent = 0
    for unit in Unit.objects.filter(managers__active=True).distinct().prefetch_related("managers"):
        recipients = [p.email for p in unit.managers.all() if p.active and p.email]
        scope = statistics_scope(unit=str(unit.pk))
        report = statistics_report(
            scope, first=monday - timedelta(weeks=WEEKS_CHARTED - 1), last=monday + timedelta(days=6), at=at
        )
        if not recipients or verdict(report.weeks[monday], scope.targets).met is not False:
            continue
        chart = _chart_file(report, f"service-level-{unit.pk}-{monday}")
        subject, text, html = missed_email(report, monday, chart.name)
        outbox_add(
            recipients=recipients, subject=subject, text=text, html=html, attachment=f"charts/{chart.name}"
        )
        sent += 1
    return sent


def _chart_file(report, name: str):
    """The answered-in-time chart as a PNG in the data folder, for an e-mail to carry."""
    from pathlib import Path

    folder = Path(settings.DATA_DIR) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    path.write_bytes(chart_image(report, "in-time", fmt="png"))
    return path
