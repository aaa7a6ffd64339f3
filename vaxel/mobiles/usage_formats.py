"""W2: the mobile operators' usage specifications, column by column. Operators name
their columns differently, so a format is a mapping from Växel's fields to a file's
column names; presets hold the usual ones, `--columns` any other. Pure.

Fields: number (the subscription, required), at (date and time) or date + time
(required), kind (call, SMS, MMS, data), counterpart (the number called or texted),
seconds (a call's length: seconds or h:mm:ss), kilobytes, cost (kronor, decimal comma
or point), country (where it was used: ISO 3166 code or name; empty at home).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from vaxel.core.time import STOCKHOLM
from vaxel.mobiles.errors import UnknownColumns, UnknownPreset
from vaxel.mobiles.models import UsageKind

FIELDS = ("number", "at", "date", "time", "kind", "counterpart", "seconds", "kilobytes", "cost", "country")


@dataclass(frozen=True)
class UsageFormat:
    name: str
    columns: dict[str, str]  # field -> column name in the file
    ignored: tuple[str, ...] = field(default=())  # columns known to carry nothing Växel needs


# Shaped after the operators' specification exports as their business portals name the
# columns; check the names against your own file (docs/mobiles.md) and use --columns
# where they differ.
PRESETS = {
    "vaxel": UsageFormat(
        "vaxel",
        {f: f for f in ("number", "at", "kind", "counterpart", "seconds", "kilobytes", "cost", "country")},
    ),
    "telia": UsageFormat(
        "telia",
        {
            "number": "Anknytning",
            "date": "Datum",
            "time": "Klockslag",
            "kind": "Tjänst",
            "counterpart": "Till nummer",
            "seconds": "Samtalstid",
            "kilobytes": "Volym (kB)",
            "cost": "Belopp",
            "country": "Land",
        },
        ("Användare", "Kostnadsställe", "Moms", "Beskrivning"),
    ),
    "tele2": UsageFormat(
        "tele2",
        {
            "number": "Abonnemang",
            "at": "Starttid",
            "kind": "Typ",
            "counterpart": "B-nummer",
            "seconds": "Längd (s)",
            "kilobytes": "Datamängd (KB)",
            "cost": "Kostnad (kr)",
            "country": "Land",
        },
        ("Namn", "Referens", "Zon"),
    ),
    "telenor": UsageFormat(
        "telenor",
        {
            "number": "Mobilnummer",
            "date": "Datum",
            "time": "Tid",
            "kind": "Trafiktyp",
            "counterpart": "Motpart",
            "seconds": "Varaktighet",
            "kilobytes": "Kilobyte",
            "cost": "Pris exkl. moms",
            "country": "Nätverksland",
        },
        ("Användarnamn", "Kostnadsställe"),
    ),
}

KIND_WORDS = {
    "call": UsageKind.CALL, "samtal": UsageKind.CALL, "röstsamtal": UsageKind.CALL, "tal": UsageKind.CALL,
    "voice": UsageKind.CALL, "utlandssamtal": UsageKind.CALL, "röst": UsageKind.CALL,
    "sms": UsageKind.SMS, "text": UsageKind.SMS, "meddelande": UsageKind.SMS,
    "mms": UsageKind.MMS, "bildmeddelande": UsageKind.MMS,
    "data": UsageKind.DATA, "surf": UsageKind.DATA, "mobildata": UsageKind.DATA, "gprs": UsageKind.DATA,
    "datatrafik": UsageKind.DATA,
}  # fmt: skip


def format_get(preset: str | None, columns: str | None) -> UsageFormat:
    """The preset by name, with `columns` ("field=Column,field=Column") over it; or
    `columns` alone."""
    base = UsageFormat("custom", {})
    if preset:
        base = PRESETS.get(preset.strip().lower())  # type: ignore[assignment]
        if base is None:
            raise UnknownPreset(
                _("There is no usage format called %(name)r; choose one of %(names)s or give --columns.")
                % {"name": preset, "names": ", ".join(sorted(PRESETS))},
            )
    mapping = dict(base.columns)
    for pair in filter(None, (p.strip() for p in (columns or "").split(","))):
        name, sep, column = pair.partition("=")
        name = name.strip().lower()
        if not sep or name not in FIELDS or not column.strip():
            raise UnknownColumns(
                _("%(pair)r is no column mapping: write field=Column, with a field among %(fields)s.")
                % {"pair": pair, "fields": ", ".join(FIELDS)},
            )
        mapping[name] = column.strip()
    has_time = "at" in mapping or ("date" in mapping and "time" in mapping)
    if "number" not in mapping or not has_time:
        raise UnknownColumns(
            _(
                "A usage format needs the columns number and at (or date and time); "
                "use --preset or --columns."
            ),
        )
    return UsageFormat(base.name if not columns else f"{base.name}+columns", mapping, base.ignored)


def column_indices(header: list[str], usage_format: UsageFormat) -> dict[str, int]:
    """Where each field is in the file. UnknownColumns names the columns the format
    expects and the file lacks, and the file's columns the format does not know."""
    positions = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in usage_format.columns.values() if c.lower() not in positions]
    known = {c.lower() for c in usage_format.columns.values()} | {c.lower() for c in usage_format.ignored}
    unknown = [h for h in header if h.strip() and h.strip().lower() not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("lacks %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            parts.append(
                _("has columns the format does not know: %(columns)s") % {"columns": ", ".join(unknown)}
            )
        raise UnknownColumns(
            _(
                "The file does not match the format %(format)s: it %(problems)s. Choose another --preset "
                "or map the columns with --columns field=Column."
            )
            % {"format": usage_format.name, "problems": _(" and it ").join(parts)},
            details={"missing": missing, "unknown": unknown},
        )
    return {f: positions[c.lower()] for f, c in usage_format.columns.items()}


def parse_at(text: str) -> datetime:
    """ISO 8601 date and time (a space or T between); Stockholm time without an offset.
    ValueError when it is not one."""
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)


def parse_seconds(text: str) -> int:
    value = text.strip()
    if not value:
        return 0
    if ":" in value:
        total = 0
        for part in value.split(":"):
            total = total * 60 + int(part)
        return total
    return round(float(value.replace(",", ".")))


def parse_ore(text: str) -> int:
    """Kronor as written (12,50 · 12.50 · 1 234,50) in öre."""
    value = text.strip().replace("\xa0", "").replace(" ", "")
    if not value:
        return 0
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    return round(float(value) * 100)


def parse_kilobytes(text: str) -> int:
    value = text.strip().replace(" ", "")
    return round(float(value.replace(",", "."))) if value else 0
