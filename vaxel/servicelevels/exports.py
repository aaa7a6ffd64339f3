"""The statistics as rows and documents: one shape for the command line, the API, the
CSV downloads and the e-mails."""

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from vaxel.servicelevels.figures import Tally, Targets, verdict
from vaxel.servicelevels.selectors import StatisticsReport

PERIODS = ("day", "week", "month")
FIGURES = (
    "offered",
    "open_calls",
    "outside_hours",
    "answered",
    "answered_in_time",
    "answered_in_time_percent",
    "average_wait_seconds",
    "abandoned",
    "abandoned_percent",
    "transferred",
    "internal",
    "telephone_hours_calls",
    "average_talk_in_telephone_hours_seconds",
    "messages",
    "callbacks_due",
    "callbacks_on_time",
    "callbacks_on_time_percent",
    "answer_target_met",
    "callback_target_met",
)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def figures_row(tally: Tally, targets: Targets) -> dict[str, object]:
    """A period's figures; a share or average with nothing to count is None ("no calls")."""
    judged = verdict(tally, targets)
    return {
        "offered": tally.offered,
        "open_calls": tally.open_calls,
        "outside_hours": tally.outside_hours,
        "answered": tally.answered,
        "answered_in_time": tally.answered_in_time,
        "answered_in_time_percent": tally.answered_in_time_percent,
        "average_wait_seconds": _rounded(tally.average_wait),
        "abandoned": tally.abandoned,
        "abandoned_percent": tally.abandoned_percent,
        "transferred": tally.transferred,
        "internal": tally.internal,
        "telephone_hours_calls": tally.telephone_hours_calls,
        "average_talk_in_telephone_hours_seconds": _rounded(tally.average_talk_in_telephone_hours),
        "messages": tally.messages,
        "callbacks_due": tally.callbacks_due,
        "callbacks_on_time": tally.callbacks_on_time,
        "callbacks_on_time_percent": tally.callbacks_on_time_percent,
        "answer_target_met": judged.answer_met,
        "callback_target_met": judged.callbacks_met,
    }


def periods(report: StatisticsReport, by: str) -> dict[date, Tally]:
    return {"day": report.days, "week": report.weeks, "month": report.months}[by]


def period_end(start: date, by: str, report: StatisticsReport) -> date:
    """The last day of a period that starts on `start`, within the report."""
    if by == "day":
        end = start
    elif by == "week":
        end = start + timedelta(days=6)
    else:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return min(end, report.last)


def report_data(report: StatisticsReport, by: str) -> dict[str, Any]:
    """The whole report as a document (the API's and the CLI's JSON)."""
    scope = report.scope
    return {
        "scope": {"kind": scope.kind, "name": scope.label},
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "targets": {
            "answer_within_seconds": scope.targets.answer_within_seconds,
            "answer_share_percent": scope.targets.answer_share_percent,
            "callback_working_hours": scope.targets.callback_working_hours,
        },
        "total": {**figures_row(report.total, scope.targets), "p90_wait_seconds": report.p90_wait},
        "by": by,
        "periods": [
            {
                "first": max(start, report.first).isoformat(),
                "last": period_end(start, by, report).isoformat(),
                **figures_row(tally, scope.targets),
            }
            for start, tally in periods(report, by).items()
        ],
    }


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


def report_csv(report: StatisticsReport, by: str) -> str:
    """One row per period, then the whole period as "total"."""
    data = report_data(report, by)
    rows = [[p["first"], p["last"], *(p[name] for name in FIGURES)] for p in data["periods"]]
    total = data["total"]
    rows.append(["total", data["last"], *(total[name] for name in FIGURES)])
    return csv_text(["first", "last", *FIGURES], rows)
