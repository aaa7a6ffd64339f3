"""Imports from the mobile operator: the subscription list (W1) and the usage
specification (W2). All or nothing: every row is checked, each error names its line,
and a file with any error writes nothing. A dry run checks and counts, writing nothing."""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from vaxel.availability.schedule import hours_on
from vaxel.availability.selectors import working_hours_get
from vaxel.core import phone
from vaxel.core.errors import VaxelError
from vaxel.core.tables import table_read
from vaxel.core.time import STOCKHOLM, now
from vaxel.directory.models import Person
from vaxel.mobiles import misuse
from vaxel.mobiles.errors import DuplicateImport, ImportRejected, UnknownColumns
from vaxel.mobiles.models import (
    Anomaly,
    AnomalyKind,
    Assignment,
    Subscription,
    UsageImport,
    UsageKind,
    UsageMonth,
    UsageRecord,
)
from vaxel.mobiles.services import (
    iccid_valid,
    imei_valid,
    mobile_hand_out,
    mobile_number,
    mobile_owner,
    number_free_for_mobile,
    subscription_add,
    subscription_update,
)
from vaxel.mobiles.usage_formats import (
    KIND_WORDS,
    column_indices,
    format_get,
    parse_at,
    parse_kilobytes,
    parse_ore,
    parse_seconds,
)

ERRORS_LISTED = 50


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    handed_out: int = 0
    anomalies: int = 0
    dry_run: bool = False
    months: list[str] = field(default_factory=list)


def _rejected(errors: list[tuple[int, str]]) -> ImportRejected:
    lines = [_("line %(line)d: %(error)s") % {"line": line, "error": error} for line, error in errors]
    shown = "; ".join(lines[:10]) + ("; …" if len(lines) > 10 else "")
    return ImportRejected(
        _("The file was not imported; nothing was written. %(errors)s") % {"errors": shown},
        details={"errors": [{"line": line, "error": error} for line, error in errors[:ERRORS_LISTED]]},
    )


# The subscription list: Växel's field, and the names operators and organisations give it.
SUBSCRIPTION_COLUMNS = {
    "number": ("number", "nummer", "telefonnummer", "mobilnummer", "abonnemang", "msisdn", "anknytning"),
    "iccid": ("iccid", "sim", "simkort", "sim-kort", "sim-nummer", "simkortsnummer"),
    "operator": ("operator", "operatör", "mobiloperatör"),
    "cost_centre": ("cost_centre", "cost centre", "cost center", "kostnadsställe", "kst", "ansvar"),
    "imei": ("imei",),
    "model": ("model", "modell", "telefonmodell", "enhet"),
    "holder": ("holder", "användare", "e-post", "epost", "e-postadress", "email", "e-mail", "innehavare"),
}
_SUBSCRIPTION_ALIASES = {alias: name for name, aliases in SUBSCRIPTION_COLUMNS.items() for alias in aliases}


@dataclass
class _PlannedMobile:
    line: int
    number: str
    iccid: str
    operator: str
    cost_centre: str
    imei: str
    model: str
    holder: Person | None
    existing: Subscription | None


def _subscription_columns(header: list[str], ignore_unknown: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    unknown = []
    for i, name in enumerate(header):
        key = _SUBSCRIPTION_ALIASES.get(name.strip().lower())
        if key is None:
            if name.strip():
                unknown.append(name)
            continue
        found.setdefault(key, i)
    if unknown and not ignore_unknown:
        raise UnknownColumns(
            _(
                "The file has columns Växel does not know: %(names)s. It reads %(known)s; give "
                "--ignore-unknown-columns to leave the others out."
            )
            % {"names": ", ".join(unknown), "known": ", ".join(SUBSCRIPTION_COLUMNS)},
            details={"unknown": unknown},
        )
    if "number" not in found or "iccid" not in found:
        raise UnknownColumns(_("The file needs a column with the number and one with the SIM's ICCID."))
    return found


def _plan_mobile(line: int, cell, operator: str, seen: dict[str, set]) -> _PlannedMobile:
    number = mobile_number(cell("number"), field=_("number"))
    iccid = iccid_valid(cell("iccid"))
    imei = imei_valid(cell("imei")) if cell("imei") else ""
    email = cell("holder").lower()
    for key, value in (("number", number), ("iccid", iccid), ("imei", imei), ("holder", email)):
        if value and value in seen[key]:
            raise ImportRejected(_("%(value)s appears twice in the file.") % {"value": cell(key)})
        seen[key].add(value)
    existing = Subscription.objects.filter(number=number).first()
    by_iccid = Subscription.objects.filter(iccid=iccid).exclude(number=number).first()
    if by_iccid is not None:
        raise ImportRejected(_("The ICCID %(iccid)s belongs to another work mobile.") % {"iccid": iccid})
    holder = None
    if email:
        holder = Person.objects.filter(email__iexact=email).select_related("unit").first()
        if holder is None:
            raise ImportRejected(_("There is nobody with the e-mail address %(email)r.") % {"email": email})
        if not holder.active:
            raise ImportRejected(_("%(name)s has left.") % {"name": holder.name})
        current = (
            Assignment.objects.filter(subscription=existing, returned_at__isnull=True)
            .select_related("person")
            .first()
            if existing
            else None
        )
        if current is not None and current.person_id != holder.pk:
            raise ImportRejected(
                _("the work mobile is held by %(name)s; have it returned first.")
                % {"name": current.person.name}
            )
        elsewhere = Assignment.objects.filter(person=holder, returned_at__isnull=True)
        if existing is not None:
            elsewhere = elsewhere.exclude(subscription=existing)
        if elsewhere.exists():
            raise ImportRejected(_("%(name)s already holds another work mobile.") % {"name": holder.name})
        other = holder.numbers.filter(kind="mobile").exclude(e164=number).exists()
        if other:
            raise ImportRejected(
                _("%(name)s already has another mobile in the directory.") % {"name": holder.name}
            )
    number_free_for_mobile(number, person=holder or mobile_owner(number))
    operator = cell("operator") or operator
    if not operator:
        raise ImportRejected(_("no mobile operator: add the column, or give --operator."))
    return _PlannedMobile(
        line,
        number,
        iccid,
        operator[:100],
        cell("cost_centre")[:50],
        imei,
        cell("model")[:100],
        holder,
        existing,
    )


@transaction.atomic
def subscriptions_import(
    *, data: bytes, operator: str = "", ignore_unknown: bool = False, dry_run: bool = False, actor=None
) -> ImportResult:
    """W1: the operator's subscription list (number, ICCID; operator, cost centre, IMEI,
    model, holder's e-mail). New numbers are added, known ones updated, holders handed
    their mobile."""
    table = table_read(data)
    columns = _subscription_columns(table.header, ignore_unknown)
    planned: list[_PlannedMobile] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, set] = defaultdict(set)
    for line, row in table.rows:

        def cell(name: str, row=row) -> str:
            i = columns.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            planned.append(_plan_mobile(line, cell, operator.strip(), seen))
        except VaxelError as error:
            errors.append((line, error.message))
    if errors:
        raise _rejected(errors)
    result = ImportResult(rows=len(planned), dry_run=dry_run)
    for plan in planned:
        result.created += plan.existing is None
        result.updated += plan.existing is not None
        result.handed_out += _hand_out_needed(plan, plan.existing)
    if dry_run:
        return result
    for plan in planned:
        try:
            subscription = _write_mobile(plan, actor)
            if plan.holder is not None and _hand_out_needed(plan, subscription):
                mobile_hand_out(subscription=subscription, person=plan.holder, actor=actor)
        except VaxelError as error:  # checked above; a row that still fails names its line
            raise _rejected([(plan.line, error.message)]) from None
    return result


def _write_mobile(plan: _PlannedMobile, actor) -> Subscription:
    facts = {
        "operator": plan.operator,
        "iccid": plan.iccid,
        "cost_centre": plan.cost_centre,
        "imei": plan.imei,
        "model": plan.model,
        "actor": actor,
    }
    if plan.existing is None:
        return subscription_add(number=plan.number, **facts)
    return subscription_update(subscription=plan.existing, **facts)


def _hand_out_needed(plan: _PlannedMobile, subscription: Subscription | None) -> bool:
    return plan.holder is not None and (
        subscription is None
        or not subscription.assignments.filter(person=plan.holder, returned_at__isnull=True).exists()
    )


# The usage specification.

_INSERT_BATCH = 20_000


@dataclass
class _Month:
    calls: int = 0
    messages: int = 0
    seconds: int = 0
    kilobytes: int = 0
    cost_ore: int = 0
    outside_hours: int = 0
    premium: int = 0
    roaming: int = 0
    countries: set[str] = field(default_factory=set)
    premium_numbers: Counter = field(default_factory=Counter)


class _UsageReader:
    """Turns rows into UsageRecord values, fast: lookups cached, no ORM per row."""

    def __init__(self, columns: dict[str, int]):
        self.index = columns
        self.width = max(columns.values()) + 1
        self.at_column = columns.get("at")
        self.subscriptions: dict[str, int | None] = {}
        self.countries: dict[str, str | None] = {}
        self.working = working_hours_get()
        self.hours: dict[date, tuple] = {}
        self.costs: dict[str, int] = {}
        self.known = dict(Subscription.objects.values_list("number", "id"))

    def subscription(self, text: str) -> int:
        if text not in self.subscriptions:
            e164 = phone.lookup_key(misuse.msisdn(text))
            self.subscriptions[text] = self.known.get(e164) if e164 else None
        found = self.subscriptions[text]
        if found is None:
            raise ValueError(_("%(number)r is not a work mobile in the registry") % {"number": text})
        return found

    def outside(self, local: datetime) -> bool:
        """Outside working time: weekends, public holidays and eves count as outside."""
        day = local.date()
        hours = self.hours.get(day)
        if hours is None:
            hours = self.hours[day] = tuple(
                (start.hour * 60 + start.minute, end.hour * 60 + end.minute)
                for start, end in hours_on(self.working, day)
            )
        minute = local.hour * 60 + local.minute
        return not any(start <= minute < end for start, end in hours)

    def cost(self, text: str) -> int:
        ore = self.costs.get(text)
        if ore is None:
            ore = parse_ore(text)
            if len(self.costs) < 10_000:  # prices repeat; a file of all-different ones is not cached
                self.costs[text] = ore
        return ore

    def country(self, text: str) -> str:
        if text not in self.countries:
            self.countries[text] = misuse.country_code(text)
        code = self.countries[text]
        if code is None:
            raise ValueError(
                _("%(country)r is no country: use an ISO 3166 code such as NO or CH") % {"country": text}
            )
        return code

    def record(self, row: list[str]) -> tuple:
        """(subscription id, instant, Stockholm wall time, kind, the other party as shown,
        premium, country, outside working hours, seconds, kilobytes, öre) of one line."""
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        i = self.index
        subscription_id = self.subscription(row[i["number"]])
        if self.at_column is not None:
            at = parse_at(row[self.at_column])
        else:
            at = parse_at(f"{row[i['date']].strip()} {row[i['time']].strip()}")
        local = at if at.tzinfo is STOCKHOLM else at.astimezone(STOCKHOLM)
        kind = KIND_WORDS.get(row[i["kind"]].strip().lower()) if "kind" in i else UsageKind.CALL
        if kind is None:
            raise ValueError(_("%(kind)r is not a call, SMS, MMS or data") % {"kind": row[i["kind"]]})
        data = kind == UsageKind.DATA
        counterpart = misuse.national(row[i["counterpart"]]) if "counterpart" in i and not data else ""
        premium = bool(counterpart) and misuse.is_premium(counterpart, message=kind != UsageKind.CALL)
        seconds = parse_seconds(row[i["seconds"]]) if "seconds" in i else 0
        kilobytes = parse_kilobytes(row[i["kilobytes"]]) if "kilobytes" in i else 0
        if seconds < 0 or kilobytes < 0:
            raise ValueError(_("a length or volume below zero"))
        return (
            subscription_id,
            at,
            local,
            kind,
            misuse.shown_number(counterpart, premium=premium),
            premium,
            self.country(row[i["country"]]) if "country" in i else "",
            not data and self.outside(local),
            seconds,
            kilobytes,
            self.cost(row[i["cost"]]) if "cost" in i else 0,
        )


def _datetime_adapter():
    """How an instant goes into the database: what Django's SQLite backend stores (UTC
    text), without its per-value checks; other databases take aware datetimes."""
    if connection.vendor == "sqlite":
        return lambda instant: instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return lambda instant: instant


def _insert_sql() -> str:
    meta = UsageRecord._meta
    names = [
        "usage_import",
        "subscription",
        "at",
        "kind",
        "counterpart",
        "premium",
        "roaming_country",
        "outside_hours",
        "seconds",
        "kilobytes",
        "cost_ore",
    ]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)  # type: ignore[union-attr,arg-type]
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608


@transaction.atomic
def usage_import(
    *,
    data: bytes,
    file_name: str,
    preset: str | None = None,
    columns: str | None = None,
    dry_run: bool = False,
    actor=None,
    at: datetime | None = None,
) -> ImportResult:
    """W2: the operator's usage specification. Each line is kept with the other party's
    number only as far as the report shows it; the months are summed; unusual use is
    found (anomalies) for every month the file touches."""
    at = at or now()
    digest = hashlib.sha256(data).hexdigest()
    earlier = UsageImport.objects.filter(sha256=digest).first()
    if earlier is not None:
        raise DuplicateImport(
            _("This file was imported already, on %(date)s; nothing was written.")
            % {"date": f"{earlier.imported_at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"},
        )
    usage_format = format_get(preset, columns)
    table = table_read(data)
    reader = _UsageReader(column_indices(table.header, usage_format))
    batch = UsageImport.objects.create(
        file_name=file_name[:200], preset=usage_format.name[:40], sha256=digest, rows=0, imported_at=at,
        imported_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    months: dict[tuple[int, date], _Month] = defaultdict(_Month)
    errors: list[tuple[int, str]] = []
    pending: list[tuple] = []
    sql = _insert_sql()
    adapt = _datetime_adapter()
    rows = 0
    with connection.cursor() as cursor:
        for line, row in table.rows:
            try:
                values = reader.record(row)
            except (ValueError, OverflowError, IndexError) as error:
                errors.append((line, str(error)))
                if len(errors) >= ERRORS_LISTED:
                    break
                continue
            rows += 1
            if errors:
                continue  # nothing will be written; keep looking for errors
            sub, instant, local, kind, shown, premium, country, outside, seconds, kilobytes, ore = values
            month = months[(sub, date(local.year, local.month, 1))]
            if kind == UsageKind.CALL:
                month.calls += 1
            elif kind != UsageKind.DATA:
                month.messages += 1
            month.seconds += seconds
            month.kilobytes += kilobytes
            month.cost_ore += ore
            month.outside_hours += outside
            if premium:
                month.premium += 1
                month.premium_numbers[shown] += 1
            if misuse.roaming_outside_eea(country):
                month.roaming += 1
                month.countries.add(country)
            if not dry_run:
                pending.append(
                    (batch.pk, sub, adapt(instant), kind, shown, premium, country, outside,
                     seconds, kilobytes, ore)
                )  # fmt: skip
                if len(pending) >= _INSERT_BATCH:
                    cursor.executemany(sql, pending)
                    pending.clear()
        if errors:
            raise _rejected(errors)
        if pending:
            cursor.executemany(sql, pending)
    if rows == 0:
        raise ImportRejected(_("The file has no usage lines; nothing was written."))
    result = ImportResult(rows=rows, dry_run=dry_run, months=sorted({f"{m:%Y-%m}" for _s, m in months}))
    if dry_run:
        transaction.set_rollback(True)
        return result
    batch.rows = rows
    batch.save(update_fields=["rows"])
    _months_add(months)
    premium = {key: m.premium_numbers for key, m in months.items() if m.premium_numbers}
    result.anomalies = anomalies_find(keys=set(months), at=at, premium_numbers=premium)
    return result


def _months_add(months: dict[tuple[int, date], _Month]) -> None:
    subscription_ids = {s for s, _m in months}
    existing = {
        (u.subscription_id, u.month): u
        for u in UsageMonth.objects.filter(subscription_id__in=subscription_ids)
    }
    new, changed = [], []
    for (subscription_id, month), summed in months.items():
        row = existing.get((subscription_id, month))
        if row is None:
            row = UsageMonth(subscription_id=subscription_id, month=month)
            new.append(row)
        else:
            changed.append(row)
        row.calls += summed.calls
        row.messages += summed.messages
        row.seconds += summed.seconds
        row.kilobytes += summed.kilobytes
        row.cost_ore += summed.cost_ore
        row.outside_hours += summed.outside_hours
        row.premium += summed.premium
        row.roaming += summed.roaming
        countries = set(filter(None, row.roaming_countries.split(","))) | summed.countries
        row.roaming_countries = ",".join(sorted(countries))[:200]
    UsageMonth.objects.bulk_create(new, batch_size=5000)
    UsageMonth.objects.bulk_update(
        changed,
        ["calls", "messages", "seconds", "kilobytes", "cost_ore", "outside_hours", "premium", "roaming",
         "roaming_countries"],
        batch_size=2000,
    )  # fmt: skip


def _premium_numbers(keys: set[tuple[int, date]]) -> dict[tuple[int, date], Counter]:
    """The premium-rate numbers used, per subscription and month (services: shown in full)."""
    counted: dict[tuple[int, date], Counter] = defaultdict(Counter)
    records = UsageRecord.objects.filter(premium=True, subscription_id__in={s for s, _m in keys})
    for subscription_id, at, number in records.values_list("subscription_id", "at", "counterpart"):
        local = at.astimezone(STOCKHOLM)
        key = (subscription_id, date(local.year, local.month, 1))
        if key in keys:
            counted[key][number] += 1
    return counted


def _activity(month: UsageMonth) -> int:
    return month.calls + month.messages + month.kilobytes // 1024


@transaction.atomic
def anomalies_find(
    *,
    keys: set[tuple[int, date]],
    at: datetime,
    premium_numbers: dict[tuple[int, date], Counter] | None = None,
) -> int:
    """W2: unusual use in these subscription-months, from the summed months. An anomaly
    already there keeps its review unless what was found changed. Returns how many are new
    or changed."""
    if premium_numbers is None:
        premium_numbers = _premium_numbers(keys)
    subscription_ids = {s for s, _m in keys}
    history: dict[int, list[UsageMonth]] = defaultdict(list)
    for row in UsageMonth.objects.filter(subscription_id__in=subscription_ids).order_by("month"):
        history[row.subscription_id].append(row)
    found: dict[tuple[int, date, str], str] = {}
    for subscription_id, rows in history.items():
        by_cost = any(r.cost_ore for r in rows)
        for i, row in enumerate(rows):
            if (subscription_id, row.month) not in keys:
                continue
            key = (subscription_id, row.month)
            if row.premium:
                numbers = premium_numbers.get(key) or Counter()
                listed = ", ".join(f"{n} ({c})" for n, c in numbers.most_common(5))
                found[(*key, AnomalyKind.PREMIUM)] = _(
                    "%(count)d calls or messages to premium-rate numbers: %(numbers)s"
                ) % {"count": row.premium, "numbers": listed or "–"}
            if row.roaming:
                found[(*key, AnomalyKind.ROAMING)] = _("%(count)d uses outside the EU/EEA: %(countries)s") % {
                    "count": row.roaming, "countries": row.roaming_countries.replace(",", ", "),
                }  # fmt: skip
            total = row.calls + row.messages
            if misuse.much_outside_hours(outside=row.outside_hours, total=total):
                found[(*key, AnomalyKind.OUTSIDE_HOURS)] = _(
                    "%(outside)d of %(total)d calls and messages outside working hours"
                ) % {"outside": row.outside_hours, "total": total}
            level = row.cost_ore if by_cost else _activity(row)
            earlier = [r.cost_ore if by_cost else _activity(r) for r in rows[:i]]
            times = misuse.far_above_usual(level, earlier, by_cost=by_cost)
            if times is not None:
                found[(*key, AnomalyKind.ABOVE_USUAL)] = (
                    _("%(kr)d kr, %(times).1f times the usual month") % {"kr": level // 100, "times": times}
                    if by_cost
                    else _("%(level)d calls, messages and MB, %(times).1f times the usual month")
                    % {"level": level, "times": times}
                )[:300]
    existing = {
        (a.subscription_id, a.month, a.kind): a
        for a in Anomaly.objects.filter(subscription_id__in=subscription_ids, month__in={m for _s, m in keys})
    }
    new, changed = [], []
    for (subscription_id, month, kind), detail in found.items():
        anomaly = existing.get((subscription_id, month, kind))
        if anomaly is None:
            new.append(
                Anomaly(
                    subscription_id=subscription_id, month=month, kind=kind, detail=detail[:300], found_at=at
                )
            )
        elif anomaly.detail != detail[:300]:
            anomaly.detail, anomaly.found_at = detail[:300], at
            anomaly.reviewed_at, anomaly.reviewed_by, anomaly.review_note = None, None, ""
            changed.append(anomaly)
    Anomaly.objects.bulk_create(new, batch_size=2000)
    Anomaly.objects.bulk_update(
        changed, ["detail", "found_at", "reviewed_at", "reviewed_by", "review_note"], batch_size=2000
    )
    return len(new) + len(changed)
