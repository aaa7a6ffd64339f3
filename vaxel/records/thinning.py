"""What each retention rule touches, and how it is thinned: one target per kind of
record. A target gives the records past the cut-off that no hold covers (`count`),
and thins them in batches, each batch in a short transaction of its own (`apply`), so
the PBX endpoint, which reads its in-memory snapshot and writes call events, is never
kept waiting behind a long lock. Files on disk go with their rows, after the batch
commits. `records/services.py`'s thinning_run is the only caller."""

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import MD5, Concat, Substr

from vaxel.audit.models import Change
from vaxel.availability.constants import AbsenceSource
from vaxel.availability.models import Absence
from vaxel.calendars.models import CalendarEvent
from vaxel.core.pseudonyms import LENGTH, MARK
from vaxel.directory.models import Person
from vaxel.messaging.models import EventKind, Message, MessageEvent, MessageStatus, OutboxEmail, OutboxState
from vaxel.records.constants import RecordKind, RetentionAction
from vaxel.records.selectors import Holds, internal_caller, public_unregistered_q
from vaxel.telephony.models import Call, CallEvent

logger = logging.getLogger(__name__)

# What a pseudonymised message says instead of what the call was about.
THINNED = "–"


def _batches(queryset: QuerySet, size: int) -> Iterator[list[int]]:
    """The ids of `queryset`, a batch at a time, each read afresh (what was thinned is gone)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _windows(queryset: QuerySet, size: int) -> Iterator[tuple[int, int]]:
    """Primary-key windows of `size` over the rows of `queryset`: each window's update is
    an index range scan, however many million rows the table holds."""
    low = queryset.order_by("pk").values_list("pk", flat=True).first()
    if low is None:
        return
    high = queryset.order_by("-pk").values_list("pk", flat=True).first() or low
    for start in range(low, high + 1, size):
        yield start, start + size


def _files_remove(paths: list[str]) -> None:
    """Files named relative to the data folder, removed once their rows are gone."""
    root = Path(settings.DATA_DIR).resolve()

    def remove() -> None:
        for name in paths:
            path = (root / name).resolve()
            if path.is_relative_to(root):
                path.unlink(missing_ok=True)

    transaction.on_commit(remove)


# Messages -----------------------------------------------------------------------------


def messages_held_q(holds: Holds) -> Q:
    """Messages a hold covers: itself, its recipient, its caller or its time."""
    held = Q(pk__in=holds.message_ids) | Q(person_id__in=holds.person_ids)
    return held | Q(caller_number__in=holds.numbers) | holds.period_q("taken_at")


def _messages_kept(holds: Holds) -> Q:
    """Messages no rule may touch: held, or a public record not yet registered (the
    queryset aliases `internal` as internal_caller())."""
    return messages_held_q(holds) | public_unregistered_q()


def _messages(cutoff: datetime, holds: Holds, *, closed: bool) -> QuerySet:
    closing = Exists(MessageEvent.objects.filter(message=OuterRef("pk"), kind=EventKind.CLOSED))
    return (
        Message.objects.alias(closed=closing, internal=internal_caller())
        .filter(status=MessageStatus.HANDLED, handled_at__lt=cutoff, closed=closed)
        .exclude(_messages_kept(holds))
        .exclude(subject=THINNED)
    )


def messages_delete(ids: list[int]) -> int:
    found = Message.objects.filter(pk__in=ids)
    files = [r for r in found.exclude(recording="").values_list("recording", flat=True)]
    OutboxEmail.objects.filter(message_id__in=ids).delete()
    Call.objects.filter(message_id__in=ids).update(message=None)
    count = found.delete()[1].get("messaging.Message", 0)
    _files_remove(files)
    return count


def _messages_pseudonymise(ids: list[int]) -> int:
    """What the call was about and who called go; the kind, times and states stay, so
    the callback statistics (E4, C2) do not change."""
    found = Message.objects.filter(pk__in=ids)
    files = [r for r in found.exclude(recording="").values_list("recording", flat=True)]
    OutboxEmail.objects.filter(message_id__in=ids).delete()
    MessageEvent.objects.filter(message_id__in=ids).update(note="")
    count = found.update(subject=THINNED, details="", caller_name="", caller_number="", recording="")
    _files_remove(files)
    return count


def _recordings(cutoff: datetime, holds: Holds) -> QuerySet:
    found = Message.objects.alias(internal=internal_caller()).filter(taken_at__lt=cutoff)
    return found.exclude(recording="").exclude(_messages_kept(holds))


def _recordings_delete(ids: list[int]) -> int:
    found = Message.objects.filter(pk__in=ids)
    files = list(found.values_list("recording", flat=True))
    OutboxEmail.objects.filter(attachment__in=files).update(attachment="")
    count = found.update(recording="")
    _files_remove(files)
    return count


def _call_recordings(cutoff: datetime, holds: Holds) -> QuerySet:
    """Voice messages left at the switchboard's voicemail (S2), by when they were left;
    a withheld caller's too."""
    found = Call.objects.exclude(recording="").filter(callback_requested_at__lt=cutoff)
    return _calls_not_held(found, holds).exclude(holds.period_q("arrived_at"))


def _call_recordings_delete(ids: list[int]) -> int:
    found = Call.objects.filter(pk__in=ids)
    files = list(found.values_list("recording", flat=True))
    count = found.update(recording="")
    _files_remove(files)
    return count


def _recordings_count(cutoff: datetime, holds: Holds) -> int:
    return _recordings(cutoff, holds).count() + _call_recordings(cutoff, holds).count()


def _recordings_thin(cutoff: datetime, holds: Holds, size: int) -> int:
    messages = _batched(_recordings(cutoff, holds), size, _recordings_delete)
    return messages + _batched(_call_recordings(cutoff, holds), size, _call_recordings_delete)


# Calls --------------------------------------------------------------------------------


def pseudonym_of(field: str):
    return Concat(Value(MARK), Substr(MD5(field), 1, LENGTH - len(MARK)))


def _calls_not_held(found: QuerySet, holds: Holds) -> QuerySet:
    """Those of `found` no hold on a caller, a person or a call covers."""
    return (
        found.exclude(caller__in=holds.numbers)
        .exclude(caller_person_id__in=holds.person_ids)
        .exclude(external_id__in=holds.call_ids)
    )


def calls_unheld(holds: Holds) -> QuerySet:
    """Calls that still hold a caller's number and that no hold covers."""
    found = Call.objects.exclude(caller="").exclude(caller__startswith=MARK)
    return _calls_not_held(found, holds).exclude(holds.period_q("arrived_at"))


def call_events_unheld(holds: Holds) -> QuerySet:
    return (
        CallEvent.objects.exclude(calling="")
        .exclude(calling__startswith=MARK)
        .exclude(calling__in=holds.numbers)
        .exclude(call_id__in=holds.call_ids)
        .exclude(holds.period_q("at"))
    )


def callers_pseudonymise(calls: QuerySet, events: QuerySet, size: int) -> int:
    """The caller's number in calls and call events becomes a pseudonym made from the
    call's id, window by window; the statistics' call records hold no number and stay
    as they are."""
    count = 0
    for found, change in (
        (calls, {"caller": pseudonym_of("external_id"), "caller_person": None, "asks_for": ""}),
        (events, {"calling": pseudonym_of("call_id")}),
    ):
        for start, end in _windows(found, size):
            with transaction.atomic():
                count += found.filter(pk__gte=start, pk__lt=end).update(**change)
    return count


def _calls(cutoff: datetime, holds: Holds) -> QuerySet:
    return calls_unheld(holds).filter(arrived_at__lt=cutoff)


def _call_events(cutoff: datetime, holds: Holds) -> QuerySet:
    return call_events_unheld(holds).filter(at__lt=cutoff)


# Everything else ----------------------------------------------------------------------


def _outbox(cutoff: datetime, holds: Holds) -> QuerySet:
    found = OutboxEmail.objects.filter(
        state__in=[OutboxState.SENT, OutboxState.FAILED], created_at__lt=cutoff
    ).exclude(holds.period_q("created_at"))
    held = Q(message_id__in=holds.message_ids) | Q(message__person_id__in=holds.person_ids)
    found = found.exclude(held)
    if holds.person_ids:  # an e-mail to a held person, about no message (a digest)
        addresses = set(Person.objects.filter(pk__in=holds.person_ids).values_list("email", flat=True))
        kept = [pk for pk, to in found.values_list("pk", "recipients") if addresses & set(to or [])]
        found = found.exclude(pk__in=kept)
    return found


def _absences(cutoff: datetime, holds: Holds) -> QuerySet:
    return (
        Absence.objects.filter(source=AbsenceSource.CALENDAR, ends_at__lt=cutoff)
        .exclude(person_id__in=holds.person_ids)
        .exclude(holds.period_q("starts_at"))
    )


def _titles(cutoff: datetime, holds: Holds) -> QuerySet:
    return (
        CalendarEvent.objects.filter(ends_at__lt=cutoff)
        .exclude(title="")
        .exclude(calendar__person_id__in=holds.person_ids)
        .exclude(holds.period_q("starts_at"))
    )


def _changes(cutoff: datetime, holds: Holds) -> QuerySet:
    about_held = Q(entity="person", entity_id__in=[str(pk) for pk in holds.person_ids])
    return Change.objects.filter(at__lt=cutoff).exclude(about_held).exclude(holds.period_q("at"))


SIGNIN_MODELS = (AccessAttempt, AccessLog, AccessFailureLog)


def _signins(model, cutoff: datetime, holds: Holds) -> QuerySet:
    return (
        model.objects.filter(attempt_time__lt=cutoff)
        .exclude(username__in=holds.usernames)
        .exclude(holds.period_q("attempt_time"))
    )


def _old_files(folder: str, cutoff: datetime, holds: Holds) -> list[str]:
    """Files in the data folder's `folder` last written before the cut-off, except those
    an e-mail still waiting to be sent carries, or a held period covers."""
    root = Path(settings.DATA_DIR) / folder
    if not root.is_dir():
        return []
    waiting = set(OutboxEmail.objects.filter(state=OutboxState.PENDING).values_list("attachment", flat=True))
    found = []
    for entry in os.scandir(root):
        if not entry.is_file():
            continue
        written = datetime.fromtimestamp(entry.stat().st_mtime, tz=UTC)
        name = f"{folder}/{entry.name}"
        if written < cutoff and name not in waiting and not holds.covers_time(written):
            found.append(name)
    return sorted(found)


def _rows_delete(found: QuerySet, size: int) -> int:
    count = 0
    for ids in _batches(found, size):
        with transaction.atomic():
            count += found.model.objects.filter(pk__in=ids).delete()[1].get(found.model._meta.label, 0)
    return count


def _rows_update(found: QuerySet, size: int, **change) -> int:
    count = 0
    for ids in _batches(found, size):
        with transaction.atomic():
            count += found.model.objects.filter(pk__in=ids).update(**change)
    return count


def _batched(found: QuerySet, size: int, thin: Callable[[list[int]], int]) -> int:
    count = 0
    for ids in _batches(found, size):
        with transaction.atomic():
            count += thin(ids)
    return count


def _files_delete(names: list[str]) -> int:
    with transaction.atomic():
        _files_remove(names)
    return len(names)


@dataclass(frozen=True)
class Target:
    count: Callable[[datetime, Holds], int]
    apply: Callable[[datetime, Holds, int], int]


def _messages_target(closed: bool) -> dict[str, Target]:
    return {
        RetentionAction.DELETE: Target(
            lambda c, h: _messages(c, h, closed=closed).count(),
            lambda c, h, s: _batched(_messages(c, h, closed=closed), s, messages_delete),
        ),
        RetentionAction.PSEUDONYMISE: Target(
            lambda c, h: _messages(c, h, closed=closed).count(),
            lambda c, h, s: _batched(_messages(c, h, closed=closed), s, _messages_pseudonymise),
        ),
    }


def _file_target(folder: str) -> dict[str, Target]:
    return {
        RetentionAction.DELETE: Target(
            lambda c, h: len(_old_files(folder, c, h)),
            lambda c, h, s: _files_delete(_old_files(folder, c, h)),
        )
    }


TARGETS: dict[str, dict[str, Target]] = {
    RecordKind.MESSAGE_HANDLED: _messages_target(False),
    RecordKind.MESSAGE_CLOSED: _messages_target(True),
    RecordKind.VOICEMAIL_RECORDING: {RetentionAction.DELETE: Target(_recordings_count, _recordings_thin)},
    RecordKind.CALLER_NUMBER: {
        RetentionAction.PSEUDONYMISE: Target(
            lambda c, h: _calls(c, h).count() + _call_events(c, h).count(),
            lambda c, h, s: callers_pseudonymise(_calls(c, h), _call_events(c, h), s),
        )
    },
    RecordKind.OUTBOX_EMAIL: {
        RetentionAction.DELETE: Target(
            lambda c, h: _outbox(c, h).count(), lambda c, h, s: _rows_delete(_outbox(c, h), s)
        )
    },
    RecordKind.CALENDAR_ABSENCE: {
        RetentionAction.DELETE: Target(
            lambda c, h: _absences(c, h).count(), lambda c, h, s: _rows_delete(_absences(c, h), s)
        )
    },
    RecordKind.CALENDAR_TITLE: {
        RetentionAction.PSEUDONYMISE: Target(
            lambda c, h: _titles(c, h).count(), lambda c, h, s: _rows_update(_titles(c, h), s, title="")
        )
    },
    RecordKind.CHANGE_LOG: {
        RetentionAction.DELETE: Target(
            lambda c, h: _changes(c, h).count(), lambda c, h, s: _rows_delete(_changes(c, h), s)
        )
    },
    RecordKind.CHART_FILE: _file_target("charts"),
    RecordKind.PROMPT_FILE: _file_target("prompts"),
    RecordKind.SIGNIN_LOG: {
        RetentionAction.DELETE: Target(
            lambda c, h: sum(_signins(m, c, h).count() for m in SIGNIN_MODELS),
            lambda c, h, s: sum(_rows_delete(_signins(m, c, h), s) for m in SIGNIN_MODELS),
        )
    },
}
