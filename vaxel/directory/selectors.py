"""Reads of the directory that other capabilities share."""

from django.db.models import Q
from django.utils.translation import gettext as _

from vaxel.audit.models import Change
from vaxel.core.language import in_organisation_language
from vaxel.directory.errors import NoMembers, PersonNotFound, UnitNotFound
from vaxel.directory.models import FieldSource, NumberKind, Organisation, Person, PhoneNumber, Unit
from vaxel.directory.search import Entry, SearchIndex


def organisation_get() -> Organisation:
    """The organisation; an unconfigured installation gets an unnamed one."""
    organisation = Organisation.objects.first()
    return organisation or Organisation(name="", switchboard_number="")


def unit_get(name: str) -> Unit:
    unit = Unit.objects.filter(name__iexact=(name or "").strip()).first()
    if unit is None:
        raise UnitNotFound(
            _("There is no unit called %(name)r; list units in the admin or add it with 'vaxel unit add'.")
            % {"name": name},
            details={"unit": name},
        )
    return unit


def person_get(email: str) -> Person:
    person = Person.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise PersonNotFound(
            _(
                "There is nobody with the e-mail address %(email)r; check the spelling or add the "
                "person with 'vaxel person add'."
            )
            % {"email": email},
            details={"email": email},
        )
    return person


def people_get(emails: list[str]) -> list[Person]:
    if not emails:
        raise NoMembers(_("Name at least one member by e-mail address."))
    return [person_get(email) for email in emails]


@in_organisation_language
def answer_phrase(*, name: str, workplace: str, organisation: str) -> str:
    """E2: how the person answers the phone: name, workplace and the organisation, in
    the organisation's language (what callers hear)."""
    return _("%(workplace)s, %(organisation)s, %(name)s speaking.") % {
        "name": name,
        "workplace": workplace,
        "organisation": organisation,
    }


def units_query(*, search: str = "", parent_id: int | None = None):
    units = Unit.objects.select_related("parent").prefetch_related(
        "keywords", "managers", "telephone_hours__weekly", "telephone_hours__exceptions"
    )
    if search:
        units = units.filter(Q(name__icontains=search) | Q(keywords__word__icontains=search)).distinct()
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    return units.order_by("name", "id")


def unit_paths() -> dict[int, list[str]]:
    """Each unit's path from the top of the tree, in one query."""
    rows = {u["id"]: u for u in Unit.objects.values("id", "name", "parent_id")}
    paths: dict[int, list[str]] = {}

    def path(unit_id: int) -> list[str]:
        if unit_id not in paths:
            row = rows[unit_id]
            paths[unit_id] = [*(path(row["parent_id"]) if row["parent_id"] in rows else []), row["name"]]
        return paths[unit_id]

    for unit_id in rows:
        path(unit_id)
    return paths


def people_query(*, search: str = "", unit_id: int | None = None):
    people = Person.objects.select_related("unit").prefetch_related("numbers")
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(title__icontains=search)
            | Q(unit__name__icontains=search)
        )
    if unit_id is not None:
        people = people.filter(unit_id=unit_id)
    return people.order_by("name", "id")


def numbers_query(*, kind: str | None = None):
    """Every number that may be shown: a mobile without its owner's consent is left out (S3)."""
    numbers = (
        PhoneNumber.objects.select_related("person", "group")
        .prefetch_related("group__members")
        .exclude(kind=NumberKind.MOBILE, disclosure_consent=False)
    )
    if kind:
        numbers = numbers.filter(kind=kind)
    return numbers.order_by("e164", "id")


_search_cache: dict[str, object] = {}
DIRECTORY_ENTITIES = ("person", "unit", "number", "shared_number")


def search_index():
    """The search index of the directory, rebuilt when the directory changed. The change
    log is shared by every server process, so each process notices another's changes."""

    version = (
        Change.objects.filter(entity__in=DIRECTORY_ENTITIES)
        .order_by("-id")
        .values_list("id", flat=True)
        .first(),
        Person.objects.count(),
        Unit.objects.count(),
    )
    if _search_cache.get("version") != version:
        units = {u.pk: u for u in Unit.objects.prefetch_related("keywords")}
        # A unit is asked for by its name and its services; a person by their name, and
        # found by title and unit too, below anyone whose name matches (search.py).
        entries = [
            Entry("unit", u.pk, " ".join([u.name, *(k.word for k in u.keywords.all())]), weight=1.1)
            for u in units.values()
        ]
        entries += [
            Entry("person", pk, name, other=f"{title} {units[unit_id].name}")
            for pk, name, title, unit_id in Person.objects.filter(active=True).values_list(
                "pk", "name", "title", "unit_id"
            )
        ]
        _search_cache.update(version=version, index=SearchIndex.build(entries))
    return _search_cache["index"]


def search_directory(query: str, *, limit: int = 20) -> list[tuple[str, int, float]]:
    """(kind, id, score) of the best matches for what is typed, best first."""
    return [(entry.kind, entry.id, score) for entry, score in search_index().search(query, limit=limit)]  # type: ignore[attr-defined]


def field_sources_get(*, person: Person) -> dict[str, FieldSource]:
    """Which directory source last changed each of the person's fields, and when."""
    return {fs.field: fs for fs in person.field_sources.all()}
