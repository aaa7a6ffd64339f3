"""The directory from a file: an HR system's or Excel's export of people, as CSV
(semicolon or comma; UTF-8, UTF-8 with BOM or Windows-1252) or a workbook (.xlsx).
Columns are found by their Swedish or English header, or named with a mapping; each
row becomes a SourcePerson for the rules in sync.py."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vaxel.core.tables import Table, table_read
from vaxel.directory.errors import ConsentFromSource, DirectoryColumnsUnknown
from vaxel.directory.sync import SourcePerson, SyncReport, directory_sync

# Växel's field, and the headers Swedish and English exports give it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "source_id": (
        "id",
        "anställningsnummer",
        "anst.nr",
        "anstnr",
        "personalnummer",
        "employee id",
        "employee number",
        "employeeid",
    ),
    "name": ("namn", "name", "fullständigt namn", "visningsnamn", "display name", "displayname", "full name"),
    "given_name": ("förnamn", "first name", "given name", "givenname"),
    "surname": ("efternamn", "last name", "surname", "sn", "family name"),
    "email": ("e-post", "epost", "e-postadress", "mejl", "email", "e-mail", "mail"),
    "title": ("titel", "befattning", "tjänstetitel", "yrkestitel", "title", "job title"),
    "unit": ("enhet", "avdelning", "arbetsplats", "unit", "department", "enhetsnamn"),
    "parent_unit": ("förvaltning", "verksamhet", "parent unit", "division"),
    "direct_number": (
        "direktnummer",
        "telefon",
        "telefonnummer",
        "arbetstelefon",
        "anknytning",
        "direct number",
        "phone",
        "telephone",
        "telephonenumber",
    ),
    "mobile": ("mobil", "mobilnummer", "mobiltelefon", "mobile", "mobile phone", "cell phone"),
    "manager": ("chef", "närmaste chef", "chefens e-post", "manager", "manager e-mail"),
}
# S3: a file never says a mobile may be given out; such a column is refused, not skipped
# in silence, so nobody believes it was imported.
CONSENT_HEADERS = ("samtycke", "mobilsamtycke", "visa mobil", "consent", "mobile consent", "mobile_consent")
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


def columns_parse(text: str | None) -> dict[str, str]:
    """`--columns email=E-post adress,unit=Kostnadsställe`: Växel's field → the header."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, header = part.partition("=")
        field = field.strip().lower().replace("-", "_")
        if not sep or field not in COLUMNS or not header.strip():
            raise DirectoryColumnsUnknown(
                _("%(part)r is no column mapping; write field=Header, the fields being %(fields)s.")
                % {"part": part.strip(), "fields": ", ".join(COLUMNS)},
            )
        mapping[field] = header.strip()
    return mapping


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    for i, name in enumerate(lowered):
        if name in CONSENT_HEADERS:
            raise ConsentFromSource(
                _(
                    "The column %(column)r says whether mobiles may be given out; a file never "
                    "does (S3): each owner gives that consent in Växel. Remove the column."
                )
                % {"column": header[i]},
            )
    found: dict[str, int] = {}
    for i, name in enumerate(lowered):
        key = _ALIASES.get(name)
        if key is not None:
            found.setdefault(key, i)
    for field, wanted in mapping.items():
        if wanted.lower() not in lowered:
            raise DirectoryColumnsUnknown(
                _("The file has no column %(column)r (for %(field)s); it has %(header)s.")
                % {"column": wanted, "field": field, "header": ", ".join(h for h in header if h)},
            )
        found[field] = lowered.index(wanted.lower())
    missing = [f for f in ("email", "unit") if f not in found]
    if "name" not in found and not {"given_name", "surname"} <= set(found):
        missing.insert(0, "name")
    if missing:
        raise DirectoryColumnsUnknown(
            _(
                "The file has no column for %(fields)s. Name them with --columns, e.g. "
                "--columns email=E-post; its columns are %(header)s."
            )
            % {"fields": ", ".join(missing), "header": ", ".join(h for h in header if h)},
            details={"missing": missing},
        )
    return found


@dataclass
class FilePeople:
    people: list[SourcePerson]
    ignored: list[str]  # columns Växel does not read


def people_read(table: Table, mapping: dict[str, str] | None = None) -> FilePeople:
    """Every row of the file as a SourcePerson."""
    found = _columns(table.header, mapping or {})
    names = {field: table.header[i] for field, i in found.items()}
    ignored = [h for i, h in enumerate(table.header) if h and i not in found.values()]
    people = []
    for line, row in table.rows:

        def cell(field: str, row=row) -> str | None:
            i = found.get(field)
            return (row[i].strip() if i < len(row) else "") if i is not None else None

        values = {
            f: v
            for f in ("email", "title", "unit", "parent_unit", "direct_number", "mobile")
            if (v := cell(f)) is not None
        }
        columns = {f: names[f] for f in values}
        if "name" in found:
            values["name"], columns["name"] = cell("name") or "", names["name"]
        else:
            values["name"] = " ".join(filter(None, (cell("given_name"), cell("surname"))))
            columns["name"] = "{} + {}".format(names["given_name"], names["surname"])
        if values.get("parent_unit") == "":
            del values["parent_unit"]
        people.append(
            SourcePerson(
                source_id=cell("source_id") or "",
                where=_("row %(line)d") % {"line": line},
                values=values,
                columns=columns,
                manager=cell("manager") or "",
            )
        )
    return FilePeople(people=people, ignored=ignored)


def directory_import(
    *,
    data: bytes,
    columns: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    complete: bool = True,
    progress: Callable[[int], Callable[[], None]] | None = None,
    actor=None,
) -> tuple[SyncReport, FilePeople]:
    """The people in a file, into the directory by the rules of sync.py. `complete`: the
    file lists everyone the files have given, so those it no longer lists have left.
    `progress(total)` gives what is called after each person."""
    read = people_read(table_read(data), columns)
    tick = progress(len(read.people)) if progress is not None else None
    report = directory_sync(
        source="file",
        people=read.people,
        complete=complete,
        dry_run=dry_run,
        skip_bad=skip_bad,
        progress=tick,
        actor=actor,
    )
    return report, read
