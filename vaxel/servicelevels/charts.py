"""The managers' charts (C2): each is a table first (shown beside the chart and offered
as CSV), then drawn from that table with matplotlib as SVG (pages) or PNG (e-mails)."""

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vaxel.servicelevels.exports import csv_text
from vaxel.servicelevels.figures import wait_classes
from vaxel.servicelevels.selectors import StatisticsReport

CHARTS = ("in-time", "waits", "hours", "callbacks")
MET, MISSED, NEUTRAL, TARGET = "#1b7a3a", "#b3261e", "#3d5a80", "#222222"


@dataclass(frozen=True)
class ChartTable:
    slug: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]

    def csv(self) -> str:
        return csv_text(self.columns, self.rows)


def week_label(monday: date) -> str:
    return _("w. %(week)d") % {"week": monday.isocalendar().week}


def chart_table(report: StatisticsReport, slug: str) -> ChartTable:
    """One chart's table: its title, its columns and a row per bar, class or hour."""
    targets = report.scope.targets
    if slug == "in-time":
        return ChartTable(
            slug,
            _("Answered within %(seconds)d s, per week") % {"seconds": targets.answer_within_seconds},
            (_("Week"), _("From"), _("Calls in opening hours"), _("Answered in time (%)"), _("Target (%)")),
            [
                (week_label(monday), monday.isoformat(), t.open_calls, t.answered_in_time_percent,
                 targets.answer_share_percent)
                for monday, t in report.weeks.items()
            ],
        )  # fmt: skip
    if slug == "waits":
        return ChartTable(
            slug,
            _("Time to answer"),
            (_("Time to answer"), _("Answered calls")),
            wait_classes(report.waits),
        )
    if slug == "hours":
        return ChartTable(
            slug,
            _("Calls per hour of the day"),
            (_("Hour"), *(str(WEEKDAYS_ABBR[d]) for d in range(7))),
            [(f"{h:02d}", *(report.hours.get((d, h), 0) for d in range(7))) for h in range(24)],
        )
    if slug == "callbacks":
        return ChartTable(
            slug,
            _("Callbacks on time, per week"),
            (_("Week"), _("From"), _("Callbacks due"), _("On time"), _("Late"), _("On time (%)")),
            [
                (week_label(monday), monday.isoformat(), t.callbacks_due, t.callbacks_on_time,
                 t.callbacks_due - t.callbacks_on_time, t.callbacks_on_time_percent)
                for monday, t in report.weeks.items()
            ],
        )  # fmt: skip
    raise ValueError(slug)


def chart_image(report: StatisticsReport, slug: str, *, fmt: str = "svg") -> bytes:
    """The chart drawn from its table, as SVG (text kept as text) or PNG. A chart is a
    pure function of its table, its target and the language, so a drawing is kept and
    a page shown again (or asked with other parameters) costs no second drawing."""
    table = chart_table(report, slug)
    key = (table.slug, table.title, table.columns, tuple(table.rows))
    return _drawn(key, report.scope.targets.answer_share_percent, fmt, get_language())


@lru_cache(maxsize=256)
def _drawn(key: tuple, target: int, fmt: str, _language: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    slug, title, columns, rows = key
    table = ChartTable(slug, title, columns, list(rows))
    figure = Figure(figsize=(7, 3.2), dpi=110, layout="constrained")
    axes = figure.subplots()
    axes.set_title(table.title, loc="left", fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    labels = [str(row[0]) for row in table.rows]
    if slug == "in-time":
        shares = [row[3] for row in table.rows]
        colours = [NEUTRAL if share is None else MET if share >= target else MISSED for share in shares]
        axes.bar(labels, [share or 0 for share in shares], color=colours)
        axes.axhline(target, color=TARGET, linestyle="--", linewidth=1.2, label=_("target"))
        axes.set_ylim(0, 100)
        axes.set_ylabel("%")
        axes.legend(loc="lower right", frameon=False)
    elif slug == "waits":
        axes.bar(labels, [row[1] for row in table.rows], color=NEUTRAL)
        axes.set_ylabel(_("calls"))
    elif slug == "hours":
        grid = [[row[1 + d] for row in table.rows] for d in range(7)]
        image = axes.imshow(grid, aspect="auto", cmap="Blues")
        axes.set_yticks(range(7), table.columns[1:])
        axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
        figure.colorbar(image, ax=axes, label=_("calls"))
    else:
        on_time, late = [row[3] for row in table.rows], [row[4] for row in table.rows]
        axes.bar(labels, on_time, color=MET, label=_("on time"))
        axes.bar(labels, late, bottom=on_time, color=MISSED, label=_("late"))
        axes.set_ylabel(_("callbacks"))
        axes.legend(loc="upper right", frameon=False)
    if slug in ("waits", "callbacks"):  # counts: whole numbers from zero, even with none
        axes.set_ylim(bottom=0, top=max(1, axes.get_ylim()[1]))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if slug in ("in-time", "callbacks") and len(labels) > 14:
        axes.set_xticks(range(0, len(labels), max(1, len(labels) // 12)))
    axes.tick_params(axis="x", labelsize=8)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "vaxel"}):
        figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()
