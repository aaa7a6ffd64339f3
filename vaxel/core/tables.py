"""The edge where files people upload come in (the operator's subscription lists and
usage, the directory's people): CSV (semicolon, comma or tab; UTF-8,
UTF-8 with BOM or Windows-1252) or an Excel workbook (.xlsx, its first sheet). Rows come
out as lists of strings with their line (or row) number, whatever the file was."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from vaxel.core.errors import UnreadableFile

XLSX_MAGIC = b"PK\x03\x04"
LARGEST_FILE = 1024 * 1024 * 1024  # 1 GB: a year of an organisation's usage is far less


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Swedish Windows


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]
    except Exception as error:  # a zip that is no workbook, a broken sheet: the file's fault
        raise UnreadableFile(
            _("The file could not be read as an Excel workbook (.xlsx): %(error)s") % {"error": error},
        ) from None

    def cells() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(rows, start=2):
            values = [_cell(v) for v in row]
            if any(values):
                yield number, values

    return Table(header=header, rows=cells())


def file_read(path: str) -> bytes:
    """A file's bytes, or UnreadableFile saying why not."""
    from pathlib import Path

    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise UnreadableFile(
            _("%(file)s cannot be read: %(error)s") % {"file": path, "error": error.strerror}
        ) from None


def table_read(data: bytes) -> Table:
    """The file's header and rows. UnreadableFile when it is empty, too large or neither
    CSV nor a workbook."""
    if len(data) > LARGEST_FILE:
        raise UnreadableFile(_("The file is larger than 1 GB; split it by month."))
    if data.startswith(XLSX_MAGIC):
        return _xlsx(data)
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("The file is neither CSV text nor an Excel workbook (.xlsx)."))
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise UnreadableFile(_("The file is empty: it needs a header line and rows."))

    def cells() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if row and any(row):
                yield reader.line_num, row

    return Table(header=header, rows=cells())
