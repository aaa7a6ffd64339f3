"""The rules every directory source follows (LDAP/Active Directory, an Excel or CSV file,
SCIM): a source hands over people as `SourcePerson`s and `directory_sync` applies them.

- People are matched by their stable id in the source, then by e-mail; units are
  matched by name (case does not matter) or created, under their parent when given.
- A source writes only the fields it owns: name, e-mail, title, unit, direct number,
  mobile number. Absences, the answer phrase, the voicemail greeting and mobile consent
  are Växel's: no source writes them, and a source NEVER says yes to consent (S3): a
  new mobile starts private, a mobile that stays the same keeps what its owner said.
- Leavers (in a complete run, the source's people it no longer lists) are deactivated,
  never deleted, by the leaver service (E1): their direct number goes to the
  switchboard and their unit's managers are asked to reassign it.
- Each field remembers the source that last changed it (FieldSource); every change is
  in the change log and the live change feed (C1), with the source as its author.
- Bad input: every record is checked, each error names the row and column (or the DN);
  with any error nothing is written, unless `skip_bad`: then the good people are
  written whole and the bad listed. A dry run does everything and rolls it back.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.core import phone
from vaxel.core.errors import VaxelError
from vaxel.core.text import one_line
from vaxel.core.time import now
from vaxel.directory.errors import NumberTaken, PersonExists, SyncRejected
from vaxel.directory.models import FieldSource, NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.directory.services import _ensure_number_free, person_deactivate, person_facts

SOURCES = {
    "ldap": gettext_lazy("LDAP/Active Directory"),
    "file": gettext_lazy("file import"),
    "scim": gettext_lazy("SCIM (Entra ID)"),
}

# The fields a source owns, in the order a report names them.
FIELDS = ("name", "email", "title", "unit", "parent_unit", "direct_number", "mobile")
FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("e-mail"),
    "title": gettext_lazy("title"),
    "unit": gettext_lazy("unit"),
    "parent_unit": gettext_lazy("parent unit"),
    "direct_number": gettext_lazy("direct number"),
    "mobile": gettext_lazy("mobile"),
}
ERRORS_LISTED = 50


def source_label(source: str) -> str:
    """The source as the change log names its author."""
    return str(SOURCES[source])


@dataclass
class SourcePerson:
    """One person as a source has them. `values` holds only the fields the source gives
    (a file without a title column leaves titles alone); `columns` names, per field, the
    column or attribute it came from, for errors. `manager` is the source id or e-mail of
    the person's manager, who becomes a manager of the person's unit."""

    source_id: str
    where: str
    values: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)
    manager: str = ""
    active: bool = True  # False: the source has them disabled; they are not made active again


@dataclass
class SyncChange:
    name: str
    email: str
    fields: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    source: str
    dry_run: bool
    added: list[SyncChange] = field(default_factory=list)
    changed: list[SyncChange] = field(default_factory=list)
    deactivated: list[SyncChange] = field(default_factory=list)
    unchanged: int = 0
    units_added: list[str] = field(default_factory=list)
    managers_added: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0


class _Bad(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors


def _clean(record: SourcePerson, *, new: bool) -> dict[str, str]:
    """The record's values checked and normalised, or _Bad with every error in it."""
    errors: list[str] = []
    clean: dict[str, str] = {}

    def fail(name: str, message: str) -> None:
        column = record.columns.get(name) or str(FIELD_LABELS[name])
        errors.append(
            _("%(where)s, %(column)s: %(error)s")
            % {"where": record.where, "column": column, "error": message}
        )

    for name, raw in record.values.items():
        label = str(FIELD_LABELS[name])
        try:
            if name in ("direct_number", "mobile"):
                if raw.strip():
                    clean[name] = phone.normalise(raw, field=label)
                continue
            value = one_line(raw, field=label, longest=254 if name == "email" else 200)
            if name == "email":
                value = value.lower()
                try:
                    validate_email(value)
                except ValidationError:
                    fail(name, _("%(email)r is not an e-mail address.") % {"email": value})
                    continue
            if name in ("name", "email", "unit") and not value:
                fail(name, _("is empty; every person needs one."))
                continue
            clean[name] = value
        except VaxelError as error:
            fail(name, error.message)
    for name in ("name", "email", "unit") if new else ():
        if name not in record.values:
            fail(name, _("is missing; a new person needs one."))
    if clean.get("direct_number") and clean.get("direct_number") == clean.get("mobile"):
        fail("mobile", _("The direct number and the mobile cannot be the same number."))
    if errors:
        raise _Bad(errors)
    return clean


class _Run:
    """One sync: the people and units known, so 40,000 people are not looked up one by one."""

    def __init__(self, source: str, report: SyncReport, records: list[SourcePerson], actor=None):
        self.source = source
        self.actor = actor  # who ran it (an administrator's upload), kept beside the source
        self.label = source_label(source)
        self.report = report
        people = self._people_for(records)
        self.by_id = {p.source_id: p for p in people if p.source == source and p.source_id}
        self.by_email = {p.email.lower(): p for p in people}
        self.units = {u.name.lower(): u for u in Unit.objects.all()}
        # Their numbers, and which numbers are taken (E1), read once.
        self.numbers: dict[int, dict[str, PhoneNumber]] = defaultdict(dict)
        self.taken: set[str] = set(PhoneNumber.objects.values_list("e164", flat=True))
        self.taken.update(n for n in Organisation.objects.values_list("switchboard_number", flat=True) if n)
        for chunk in _chunks([p.pk for p in people]):
            for number in PhoneNumber.objects.filter(person__in=chunk):
                if number.person_id is not None:
                    self.numbers[number.person_id][number.kind] = number
        self.seen: set[int] = set()
        self.listed: set[int] = set()  # matched, written or not: a bad row is no leaver
        self.seen_ids: set[str] = set()
        self.managers: list[tuple[Person, str, str]] = []
        self.sources: list[FieldSource] = []

    def _people_for(self, records: list[SourcePerson]) -> list[Person]:
        """The people the records may be: everyone for a large run, else those with
        their ids or e-mail addresses (an incremental run of a few changes)."""
        if len(records) > 2000:
            return list(Person.objects.select_related("unit"))
        ids = {r.source_id for r in records if r.source_id} | {r.manager for r in records if r.manager}
        emails = {r.values.get("email", "").strip().lower() for r in records} | {
            r.manager.lower() for r in records if r.manager
        }
        found: dict[int, Person] = {}
        for chunk in _chunks(sorted(ids)):
            people = Person.objects.filter(source=self.source, source_id__in=chunk).select_related("unit")
            found.update((p.pk, p) for p in people)
        for chunk in _chunks(sorted(e for e in emails if e)):
            people = Person.objects.filter(email__in=chunk).select_related("unit")
            found.update((p.pk, p) for p in people)
        return list(found.values())

    def unit(self, name: str, parent: str | None) -> Unit:
        found = self.units.get(name.lower())
        if found is not None:
            return found
        parent_unit = self.unit(parent, None) if parent and parent.lower() != name.lower() else None
        unit = Unit.objects.create(name=name, parent=parent_unit)
        change_record(
            actor=self.actor,
            entity="unit",
            entity_id=unit.pk,
            action=ChangeAction.CREATED,
            unit=unit,
            summary=_("New unit %(name)s") % {"name": unit.name},
            after={"name": unit.name, "parent": parent_unit.name if parent_unit else None, "keywords": []},
            source=self.label,
        )
        self.units[name.lower()] = unit
        self.report.units_added.append(unit.name)
        return unit

    def apply(self, record: SourcePerson) -> None:
        existing = self.by_id.get(record.source_id) if record.source_id else None
        email = record.values.get("email", "").strip().lower()
        if existing is None and email:
            existing = self.by_email.get(email)
        if existing is not None:
            self.listed.add(existing.pk)
        values = _clean(record, new=existing is None)
        key = record.source_id or values.get("email", "")
        if key in self.seen_ids or (existing is not None and existing.pk in self.seen):
            raise _Bad([_("%(where)s: this person appears twice.") % {"where": record.where}])
        self.seen_ids.add(key)
        try:
            # Checked above without a savepoint (a rolled-back savepoint costs Django a walk
            # over every pending on-commit callback); written whole, or not at all.
            with transaction.atomic():
                if existing is None:
                    person = self._create(record, values)
                else:
                    person = self._update(existing, record, values)
        except VaxelError as error:
            raise _Bad([f"{record.where}: {error.message}"]) from None
        self.seen.add(person.pk)
        if record.manager:
            self.managers.append((person, record.manager, record.where))

    def number_free(self, e164: str) -> None:
        if e164 in self.taken:
            _ensure_number_free(e164)  # says whose it is
            raise NumberTaken(_("%(number)s is taken.") % {"number": phone.display(e164)})

    def facts(self, person: Person) -> dict:
        """person_facts, from the numbers read once."""
        return person_facts(person, self.numbers.get(person.pk, {}))

    def _remember(self, person: Person, fields: Iterable[str], *, new: bool) -> None:
        at = now()
        if new:
            self.sources.extend(
                FieldSource(person=person, field=f, source=self.source, changed_at=at) for f in fields
            )
            return
        for name in fields:
            FieldSource.objects.update_or_create(
                person=person, field=name, defaults={"source": self.source, "changed_at": at}
            )

    def _create(self, record: SourcePerson, values: dict[str, str]) -> Person:
        email = values["email"]
        if email in self.by_email:
            raise PersonExists(
                _("Somebody with the e-mail address %(email)r already exists.") % {"email": email}
            )
        for number in filter(None, (values.get("direct_number"), values.get("mobile"))):
            self.number_free(number)
        home = self.unit(values["unit"], values.get("parent_unit"))
        person = Person.objects.create(
            name=values["name"],
            email=email,
            title=values.get("title", ""),
            unit=home,
            source=self.source,
            source_id=record.source_id,
        )
        if values.get("direct_number"):
            self._number_add(person, values["direct_number"], NumberKind.DIRECT)
        if values.get("mobile"):  # S3: a source's mobile starts private; consent is the owner's
            self._number_add(person, values["mobile"], NumberKind.MOBILE)
        self._remember(person, values, new=True)
        change_record(
            actor=self.actor,
            entity="person",
            entity_id=person.pk,
            action=ChangeAction.CREATED,
            unit=home,
            summary=_("New in %(unit)s: %(name)s") % {"unit": home.name, "name": person.name},
            after=self.facts(person),
            source=self.label,
        )
        self.by_email[email] = person
        if record.source_id:
            self.by_id[record.source_id] = person
        self.report.added.append(SyncChange(person.name, person.email, sorted(values)))
        return person

    def _number_add(self, person: Person, e164: str, kind: str) -> PhoneNumber:
        number = PhoneNumber.objects.create(
            e164=e164,
            kind=kind,
            person=person,
            consent_changed_at=now() if kind == NumberKind.MOBILE else None,
        )
        self.numbers[person.pk][kind] = number
        self.taken.add(e164)
        return number

    def _update(self, person: Person, record: SourcePerson, values: dict[str, str]) -> Person:
        before = self.facts(person)
        changed: list[str] = []
        numbers = self.numbers.get(person.pk, {})
        new_numbers = []  # checked before anything is written: a bad person is written not at all
        for name, kind in (("direct_number", NumberKind.DIRECT), ("mobile", NumberKind.MOBILE)):
            number = values.get(name)
            current = numbers.get(kind)
            if not number or (current is not None and current.e164 == number):
                continue  # the same number keeps its consent; an empty cell leaves the number
            self.number_free(number)
            new_numbers.append((name, kind, number, current))
        email = values.get("email")
        other = self.by_email.get(email) if email else None
        if other is not None and other.pk != person.pk:
            raise PersonExists(
                _("Somebody with the e-mail address %(email)r already exists.") % {"email": email}
            )
        adopted = person.source != self.source or person.source_id != record.source_id
        if adopted:
            person.source, person.source_id = self.source, record.source_id
        for name in ("name", "title"):
            if name in values and getattr(person, name) != values[name]:
                setattr(person, name, values[name])
                changed.append(name)
        if email and email != person.email:
            self.by_email.pop(person.email.lower(), None)
            person.email = email
            self.by_email[email] = person
            changed.append("email")
        if "unit" in values and person.unit.name.lower() != values["unit"].lower():
            person.unit = self.unit(values["unit"], values.get("parent_unit"))
            changed.append("unit")
        if not person.active and record.active:  # back again: listed by the source as one of its people
            person.active = True
            changed.append("active")
        if changed or adopted:
            person.save()
        for name, kind, number, current in new_numbers:
            if current is not None:
                current.delete()
                self.taken.discard(current.e164)
            self._number_add(person, number, kind)
            changed.append(name)
        if not changed:
            self.report.unchanged += 1
            return person
        self._remember(person, [c for c in changed if c != "active"], new=False)
        change_record(
            actor=self.actor,
            entity="person",
            entity_id=person.pk,
            action=ChangeAction.UPDATED,
            unit=person.unit,
            summary=_("%(name)s changed: %(fields)s")
            % {"name": person.name, "fields": ", ".join(str(FIELD_LABELS.get(c, c)) for c in changed)},
            before=before,
            after=self.facts(person),
            source=self.label,
        )
        self.report.changed.append(SyncChange(person.name, person.email, changed))
        return person

    def leavers_deactivate(self, listed_ids: set[str] | None) -> None:
        listed = self.seen | self.listed
        leavers = [
            p
            for p in Person.objects.filter(source=self.source, active=True).order_by("name")
            if p.pk not in listed and (listed_ids is None or p.source_id not in listed_ids)
        ]
        for person in leavers:
            person_deactivate(email=person.email, actor=self.actor, source=self.label)
            self.report.deactivated.append(SyncChange(person.name, person.email, ["active"]))

    def managers_set(self) -> None:
        """The manager a source names for a person becomes a manager of their unit."""
        for person, ref, where in self.managers:
            manager = self.by_id.get(ref) or self.by_email.get(ref.lower())
            if manager is None or not manager.active or manager.pk == person.pk:
                if manager is None:
                    self.report.errors.append(
                        _("%(where)s: the manager %(ref)s is not in the directory; left out.")
                        % {"where": where, "ref": ref}
                    )
                continue
            unit = person.unit
            if unit.managers.filter(pk=manager.pk).exists():
                continue
            unit.managers.add(manager)
            change_record(
                actor=self.actor,
                entity="unit",
                entity_id=unit.pk,
                action=ChangeAction.UPDATED,
                unit=unit,
                summary=_("%(name)s manages %(unit)s") % {"name": manager.name, "unit": unit.name},
                after={"managers": sorted(unit.managers.values_list("email", flat=True))},
                source=self.label,
            )
            self.report.managers_added.append(f"{unit.name}: {manager.name}")


def _chunks(values: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _rejected(errors: list[str]) -> SyncRejected:
    shown = "; ".join(errors[:10]) + ("; …" if len(errors) > 10 else "")
    return SyncRejected(
        _("The directory was not updated; nothing was written. %(errors)s") % {"errors": shown},
        details={"errors": errors[:ERRORS_LISTED]},
    )


@transaction.atomic
def directory_sync(
    *,
    source: str,
    people: Iterable[SourcePerson],
    complete: bool,
    listed_ids: set[str] | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Callable[[], None] | None = None,
    actor=None,
) -> SyncReport:
    """Apply what `source` has to the directory (the rules are in this module's
    docstring). `complete`: `people` is every person the source has, so the source's
    people it does not list have left; `listed_ids`, for a source that hands over only
    what changed: the ids of everyone it still has (the others have left).
    SyncRejected, with nothing written, when a record is bad (unless `skip_bad`)."""
    report = SyncReport(source=source, dry_run=dry_run)
    people = list(people)
    run = _Run(source, report, people, actor)
    bad = 0
    for record in people:
        try:
            run.apply(record)  # a bad person is written not at all, never half
        except _Bad as error:
            bad += 1
            report.errors.extend(error.errors)
        if progress is not None:
            progress()
    if bad and not skip_bad:
        raise _rejected(report.errors)
    report.skipped = bad
    FieldSource.objects.bulk_create(run.sources, batch_size=2000)
    if complete:
        run.leavers_deactivate(listed_ids)
    run.managers_set()
    if dry_run:
        transaction.set_rollback(True)
    return report
