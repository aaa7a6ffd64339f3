from datetime import datetime, timedelta

import pytest

from vaxel.availability import services
from vaxel.availability.models import Absence, Schedule, ScheduleException, WeeklyHours
from vaxel.availability.selectors import absences_merged, opening_hours_get
from vaxel.core.errors import InvalidInput, NotFound
from vaxel.core.time import STOCKHOLM

TUESDAY = datetime(2026, 12, 1, tzinfo=STOCKHOLM)


def at(hour: int, minute: int = 0) -> datetime:
    return TUESDAY.replace(hour=hour, minute=minute)


def test_e3_absences_entered_in_a_row_are_read_as_one(town):
    services.absence_add(person=town.anna, reason="möte", starts_at=at(10), ends_at=at(12), note="APT")
    services.absence_add(person=town.anna, reason="lunch", starts_at=at(12), ends_at=at(13))
    merged = absences_merged(town.anna, since=at(8))
    assert len(merged) == 1
    assert (merged[0].starts_at, merged[0].ends_at, merged[0].reasons) == (
        at(10),
        at(13),
        ("meeting", "lunch"),
    )


@pytest.mark.parametrize(
    ("kwargs", "error_type", "error_id"),
    [
        ({"ends_at": TUESDAY.replace(hour=9)}, InvalidInput, "absence_ends_before_start"),
        ({"ends_at": TUESDAY.replace(hour=10)}, InvalidInput, "absence_ends_before_start"),
        ({"reason": "fika"}, InvalidInput, "invalid_reason"),
        ({"divert_to": "colleague", "colleague": "anna"}, InvalidInput, "invalid_divert_to"),
        ({"divert_to": "colleague"}, InvalidInput, "invalid_divert_to"),
        ({"divert_to": "mars"}, InvalidInput, "invalid_divert_to"),
        ({"note": "x" * 201}, InvalidInput, "too_long"),
    ],
)
def test_e3_bad_absence_gets_a_clear_error_and_writes_nothing(town, kwargs, error_type, error_id):
    if kwargs.get("colleague") == "anna":
        kwargs = {**kwargs, "colleague": town.anna}
    arguments = {"person": town.anna, "reason": "meeting", "starts_at": at(10), "ends_at": at(11), **kwargs}
    with pytest.raises(error_type) as error:
        services.absence_add(**arguments)
    assert error.value.error_id == error_id
    assert Absence.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "error_type", "error_id"),
    [
        ("colleague:okand@example.se", NotFound, "person_not_found"),
        ("colleague:", InvalidInput, "invalid_divert_to"),
        ("mars", InvalidInput, "invalid_divert_to"),
    ],
)
def test_a_diversion_target_as_written_is_checked(town, text, error_type, error_id):
    with pytest.raises(error_type) as error:
        services.parse_divert_to(text)
    assert error.value.error_id == error_id
    assert services.parse_divert_to(f"colleague:{town.bjorn.email}") == ("colleague", town.bjorn)


def test_e7_an_absence_in_telephone_hours_waits_for_a_confirmation_or_is_written_with_its_conflicts(town):
    """One service decides E7 for every surface, on the reason as normalised: "möte" is a meeting."""
    unconfirmed = services.absence_add(
        person=town.anna, reason="möte", starts_at=at(9), ends_at=at(11), confirmed=False
    )
    assert unconfirmed.needs_confirmation and unconfirmed.conflicts and Absence.objects.count() == 0
    confirmed = services.absence_add(person=town.anna, reason="möte", starts_at=at(9), ends_at=at(11))
    assert confirmed.absence.reason == "meeting" and confirmed.conflicts == unconfirmed.conflicts
    sick = services.absence_add(
        person=town.anna, reason="sjuk", starts_at=at(9), ends_at=at(11), confirmed=False
    )
    assert (
        sick.absence is not None and sick.conflicts == []
    )  # the routine forbids meetings there, not illness


def test_e3_clear_ends_the_whole_merged_absence_now_and_keeps_later_plans(town):
    services.absence_add(person=town.anna, reason="meeting", starts_at=at(10), ends_at=at(12))
    services.absence_add(person=town.anna, reason="lunch", starts_at=at(12), ends_at=at(13))
    services.absence_add(
        person=town.anna, reason="vacation", starts_at=at(8) + timedelta(days=7), ends_at=None
    )
    assert services.absence_clear(person=town.anna, at=at(11)) == 2
    merged = absences_merged(town.anna, since=at(11))
    assert [m.reasons for m in merged] == [("vacation",)]
    assert services.absence_clear(person=town.anna, at=at(11), upcoming=True) == 1
    assert absences_merged(town.anna, since=at(11)) == []


def test_s4_opening_hours_and_exceptions_are_stored_and_read_back(town):
    schedule = opening_hours_get()
    assert schedule.weekly[4][0][1].hour == 15
    assert schedule.eve_hours is not None
    services.schedule_exception_add(day=TUESDAY.date(), hours="10:00-12:00")
    services.schedule_exception_add(day=TUESDAY.date(), closed=True)  # replaces the first
    assert opening_hours_get().exceptions == {TUESDAY.date(): ()}
    services.opening_hours_set(eve_hours="")
    assert opening_hours_get().eve_hours is None


@pytest.mark.parametrize(
    "kwargs",
    [{"weekly": "mon-fri 17:00-08:00"}, {"weekly": "every day"}, {"eve_hours": "12-08"}, {}],
)
def test_s4_bad_opening_hours_change_nothing(town, kwargs):
    before = (WeeklyHours.objects.count(), list(Schedule.objects.values_list("eve_opens", flat=True)))
    with pytest.raises(InvalidInput):
        services.opening_hours_set(**kwargs)
    assert (WeeklyHours.objects.count(), list(Schedule.objects.values_list("eve_opens", flat=True))) == before


@pytest.mark.parametrize("kwargs", [{}, {"closed": True, "hours": "08:00-10:00"}, {"hours": "10:00-08:00"}])
def test_s4_bad_exception_changes_nothing(town, kwargs):
    with pytest.raises(InvalidInput):
        services.schedule_exception_add(day=TUESDAY.date(), **kwargs)
    assert ScheduleException.objects.count() == 0


def test_e7_unit_telephone_hours_are_a_schedule(town):
    assert town.unit.telephone_hours.weekly.count() == 5
