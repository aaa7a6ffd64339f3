"""What is past its period: pure rules over plain values (no database, no clock)."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from vaxel.records.constants import (
    ACTIONS,
    CLASSIFICATION_DEFAULTS,
    DEFAULTS,
    Classification,
    RecordKind,
)
from vaxel.records.errors import ActionNotAllowed, InvalidClassification, InvalidRetention, UnknownRecordKind

LONGEST_DAYS = 36500


def cutoff(at: datetime, days: int) -> datetime:
    """Records older than this instant are past a period of `days` at `at`. Days of 24
    hours in UTC: a period is never an hour shorter across a DST change."""
    return at - timedelta(days=days)


def is_past(recorded_at: datetime, *, at: datetime, days: int) -> bool:
    return recorded_at < cutoff(at, days)


def rule_checked(kind: str, days: int, action: str) -> tuple[str, int, str]:
    """A rule as given (admin, settings, CLI), or the error saying what is wrong."""
    if kind not in RecordKind.values:
        raise UnknownRecordKind(
            _("%(kind)r is not a kind of record; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(RecordKind.values)}
        )
    if not 1 <= days <= LONGEST_DAYS:
        raise InvalidRetention(_("Keep a record 1 to %(most)d days.") % {"most": LONGEST_DAYS})
    if action not in ACTIONS[kind]:
        raise ActionNotAllowed(
            _("%(kind)s cannot be %(action)s; allowed: %(actions)s.")
            % {"kind": kind, "action": action, "actions": ", ".join(ACTIONS[kind])}
        )
    return kind, days, action


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split(","):
        if part.strip():
            key, equals, value = part.partition("=")
            if not equals:
                raise InvalidRetention(_("%(part)r: write kind=value.") % {"part": part.strip()})
            pairs.append((key.strip(), value.strip()))
    return pairs


def defaults_with(text: str) -> dict[str, tuple[int, str]]:
    """The default rules with VAXEL_RETENTION's ("caller_number=30:pseudonymise,…") over them."""
    rules = dict(DEFAULTS)
    for kind, value in _pairs(text):
        days_text, _colon, action = value.partition(":")
        if not days_text.strip().isdigit():
            raise InvalidRetention(_("%(value)r: write days:action, e.g. 90:delete.") % {"value": value})
        action = action.strip() or (rules[kind][1] if kind in rules else "")
        _kind, days, action = rule_checked(kind, int(days_text), action)
        rules[kind] = (days, action)
    return rules


def classification_defaults_with(text: str) -> dict[str, str]:
    """The classification by kind of message (callback, information, internal) with
    VAXEL_CLASSIFICATION's over it."""
    defaults = dict(CLASSIFICATION_DEFAULTS)
    for key, value in _pairs(text):
        if key not in defaults or value not in Classification.values:
            raise InvalidClassification(
                _("%(pair)r: use callback, information or internal = %(values)s.")
                % {"pair": f"{key}={value}", "values": "|".join(Classification.values)}
            )
        defaults[key] = value
    return defaults


def classification_default(*, kind: str, internal: bool, defaults: dict[str, str]) -> str:
    """A message's classification when nobody has set it: internal ones (from one of the
    organisation's own numbers) are working material; else as its kind says."""
    if internal:
        return defaults["internal"]
    return defaults.get(kind, Classification.TEMPORARY)
