"""The pure rules: what is past its period, which rules may be given, how a message is
classified when nobody has said."""

from datetime import datetime, timedelta

import pytest

from vaxel.core.time import STOCKHOLM
from vaxel.records.constants import DEFAULTS, Classification, RecordKind
from vaxel.records.errors import ActionNotAllowed, InvalidClassification, InvalidRetention, UnknownRecordKind
from vaxel.records.retention import (
    classification_default,
    classification_defaults_with,
    cutoff,
    defaults_with,
    is_past,
    rule_checked,
)

AT = datetime(2027, 3, 30, 2, 30, tzinfo=STOCKHOLM)  # the night after the clocks go forward


def test_a_record_one_second_older_than_its_period_is_past_it_and_one_second_younger_is_not():
    assert is_past(AT - timedelta(days=90, seconds=1), at=AT, days=90)
    assert not is_past(AT - timedelta(days=90) + timedelta(seconds=1), at=AT, days=90)


def test_a_period_across_the_dst_change_is_whole_days_of_24_hours():
    assert AT - cutoff(AT, 2) == timedelta(hours=48)


def test_every_kind_has_a_default_its_actions_allow():
    assert set(DEFAULTS) == set(RecordKind.values)
    for kind, (days, action) in DEFAULTS.items():
        assert rule_checked(kind, days, action) == (kind, days, action)


@pytest.mark.parametrize(
    ("kind", "days", "action", "error"),
    [
        ("letters", 30, "delete", UnknownRecordKind),
        ("caller_number", 0, "pseudonymise", InvalidRetention),
        ("caller_number", 90, "delete", ActionNotAllowed),  # the statistics would change
        ("change_log", 40000, "delete", InvalidRetention),
    ],
)
def test_a_rule_that_cannot_be_is_refused_with_what_is_wrong(kind, days, action, error):
    with pytest.raises(error):
        rule_checked(kind, days, action)


def test_settings_override_the_defaults_and_keep_the_action_when_only_days_are_given():
    rules = defaults_with("voicemail_recording=14, message_handled=90:pseudonymise")
    assert rules["voicemail_recording"] == (14, "delete")
    assert rules["message_handled"] == (90, "pseudonymise")
    assert rules["change_log"] == DEFAULTS[RecordKind.CHANGE_LOG]


@pytest.mark.parametrize("text", ["voicemail_recording", "voicemail_recording=x:delete", "nothing=3"])
def test_bad_retention_settings_say_what_is_wrong(text):
    with pytest.raises((InvalidRetention, UnknownRecordKind)):
        defaults_with(text)


def test_classification_by_default_from_the_kind_and_internal_messages_are_working_material():
    defaults = classification_defaults_with("")
    assert (
        classification_default(kind="callback", internal=False, defaults=defaults) == Classification.TEMPORARY
    )
    assert classification_default(kind="information", internal=False, defaults=defaults) == "public_record"
    assert classification_default(kind="information", internal=True, defaults=defaults) == "working_material"
    changed = classification_defaults_with("callback=public_record")
    assert classification_default(kind="callback", internal=False, defaults=changed) == "public_record"
    with pytest.raises(InvalidClassification):
        classification_defaults_with("callback=secret")
