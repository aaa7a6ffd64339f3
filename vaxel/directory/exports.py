"""The directory as a file for the municipality's website or phone list: active people
with their title, unit, e-mail and direct number, and a mobile only while its owner
consents to it being given out (S3)."""

import csv
import io

from django.utils.translation import gettext as _

from vaxel.core.phone import display
from vaxel.directory.models import NumberKind, Person


def directory_rows() -> list[list[str]]:
    """The header and one row per active person, by name. A mobile without consent is
    left out, never shown hidden (S3)."""
    header = [_("Name"), _("Title"), _("Unit"), _("E-mail"), _("Direct number"), _("Mobile")]
    rows = [[str(h) for h in header]]
    people = Person.objects.filter(active=True).select_related("unit").prefetch_related("numbers")
    for person in people.order_by("name", "pk"):
        numbers = {n.kind: n for n in person.numbers.all()}
        direct = numbers.get(NumberKind.DIRECT)
        mobile = numbers.get(NumberKind.MOBILE)
        rows.append(
            [
                person.name,
                person.title,
                person.unit.name,
                person.email,
                display(direct.e164) or "" if direct else "",
                display(mobile.e164) or "" if mobile is not None and mobile.is_public else "",
            ]
        )
    return rows


def _safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is written as text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def directory_export(*, format: str) -> bytes:
    """The directory as CSV (semicolons, UTF-8 with BOM: Swedish Excel opens it) or .xlsx."""
    rows = directory_rows()
    if format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(_("Directory")))
        for row in rows:
            sheet.append([_safe(c) for c in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerows([[_safe(c) for c in row] for row in rows])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
