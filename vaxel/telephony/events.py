"""Call events as reported, from the API or a call-detail CSV file, checked one by one
into CallEvent values (stored by services.call_events_store)."""

import csv
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from vaxel.core import phone
from vaxel.core.errors import InvalidInput, InvalidPhoneNumber
from vaxel.core.text import identifier, one_line
from vaxel.core.time import parse_instant
from vaxel.telephony.errors import FileNotFound, InvalidCsv, InvalidEvent, MissingCallId, NotText
from vaxel.telephony.models import CallEvent, CallEventKind

CSV_COLUMNS = ("id", "call_id", "event", "at", "called", "calling", "answered_by", "transferred_to")


def _number(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    key = phone.lookup_key(text)
    if key is None:
        raise InvalidPhoneNumber(
            _("%(field)s %(value)r is not a phone number.") % {"field": field, "value": text[:40]},
        )
    return key


def call_event_checked(data: Mapping[str, Any], *, source: str) -> CallEvent:
    """One reported event as a CallEvent (not saved); InvalidInput says what is wrong."""
    call_id = identifier(str(data.get("call_id") or ""), field="call_id")
    kind = str(data.get("event") or data.get("kind") or "").strip().lower()
    if not call_id:
        raise MissingCallId(_("An event needs the call's id (call_id)."))
    if kind not in CallEventKind.values:
        raise InvalidEvent(
            _("%(kind)r is not a call event; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(CallEventKind.values)},
        )
    at = parse_instant(str(data.get("at") or ""), field="at")
    event = CallEvent(
        call_id=call_id,
        kind=kind,
        at=at,
        called=_number(data.get("called"), "called"),
        calling=_number(data.get("calling"), "calling"),
        answered_by=one_line(str(data.get("answered_by") or ""), field="answered_by", longest=200),
        transferred_to=_number(data.get("transferred_to"), "transferred_to"),
        source=source,
    )
    given = identifier(str(data.get("id") or ""), field="id")
    # Without an id of its own, an event is the same event when it says the same thing.
    event.event_id = (
        given
        or hashlib.sha256(
            "|".join([call_id, kind, at.isoformat(), event.called, event.answered_by]).encode()
        ).hexdigest()
    )
    return event


def call_events_from_file(path: Path) -> tuple[list[CallEvent], list[str]]:
    """Events from a call-detail file as Swedish systems write it: UTF-8 (with or without
    a byte-order mark) or Windows-1252. A file that is missing or not text is refused."""
    try:
        data = path.read_bytes()
    except OSError:
        raise FileNotFound(
            _("There is no file %(path)s to read; check the name.") % {"path": str(path)[:200]},
        ) from None
    if b"\x00" in data:
        raise NotText(
            _("%(path)s is not a text file (it holds NUL bytes); export the calls as CSV.")
            % {"path": path.name},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise NotText(
                _("%(path)s is neither UTF-8 nor Windows-1252 text; export the calls as CSV.")
                % {"path": path.name},
            ) from None
    return call_events_from_csv(text)


def call_events_from_csv(text: str) -> tuple[list[CallEvent], list[str]]:
    """Events from a call-detail file with the columns CSV_COLUMNS (a header row first);
    a bad row is reported by its line number and left out."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("call_id", "event", "at") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidCsv(
            _("The file lacks the columns %(missing)s; the header is %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ",".join(CSV_COLUMNS)},
        )
    events, problems = [], []
    line = 2  # the line each row begins on: a quoted field may run over several
    try:
        for row in reader:
            if reader.line_num > line or None in row:
                # A quote not closed swallows the rows after it; extra fields shift the rest.
                problems.append(
                    _("line %(line)d: a quote is not closed or the row has too many fields; fix the row")
                    % {"line": line}
                )
            else:
                try:
                    events.append(call_event_checked(row, source="csv"))
                except InvalidInput as error:
                    problems.append(_("line %(line)d: %(error)s") % {"line": line, "error": error.message})
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(_("line %(line)d: %(error)s") % {"line": line, "error": str(error)[:200]})
    return events, problems
