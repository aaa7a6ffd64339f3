"""E7: set telephone hours are respected; an absence inside them is flagged."""

from datetime import datetime, timedelta

from vaxel.availability.schedule import Schedule, overlapping_intervals, parse_weekly
from vaxel.availability.selectors import telephone_hours_conflicts
from vaxel.cli import main
from vaxel.core.time import STOCKHOLM

HOURS = Schedule(weekly=parse_weekly("mon-fri 08:30-10:00"))


def sthlm(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def test_e7_a_meeting_inside_telephone_hours_overlaps_them():
    assert overlapping_intervals(HOURS, sthlm(2026, 12, 1, 9), sthlm(2026, 12, 1, 11)) == [
        (sthlm(2026, 12, 1, 9), sthlm(2026, 12, 1, 10))
    ]
    assert overlapping_intervals(HOURS, sthlm(2026, 12, 1, 10), sthlm(2026, 12, 1, 12)) == []
    week = overlapping_intervals(HOURS, sthlm(2026, 12, 4, 12), sthlm(2026, 12, 8, 12))
    assert [o.astimezone(STOCKHOLM).date().isoformat() for o, _c in week] == ["2026-12-07", "2026-12-08"]
    assert overlapping_intervals(HOURS, sthlm(2026, 12, 24, 8), sthlm(2026, 12, 24, 12)) == []  # julafton


def test_e7_only_what_the_routine_forbids_is_a_conflict(town):
    meeting = telephone_hours_conflicts(
        person=town.anna, reason="meeting", starts_at=sthlm(2026, 12, 1, 8), ends_at=sthlm(2026, 12, 1, 9)
    )
    assert meeting == [(sthlm(2026, 12, 1, 8, 30), sthlm(2026, 12, 1, 9))]
    sick = telephone_hours_conflicts(
        person=town.anna, reason="sick", starts_at=sthlm(2026, 12, 1, 8), ends_at=None
    )
    assert sick == []
    open_ended = telephone_hours_conflicts(
        person=town.anna, reason="meeting", starts_at=sthlm(2026, 12, 1, 8), ends_at=None
    )
    assert len(open_ended) == 10 and open_ended[-1][1] - open_ended[-1][0] == timedelta(hours=1, minutes=30)


def test_e7_the_command_line_warns_and_names_the_hours(town, capsys):
    assert (
        main(
            [
                "absence",
                "add",
                town.anna.email,
                "--reason",
                "möte",
                "--from",
                "2026-12-01T09:00",
                "--until",
                "2026-12-01T11:00",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert (
        "E7" in err
        and "telefontid" in err
        and "mon-fri 08:30-10:00" in err
        and "2026-12-01 09:00–10:00" in err
    )
    assert (
        main(
            [
                "absence",
                "add",
                town.anna.email,
                "--reason",
                "möte",
                "--from",
                "2026-12-01T13:00",
                "--until",
                "2026-12-01T14:00",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == ""


def test_e7_the_api_answers_with_the_conflicts(town, logins):
    from rest_framework.test import APIClient

    from vaxel.testing import PASSWORD

    client = APIClient()
    client.login(username="operator", password=PASSWORD)
    client.get("/api/v1/me/")
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    answer = client.post(
        f"/api/v1/people/{town.anna.pk}/absences/",
        {"reason": "home_visit", "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T09:00"},
        format="json",
    ).json()
    assert answer["telephone_hours_conflicts"] == [
        {"starts_at": "2026-12-01T08:30:00+01:00", "ends_at": "2026-12-01T09:00:00+01:00"}
    ]
