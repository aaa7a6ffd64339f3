"""The demo municipality: about 1,000 employees in 60 units, generated deterministically
from a seed and the data in demo_data/municipality.json (names, units, keywords)."""

import json
import random
import secrets
import unicodedata
from datetime import date, datetime, time, timedelta
from pathlib import Path

import phonenumbers
from django.db import transaction

from vaxel.access.services import user_add
from vaxel.availability import services as availability
from vaxel.core import phone
from vaxel.core.time import at_local, local_date, now
from vaxel.directory import services as directory
from vaxel.directory.models import Organisation, Person, PhoneNumber, Unit
from vaxel.servicelevels.services import call_records_refresh
from vaxel.telephony.models import CallEvent

DATA = Path(__file__).parent / "demo_data" / "municipality.json"


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if c.isascii() and c.isalnum())


def _number_range(first: str, count: int):
    start = phonenumbers.parse(first, "SE")
    for offset in range(count):
        yield f"+{start.country_code}{int(start.national_number or 0) + offset}"


def _title(rng: random.Random, titles: dict[str, list[str]], unit: str) -> str:
    for key, choices in titles.items():
        if key != "default" and key.lower() in unit.lower():
            return rng.choice(choices)
    return rng.choice(titles["default"])


@transaction.atomic
def demo_load(*, seed: int = 2014, people: int = 1000) -> str:
    """Fill an empty directory. Refuses to touch one that already has people."""
    if Person.objects.exists():
        return "The directory already has people; the demo was not loaded."
    data = json.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    org = data["organisation"]
    directory.organisation_set(name=org["name"], switchboard_number=org["switchboard_number"])
    availability.opening_hours_set(**data["opening_hours"])

    directs = _number_range(*data["direct_number_range"])
    shareds = _number_range(*data["shared_number_range"])
    used_emails: set[str] = set()
    scale = people / 1000
    units = [(u, None) for u in data["units"]]
    units += [(c, u["name"]) for u in data["units"] for c in u.get("children", [])]
    created = 0
    everyone: list[str] = []
    for unit, parent in units:
        availability.unit_open(
            name=unit["name"],
            parent=parent,
            keywords=unit["keywords"],
            telephone_hours=unit.get("telephone_hours"),
        )
        members: list[str] = []
        for index in range(max(1, round(unit["size"] * scale))):
            first, last = rng.choice(data["first_names"]), rng.choice(data["last_names"])
            email = f"{_ascii(first)}.{_ascii(last)}"
            suffix = 2
            while email in used_emails:
                email, suffix = f"{_ascii(first)}.{_ascii(last)}{suffix}", suffix + 1
            used_emails.add(email)
            has_mobile = rng.random() < 0.6
            manager = index == 0
            directory.person_add(
                name=f"{first} {last}",
                email=f"{email}@{org['email_domain']}",
                unit=unit["name"],
                title=("chef" if manager else _title(rng, data["titles"], unit["name"])),
                direct_number=next(directs),
                mobile=(
                    f"{rng.choice(data['mobile_prefixes'])}{rng.randrange(10**6, 10**7)}"
                    if has_mobile
                    else None
                ),
                mobile_consent=(rng.random() < data["mobile_consent_share"]) if has_mobile else None,
                consent_record="demo: signed consent form",
                manager=manager,
            )
            members.append(f"{email}@{org['email_domain']}")
        if unit.get("shared"):
            directory.shared_number_add(
                number=next(shareds), unit=unit["name"], members=members[1:6] or members, name=unit["shared"]
            )
        everyone.extend(members)
        created += len(members)
    absences = _demo_absences(rng, everyone, local_date(now()))
    calls = _demo_calls(rng, local_date(now()), per_day=max(10, round(300 * scale)))
    return (
        f"Loaded {org['name']}: {len(units)} units, {created} people, {absences} absences, "
        f"{calls} calls in the last {DEMO_CALL_WEEKS} weeks."
    )


def demo_admin_create(*, password: str | None = None) -> tuple[str, list[str]] | None:
    """The demo's logins, when there is no user at all yet, with one password: an
    administrator "admin", a switchboard operator "telefonist", a manager "chef" (the
    first unit's manager with colleagues: Min sida, the unit's page, its statistics) and
    an employee "anstalld" in that unit (Min sida). Returns the password (generated
    unless given) and a line per login, or None when users exist."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    if users.objects.exists():
        return None
    password = password or secrets.token_urlsafe(12)
    user_add(username="admin", password=password, roles="administrator")
    user_add(username="telefonist", password=password, roles="operator")
    lines = ["admin (administrator, /admin/)", "telefonist (operator, the console at /konsol/)"]
    for unit in Unit.objects.filter(managers__isnull=False).distinct().order_by("name"):
        manager = unit.managers.order_by("pk").first()
        if manager is None:
            continue
        employee = unit.members.filter(active=True).exclude(pk=manager.pk).order_by("pk").first()
        if employee is None:
            continue
        user_add(username="chef", password=password, person=manager.email)
        user_add(username="anstalld", password=password, person=employee.email)
        lines.append(f"chef ({manager.name}, manager of {unit.name}: /min-sida/, /min-sida/enheter/)")
        lines.append(f"anstalld ({employee.name}, employee in {unit.name}: /min-sida/)")
        break
    return password, lines


def demo_open_today(*, at: datetime) -> list[date]:
    """Opening-hours exceptions that keep the demo's switchboard open all of today and
    tomorrow, so the simulated calls queue at any hour (S4's closed answer is then heard
    only on other days). Returns the days."""
    today = local_date(at)
    days = [today, today + timedelta(days=1)]
    for day in days:
        availability.schedule_exception_add(day=day, hours="00:00-24:00")
    return days


def _demo_absences(rng: random.Random, emails: list[str], today: date) -> int:
    """Absences around today, so the demo shows merged diversions (E3) at once."""
    count = 0
    people = {p.email: p for p in Person.objects.filter(email__in=emails).select_related("unit")}
    for email in rng.sample(emails, k=len(emails) // 8):
        person = people[email]
        kind = rng.random()
        if kind < 0.35:  # meeting then lunch: one absence 10–13 (E3)
            availability.absence_add(
                person=person,
                reason="meeting",
                starts_at=at_local(today, time(10)),
                ends_at=at_local(today, time(12)),
                note="Ledningsgrupp",
            )
            availability.absence_add(
                person=person,
                reason="lunch",
                starts_at=at_local(today, time(12)),
                ends_at=at_local(today, time(13)),
            )
        elif kind < 0.6:
            start = at_local(today, time(rng.choice([8, 9, 13, 14])))
            availability.absence_add(
                person=person,
                reason=rng.choice(["meeting", "home_visit", "training"]),
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
        elif kind < 0.8:
            availability.absence_add(
                person=person,
                reason="vacation",
                starts_at=at_local(today - timedelta(days=2), time(0)),
                ends_at=at_local(today + timedelta(days=rng.randrange(1, 9)), time(8)),
            )
        elif kind < 0.9:
            availability.absence_add(
                person=person,
                reason="sick",
                starts_at=at_local(today, time(7)),
                ends_at=None,
                divert_to="voicemail",
            )
        else:
            availability.absence_add(
                person=person,
                reason="gone_for_the_day",
                starts_at=at_local(today, time(15)),
                ends_at=at_local(today + timedelta(days=1), time(8)),
            )
        count += 1
    return count


DEMO_CALL_WEEKS = 8


def _demo_calls(rng: random.Random, today: date, *, per_day: int) -> int:
    """Eight weeks of call history for the statistics page, as a PBX would have reported
    it: most calls in the morning, some answered late, some abandoned, a few internal."""

    numbers = list(PhoneNumber.objects.exclude(kind="mobile").values_list("e164", flat=True))
    switchboard = phone.lookup_key(Organisation.objects.get().switchboard_number) or ""
    events, calls = [], []
    for offset in range(DEMO_CALL_WEEKS * 7, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for n in range(per_day):
            call = f"demo-{day:%Y%m%d}-{n}"
            arrived = at_local(
                day, time(rng.choice([8, 8, 9, 9, 9, 10, 10, 11, 13, 14, 15, 16]), rng.randrange(60))
            )
            called = switchboard if rng.random() < 0.3 else rng.choice(numbers)
            calling = rng.choice(numbers) if rng.random() < 0.05 else f"+4636{rng.randrange(10**6, 10**7)}"
            steps = [("arrived", arrived)]
            if rng.random() < 0.87:
                answered = arrived + timedelta(seconds=int(rng.expovariate(1 / 12)))
                steps += [
                    ("answered", answered),
                    ("ended", answered + timedelta(seconds=rng.randrange(30, 400))),
                ]
            else:
                steps.append(("abandoned", arrived + timedelta(seconds=rng.randrange(5, 60))))
            events += [
                CallEvent(
                    event_id=f"{call}-{kind}", call_id=call, kind=kind, at=at, called=called, calling=calling
                )
                for kind, at in steps
            ]
            calls.append(call)
    CallEvent.objects.bulk_create(events, batch_size=2000, ignore_conflicts=True)
    return call_records_refresh(calls)
