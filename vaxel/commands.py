"""What each `vaxel` verb does: parse, call one service or selector, print."""

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from django.core.management import call_command

from vaxel.availability import services as availability
from vaxel.availability.schedule import format_hours, format_weekly
from vaxel.availability.selectors import opening_hours_get
from vaxel.core.phone import display
from vaxel.core.time import iso, now, parse_day, parse_instant
from vaxel.directory import services as directory
from vaxel.directory.selectors import organisation_get, unit_get
from vaxel.routing.selectors import absence_overview, next_opening_overview, route_now

VERBS: dict[tuple[str, ...], Callable[[argparse.Namespace], int]] = {}


def verb(*names: str):
    def register(func):
        VERBS[names] = func
        return func

    return register


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _at(args: argparse.Namespace):
    return parse_instant(args.at, field="--at") if getattr(args, "at", None) else now()


@verb("migrate")
def migrate(args):
    call_command("migrate", interactive=False, verbosity=1)
    return 0


@verb("serve")
def serve(args):
    import subprocess
    import sys

    import uvicorn

    from vaxel.config.serving import server_options

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None if args.no_worker else subprocess.Popen([sys.executable, "-m", "vaxel.cli", "worker"])
    try:
        uvicorn.run(
            "vaxel.config.asgi:application",
            **server_options(host=args.host, port=args.port, workers=args.workers),
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    return 0


@verb("worker")
def worker(args):
    call_command("run_huey")
    return 0


@verb("demo")
def demo(args):
    from vaxel.directory.demo import demo_admin_create, demo_load

    print(demo_load(seed=args.seed, people=args.people))
    password = demo_admin_create(password=os.environ.get("VAXEL_DEMO_PASSWORD"))
    if password:
        print(f"Logins: admin (administrator) and telefonist (operator), password {password}")
    return 0


@verb("organisation", "set")
def organisation_set(args):
    organisation = directory.organisation_set(name=args.name, switchboard_number=args.switchboard_number)
    print(f"{organisation.name}: {display(organisation.switchboard_number) or '-'}")
    return 0


@verb("organisation", "show")
def organisation_show(args):
    organisation = organisation_get()
    print(f"{organisation.name or '-'}: {display(organisation.switchboard_number) or '-'}")
    return 0


@verb("unit", "add")
def unit_add(args):
    unit = directory.unit_add(
        name=args.name,
        parent=args.parent,
        keywords=directory.parse_keywords(args.keywords),
        telephone_hours=args.telephone_hours,
    )
    print(unit.name)
    return 0


@verb("person", "add")
def person_add(args):
    person = directory.person_add(
        name=args.name,
        email=args.email,
        unit=args.unit,
        title=args.title,
        direct_number=args.direct_number,
        mobile=args.mobile,
        mobile_consent=args.mobile_consent,
        consent_record=args.consent_record,
        manager=args.manager,
    )
    print(f"{person.name} <{person.email}>")
    return 0


@verb("person", "consent")
def person_consent(args):
    from vaxel.directory.selectors import person_get

    mobile = directory.mobile_consent_set(
        person=person_get(args.email), consent=args.consent, record=args.record
    )
    print(f"{args.email}: {mobile.get_consent_source_display() if mobile.disclosure_consent else 'private'}")
    return 0


@verb("shared-number", "add")
def shared_number_add(args):
    emails = [e for e in (args.members or "").split(",") if e.strip()]
    group = directory.shared_number_add(number=args.number, unit=args.unit, members=emails, name=args.name)
    print(f"{group.name}: {group.members.count()}")
    return 0


@verb("absence", "add")
def absence_add(args):
    from vaxel.availability.selectors import telephone_hours_conflicts, telephone_hours_text

    absence = availability.absence_add(
        email=args.email,
        reason=args.reason,
        starts_at=parse_instant(args.starts, field="--from"),
        ends_at=parse_instant(args.until, field="--until") if args.until else None,
        note=args.note,
        divert_to=args.divert_to,
    )
    print(f"{absence.person.email} {absence.reason} {iso(absence.starts_at)} → {iso(absence.ends_at) or '…'}")
    conflicts = telephone_hours_conflicts(
        person=absence.person, reason=absence.reason, starts_at=absence.starts_at, ends_at=absence.ends_at
    )
    if conflicts:
        print(telephone_hours_text(absence.person, conflicts), file=sys.stderr)
    return 0


@verb("absence", "list")
def absence_list(args):
    overview = absence_overview(email=args.email, at=_at(args))
    if args.json:
        _print_json(overview)
    else:
        for item in overview["absences"]:
            reasons = "+".join(item["reasons"])
            print(f"{item['starts_at']} → {item['ends_at'] or '…'}  {reasons}")
    return 0


@verb("absence", "clear")
def absence_clear(args):
    changed = availability.absence_clear(email=args.email, at=now(), upcoming=args.upcoming)
    print(changed)
    return 0


@verb("opening-hours", "set")
def opening_hours_set(args):
    availability.opening_hours_set(weekly=args.weekly, eve_hours=args.eve_hours)
    return opening_hours_show(args)


@verb("opening-hours", "show")
def opening_hours_show(args):
    schedule = opening_hours_get()
    print(format_weekly(schedule.weekly) or "-")
    if schedule.eve_hours:
        print(f"eve: {format_hours(schedule.eve_hours)}")
    return 0


@verb("opening-hours", "exception", "add")
def exception_add(args):
    unit = unit_get(args.unit) if args.unit else None
    exception = availability.schedule_exception_add(
        day=parse_day(args.date), closed=args.closed, hours=args.hours, unit=unit
    )
    print(exception)
    return 0


@verb("next-opening")
def next_opening(args):
    overview = next_opening_overview(at=_at(args))
    if args.json:
        _print_json(overview)
    else:
        print(
            overview["announcement"] if not overview["open_now"] else f"open, closes {overview['closes_at']}"
        )
    return 0


@verb("route")
def route(args):
    decision = route_now(called=args.called, calling=args.calling, at=_at(args))
    if args.json:
        _print_json(decision.as_dict())
    else:
        numbers = ", ".join(display(d.number) or d.kind.value for d in decision.destinations)
        print(f"{decision.action.value} → {numbers or '-'}")
        if decision.announcement:
            print(decision.announcement)
    return 0


@verb("user", "add")
def user_add(args):
    from vaxel.access.services import user_add as add

    user, password = add(username=args.username, password=args.password, person=args.person, roles=args.roles)
    print(f"{user.get_username()}" + ("" if args.password else f" / {password}"))
    return 0


@verb("user", "sso-link")
def user_sso_link(args):
    from vaxel.access.oidc import sso_issuer
    from vaxel.access.selectors import user_get
    from vaxel.access.services import sso_identity_link

    identity = sso_identity_link(user=user_get(args.username), issuer=sso_issuer(), subject=args.subject)
    print(f"{identity.user.get_username()} = {identity.subject} @ {identity.issuer}")
    return 0


@verb("token", "create")
def token_create(args):
    from vaxel.access.services import token_create as create

    token, secret = create(owner=args.owner, scopes=args.scopes, name=args.name)
    print(f"{token.prefix}  {' '.join(token.scopes)}")
    print(secret)
    return 0


@verb("token", "list")
def token_list(args):
    from vaxel.access.selectors import tokens_list

    for token in tokens_list():
        state = f"revoked {iso(token.revoked_at)}" if token.revoked_at else "active"
        print(
            f"{token.prefix}  {token.owner.get_username()}  {','.join(token.scopes)}  {token.name}  {state}"
        )
    return 0


@verb("token", "revoke")
def token_revoke(args):
    from vaxel.access.services import token_revoke as revoke

    print(revoke(prefix=args.key_id))
    return 0


def _message_row(message) -> dict[str, Any]:
    from vaxel.messaging.emails import caller_label

    return {
        "reference": message.reference,
        "taken_at": iso(message.taken_at),
        "for": message.recipient_name,
        "caller": caller_label(message),
        "about": message.subject,
        "kind": message.kind,
        "urgent": message.urgent,
        "status": message.status,
        "due_at": iso(message.due_at),
    }


@verb("message", "take")
def message_take(args):
    from vaxel.messaging.services import message_take as take

    message = take(
        subject=args.about,
        caller_name=args.caller_name,
        caller_number=args.caller_number,
        for_person=args.for_person,
        for_unit=args.for_unit,
        details=args.details,
        kind="information" if args.information else "callback",
        urgent=args.urgent,
        due_at=parse_instant(args.due, field="--due") if args.due else None,
    )
    due = f", ring upp senast {iso(message.due_at)}" if message.due_at else ""
    print(f"{message.reference}: {message.recipient_name}{due}")
    return 0


@verb("message", "list")
def message_list(args):
    from vaxel.messaging.selectors import messages_query

    rows = [
        _message_row(m)
        for m in messages_query(for_person=args.for_person, caller=args.caller, open_only=args.open)[:500]
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(
                f"{row['reference']}  {row['taken_at'][:16]}  {row['status']:<8} "
                f"{row['for']}: {row['caller']} – {row['about']}"
            )
    return 0


@verb("message", "mark")
def message_mark(args):
    from vaxel.messaging.selectors import message_get
    from vaxel.messaging.services import message_mark as mark

    message = mark(message=message_get(args.reference), step=args.step, note=args.note)
    print(f"{message.reference}: {message.status}")
    return 0


@verb("outbox")
def outbox(args):
    from vaxel.core.logs import mask
    from vaxel.messaging.selectors import outbox_overview

    overview = outbox_overview()
    if args.json:
        _print_json(overview)
    else:
        print(f"sent {overview['sent']}, waiting {overview['waiting']}")
        for row in overview["failing"]:
            print(
                f"  {row['id']}  attempts {row['attempts']}  next {row['next_attempt_at']}  "
                f"{row['last_error']}"
            )
        for row in overview["failed"]:
            print(f"  {row['id']}  cannot be sent: {mask(row['last_error'])}")
    return 0


@verb("person", "deactivate")
def person_deactivate(args):
    person = directory.person_deactivate(email=args.email)
    print(f"{person.name}: inactive")
    return 0


@verb("number", "reassign")
def number_reassign(args):
    number = directory.number_reassign(number=args.number, to=args.to)
    print(f"{display(number.e164)} → {number.person}")
    return 0


@verb("simulate")
def simulate(args):
    import signal

    from vaxel.access.services import token_revoke as revoke
    from vaxel.core.errors import InvalidInput
    from vaxel.telephony.selectors import simulator_directory
    from vaxel.telephony.services import simulator_token_issue
    from vaxel.telephony.simulate import ApiError, Client, run

    if args.rate <= 0 or args.patience <= 0 or (args.count is not None and args.count < 1):
        raise InvalidInput(
            "--rate and --patience must be above 0, and --count at least 1.", error_id="invalid_rate"
        )
    switchboard = organisation_get().switchboard_number
    if not switchboard:
        raise InvalidInput(
            "The organisation has no switchboard number; "
            "set it with 'vaxel organisation set --switchboard-number'.",
            error_id="no_switchboard",
        )
    try:
        client = Client(args.url, args.token or "")
    except ApiError as error:
        raise InvalidInput(str(error), error_id="invalid_url") from None
    # A service manager's stop (SIGTERM) ends the run like Ctrl-C: calls are hung up.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    issued = None if args.token else simulator_token_issue()
    if issued is not None:
        client.token = issued[1]
    print(f"Simulating about {args.rate:g} calls a minute to {display(switchboard)} at {args.url}")
    print("Ctrl-C stops; calls still on the line are then hung up.")
    try:
        tally = run(
            client=client,
            switchboard=switchboard,
            directory=simulator_directory(),
            rate=args.rate,
            count=args.count,
            duration=args.duration,
            seed=args.seed,
            flat=args.flat,
            patience=args.patience,
        )
    except KeyboardInterrupt:
        tally = None
    except ApiError as error:
        print(f"Växel did not answer as expected: {error}", file=sys.stderr)
        return 1
    finally:
        if issued is not None:
            revoke(prefix=issued[0].prefix)
    if tally is not None:
        print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in tally.items()))
    return 0


def _calendar_add(email: str, **where):
    from vaxel.calendars.services import calendar_add, calendar_sync
    from vaxel.directory.selectors import person_get

    calendar = calendar_add(person=person_get(email), **where)
    result = calendar_sync(calendar)
    print(f"{email}: {result.get('error') or 'connected and read'}")
    return calendar


@verb("calendar", "add")
def calendar_add_verb(args):
    from pathlib import Path

    from vaxel.calendars.models import CalendarKind

    if args.file:
        _calendar_add(args.email, kind=CalendarKind.UPLOAD, uploaded=Path(args.file).read_bytes())
    elif args.caldav:
        _calendar_add(
            args.email,
            kind=CalendarKind.CALDAV,
            url=args.caldav,
            username=args.username,
            password=args.password,
        )
    else:
        _calendar_add(args.email, kind=CalendarKind.FEED, url=args.url)
    return 0


@verb("calendar", "import")
def calendar_import(args):
    """An administrator connects many people at once; each line stands alone."""
    import csv

    from vaxel.calendars.models import CalendarKind
    from vaxel.core.errors import VaxelError

    failed = 0
    with open(args.csv, newline="", encoding="utf-8-sig") as rows:
        for number, row in enumerate(csv.reader(rows), 1):
            if not row or row[0].strip().lower() in ("", "email", "e-post"):
                continue
            try:
                if len(row) < 2:
                    raise VaxelError(f"line {number}: write email,url")
                _calendar_add(row[0].strip(), kind=CalendarKind.FEED, url=row[1].strip())
            except VaxelError as error:
                failed += 1
                print(f"vaxel: line {number} ({row[0].strip()}): {error.message}", file=sys.stderr)
    return 1 if failed else 0


@verb("calendar", "list")
def calendar_list(args):
    from vaxel.calendars.models import Calendar

    for calendar in Calendar.objects.select_related("person").order_by("person__email", "pk"):
        state = f"error: {calendar.error}" if calendar.error else f"read {iso(calendar.ok_at) or 'not yet'}"
        print(f"{calendar.pk}  {calendar.person.email}  {calendar.kind}  {calendar.url or '(file)'}  {state}")
    return 0


@verb("calendar", "sync")
def calendar_sync_verb(args):
    from vaxel.calendars.models import Calendar
    from vaxel.calendars.services import calendar_sync, calendars_sync_due

    if args.all:
        calendars = list(Calendar.objects.select_related("person__unit"))
        for calendar in calendars:
            calendar_sync(calendar)
        count = len(calendars)
    else:
        count = calendars_sync_due()
    print(f"{count} calendars read")
    return 0


@verb("call-events", "import")
def call_events_import(args):
    """A PBX that only exports files: its call-detail records, stored once each."""
    from pathlib import Path

    from vaxel.telephony.events import call_events_from_csv
    from vaxel.telephony.services import call_events_store

    events, problems = call_events_from_csv(Path(args.csv).read_text(encoding="utf-8-sig"))
    for problem in problems:
        print(f"vaxel: {problem}", file=sys.stderr)
    if problems and not args.skip_bad:
        print("Nothing was imported; correct the rows above or use --skip-bad.", file=sys.stderr)
        return 1
    stored, duplicates = call_events_store(events)
    print(f"{stored} events stored, {duplicates} already there")
    return 0


@verb("call-events", "recount")
def call_events_recount(args):
    """Make the statistics' call records again from the stored events: after numbers were
    added to the directory, or opening or telephone hours were corrected afterwards."""
    from vaxel.core.time import at_local
    from vaxel.servicelevels.services import call_records_refresh
    from vaxel.telephony.models import CallEvent

    events = CallEvent.objects.all()
    if args.start:
        events = events.filter(at__gte=at_local(parse_day(args.start, field="--from"), time(0)))
    if args.end:
        events = events.filter(
            at__lt=at_local(parse_day(args.end, field="--to") + timedelta(days=1), time(0))
        )
    calls = call_records_refresh(events.values_list("call_id", flat=True).distinct().iterator())
    print(f"{calls} calls counted again")
    return 0


@verb("media")
def media(args):
    """The announcement and voicemail endpoint Kamailio sends calls to."""
    import asyncio

    from vaxel.telephony.media import media_endpoint

    host, _sep, port = args.listen.rpartition(":")

    async def run() -> None:
        await media_endpoint(host or "127.0.0.1", int(port))
        print(f"Media endpoint on udp:{args.listen}")
        await asyncio.Event().wait()

    asyncio.run(run())
    return 0


@verb("report", "compliance")
def report_compliance(args):
    import csv
    from dataclasses import asdict

    from vaxel.compliance.selectors import compliance_report
    from vaxel.directory.selectors import unit_get

    unit_ids = None
    if args.unit:
        from vaxel.access.roles import units_and_below

        unit_ids = units_and_below({unit_get(args.unit).pk})
    findings = compliance_report(
        first=parse_day(args.start, field="--from"), last=parse_day(args.end, field="--to"), unit_ids=unit_ids
    )
    rows = [{**asdict(f), "when": iso(f.when)} for f in findings]
    if args.format == "json":
        _print_json(rows)
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=["rule", "unit", "person", "what", "when"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            who = f"{row['unit'][:28]:<28} {row['person'][:24]:<24}"
            print(f"{row['rule']:<3} {who} {row['what']}  {row['when'] or ''}")
        print(f"{len(rows)} findings")
    return 0


def _shown(value, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def _met(value: bool | None) -> str:
    from django.utils.translation import gettext as _

    return "–" if value is None else _("met") if value else _("MISSED")


@verb("report", "service-level")
def report_service_level(args):
    from django.utils.translation import gettext as _

    from vaxel.servicelevels.exports import report_csv, report_data
    from vaxel.servicelevels.selectors import statistics_report, statistics_scope

    scope = statistics_scope(unit=args.unit or "", number=args.number or "", switchboard=args.switchboard)
    report = statistics_report(
        scope, first=parse_day(args.start, field="--from"), last=parse_day(args.end, field="--to")
    )
    if args.format == "csv":
        sys.stdout.write(report_csv(report, args.by))
        return 0
    data = report_data(report, args.by)
    if args.format == "json":
        _print_json(data)
        return 0
    total, targets = data["total"], data["targets"]
    print(f"{scope.label}: {data['first']} – {data['last']}")
    print(
        _("Target: %(share)s %% answered within %(seconds)s s; callbacks within %(hours)s working hours")
        % {
            "share": targets["answer_share_percent"],
            "seconds": targets["answer_within_seconds"],
            "hours": targets["callback_working_hours"],
        }
    )
    if not total["offered"]:
        print(_("No calls in the period."))
    lines = [
        (_("Calls offered"), total["offered"]),
        (_("of which outside opening hours"), total["outside_hours"]),
        (_("Answered"), total["answered"]),
        (_("Answered in time"), _shown(total["answered_in_time_percent"], " %")),
        (_("Time to answer, average"), _shown(total["average_wait_seconds"], " s")),
        (_("Time to answer, 90th percentile"), _shown(total["p90_wait_seconds"], " s")),
        (_("Abandoned"), _shown(total["abandoned_percent"], " %")),
        (_("Transferred"), total["transferred"]),
        (_("Internal calls through the switchboard (E8)"), total["internal"]),
        (
            _("Call length in telephone hours, average (E6)"),
            _shown(total["average_talk_in_telephone_hours_seconds"], " s"),
        ),
        (_("Messages taken"), total["messages"]),
        (_("Callbacks on time"), _shown(total["callbacks_on_time_percent"], " %")),
        (_("Answer target"), _met(total["answer_target_met"])),
        (_("Callback target"), _met(total["callback_target_met"])),
    ]
    for label, value in lines:
        print(f"  {label:<48} {value}")
    print()
    period, calls, in_time, target, abandoned, callbacks = (
        _("Period"),
        _("Calls"),
        _("In time"),
        _("Target"),
        _("Abandoned"),
        _("Callbacks"),
    )
    print(f"{period:<24} {calls:>6} {in_time:>8} {target:>8} {abandoned:>9} {callbacks:>9}")
    for row in data["periods"]:
        print(
            f"{row['first'] + ' – ' + row['last'][5:]:<24} {row['offered']:>6} "
            f"{_shown(row['answered_in_time_percent'], ' %'):>8} {_met(row['answer_target_met']):>8} "
            f"{_shown(row['abandoned_percent'], ' %'):>9} {_met(row['callback_target_met']):>9}"
        )
    return 0
