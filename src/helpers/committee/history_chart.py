"""The committee report's "Progress over time": actions by status at each quarter end (one panel per review), the
summary's sentence on the trend, a short slippage table per review, and the key's honesty rules.

The figures come from the status history (helpers.tracking.status_history) and slippage (helpers.tracking.slippage),
made by the same status rules as the rest of the report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from helpers.base import quarters
from helpers.base.vocabulary import COMPLETE, status_labels
from helpers.committee.chart_parts import _empty, _figure, _legend, _legend_handle, _title
from helpers.committee.chart_style import (
    BACKGROUND,
    CHART_TEXT_PT,
    GAP_EDGE,
    PRINT_HEIGHT_IN,
    PRINT_WIDTH_IN,
    STATUS_STYLES,
    STYLE,
    TEXT,
    _n,
    _series,
    _wrap,
)
from helpers.committee.svg import Chart
from helpers.tracking.slippage import LATE, NOT_JUDGED, ON_TIME, PAST, SLIPPAGE_RULE
from helpers.tracking.status_history import HISTORY_RULES, PAST_TARGET, history_counts, quarters_past_target

QUARTERS_SHOWN = 8  # the last two years, or since the plan if shorter
PANEL_IN = 1.6  # a review's panel, at most: its bars, quarter labels and title
FRAME_IN = 1.5  # the chart's title and key
LONG_PAST = 4  # "past target for four quarters or more"


def recent_history(ws, quarter: str | pd.Period, shown: int = QUARTERS_SHOWN) -> pd.DataFrame:
    """The status history of the workspace's actions over the last `shown` quarter ends to `quarter` (or since the
    first plan counts, if that is later)."""
    last = quarters.as_quarter(quarter)
    return ws.status_history(last - (shown - 1), last)


def progress_chart(history: pd.DataFrame, titles: Mapping[str, str]) -> Chart:
    """Stacked bars of actions by status at each quarter end, one panel per review, with the trend in words."""
    counts = history_counts(history)
    if counts.empty:
        return _empty(
            "No actions tracked over these quarters",
            "Nothing to show: no plan counts by this quarter end.",
            "Nothing to show: no plan counts by this quarter end.",
        )
    span = list(history["quarter"].cat.categories)
    labels = status_labels()
    shown = [s for s in counts.columns if s != "actions" and counts[s].sum() > 0]
    reviews = list(dict.fromkeys(counts.index.get_level_values(0)))
    title = _trend_title(counts, span)
    with matplotlib.rc_context(STYLE):
        # One column at the printed width: eight quarter labels side by side stay at the report's text size.
        columns = 1
        rows = math.ceil(len(reviews) / columns)
        fig = _figure(PRINT_WIDTH_IN, min(PRINT_HEIGHT_IN, PANEL_IN * rows + FRAME_IN))
        axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
        for ax, review in zip(axes, reviews, strict=False):
            _panel(ax, counts.loc[review], span, shown, _wrap(titles.get(review, review), 60))
        for ax in axes[len(reviews) :]:
            ax.axis("off")
        _title(fig, title)
        _legend(fig, [_legend_handle(STATUS_STYLES[s]) for s in shown], [labels[s] for s in shown])
    data = counts[[*shown, "actions"]].rename(columns={**labels, "actions": "Actions"})
    data.index = data.index.set_names(["Review", "Quarter"])
    data = data.rename(index=lambda r: titles.get(r, r), level=0).reset_index(level="Quarter")
    return Chart(
        fig,
        title=title,
        alt=_alt(counts, span, titles, title),
        data=data,
        caption=(
            "One panel per review, one bar per quarter end: the statuses that quarter's report showed (colours and "
            "patterns as in the key), the number of actions above each bar."
        ),
        table_caption=f"Actions by status at each quarter end, {span[0]} to {span[-1]}",
    )


def _panel(ax: Axes, table: pd.DataFrame, span: list[str], shown: list[str], title: str) -> None:
    """One review's bars: a stacked bar per quarter end at which its plan counts, its total above it."""
    table = table.reindex(span)
    x = np.arange(len(span))
    bottom = np.zeros(len(span))
    for status in shown:
        style = STATUS_STYLES[status]
        values = table[status].fillna(0).to_numpy(float)
        edge = GAP_EDGE if style.gap else BACKGROUND
        ax.bar(x, values, bottom=bottom, width=0.7, color=style.colour, edgecolor=edge, linewidth=0.8)
        if style.hatch:
            ax.bar(x, values, bottom=bottom, width=0.7, color="none", edgecolor=style.hatch_colour, linewidth=0,
                   hatch=style.hatch)  # fmt: skip
        bottom = bottom + values
    for i, total in enumerate(table["actions"]):
        if pd.notna(total):
            ax.text(i, bottom[i], _n(total), ha="center", va="bottom", fontsize=CHART_TEXT_PT, color=TEXT)
    ax.set_xticks(x, [label.replace(" ", "\n") for label in span], fontsize=CHART_TEXT_PT)
    ax.set_ylim(0, max(bottom.max(), 1) * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylabel("Actions", color=TEXT)
    ax.set_title(title, loc="left", fontsize=CHART_TEXT_PT, color=TEXT)


def _past(row: pd.Series) -> int:
    """Actions past their target in one row of counts: overdue, or target passed with no update."""
    return int(sum(row.get(s, 0) for s in PAST_TARGET))


def _trend_title(counts: pd.DataFrame, span: list[str]) -> str:
    """The finding: complete actions at the first and last quarter end shown, all reviews together."""
    total = counts.groupby(level=1, sort=False).sum().reindex(span).fillna(0)
    first, last = total.iloc[0], total.iloc[-1]
    if len(span) == 1:
        return f"{_n(last[COMPLETE])} of {_n(last['actions'])} actions complete at {span[-1]}"
    return (
        f"Actions complete: {_n(first[COMPLETE])} of {_n(first['actions'])} at {span[0]}, "
        f"{_n(last[COMPLETE])} of {_n(last['actions'])} at {span[-1]}"
    )


def _alt(counts: pd.DataFrame, span: list[str], titles: Mapping[str, str], title: str) -> str:
    """The text alternative: the finding, then each review's trend from its first quarter end shown to the last."""
    per_review = []
    for review, table in counts.groupby(level=0, sort=False):
        rows = table.droplevel(0)
        first_q, last_q = rows.index[0], rows.index[-1]
        first, last = rows.iloc[0], rows.iloc[-1]
        per_review.append(
            f"{titles.get(review, review)}: complete {_change(int(first[COMPLETE]), int(last[COMPLETE]))} "
            f"and past target {_change(_past(first), _past(last))} between {first_q} and {last_q}, "
            f"of {_n(last['actions'])} actions."
        )
    return (
        f"Stacked bar charts of actions by status at each quarter end from {span[0]} to {span[-1]}, one panel per "
        f"review. {title}. " + _series(per_review, 8, "{n} more reviews are in the data table.")
    )


def _change(before: int, after: int) -> str:
    """ "rose from 2 to 5", "fell from 30 to 21", "stayed at 4"."""
    if before == after:
        return f"stayed at {_n(after)}"
    return f"{'rose' if after > before else 'fell'} from {_n(before)} to {_n(after)}"


def progress_sentence(history: pd.DataFrame) -> str:
    """The summary's sentence: how the complete actions moved since the first quarter end shown, and how many
    actions have been past their target for LONG_PAST quarter ends or more in a row."""
    counts = history_counts(history)
    if counts.empty:
        return "No plan counts yet: there is no progress over time to show."
    span = list(history["quarter"].cat.categories)
    total = counts.groupby(level=1, sort=False).sum().reindex(span).fillna(0)
    first, last = total.iloc[0], total.iloc[-1]
    long_past = int((quarters_past_target(history) >= LONG_PAST).sum())
    tail = f"; {_n(long_past)} {'has' if long_past == 1 else 'have'} been past target for four quarters or more."
    if len(span) == 1:
        return f"{span[0]} is the first quarter end at which a plan counts: no change over time to show yet" + tail
    if first["actions"] == last["actions"]:
        change = f"{_change(int(first[COMPLETE]), int(last[COMPLETE]))} of {_n(last['actions'])}"
    else:  # a plan joined (or left) on the way: each figure names its own total, so no rise is read from that
        change = (
            f"went from {_n(first[COMPLETE])} of {_n(first['actions'])} to {_n(last[COMPLETE])} of "
            f"{_n(last['actions'])} (the actions tracked changed as plans came to count)"
        )
    return f"Since {span[0]} the complete actions {change}" + tail


GROUPS = {"review_id": "Review", "lead": "Lead", "theme": "Theme"}


def slippage_table(summary: pd.DataFrame, titles: Mapping[str, str], by: str = "review_id") -> pd.DataFrame:
    """helpers.tracking.slippage.slippage_summary (by review, lead or theme) as the report shows it (every count is
    of actions)."""
    rows = []
    for row in summary.to_dict("records"):
        dated = row["with a dated target"]
        share = f"{row[ON_TIME] / dated:.0%} ({row[ON_TIME]} of {dated})" if dated else "no dated targets"
        rows.append(
            {
                GROUPS[by]: titles.get(row[by], row[by]),
                "Actions": row["actions"],
                "Complete by original target": row[ON_TIME],
                "Complete late": row[LATE],
                "Past original target, not complete": row[PAST],
                "Share complete by original target": share,
                "Median slip": str(row["median slip"]) if row["median slip"] else "none",
                "Targets moved": moved_text(row["targets moved"], row["moves agreed"]),
                "No dated target or no action (counted apart)": row[NOT_JUDGED],
            }
        )
    return pd.DataFrame(rows)


def moved_text(actions: int, moves: int) -> str:
    """ "none", or "2 actions, 3 moves": how many actions had their target moved, and how many moves in all."""
    if not actions:
        return "none"
    return f"{actions} action{'s' if actions != 1 else ''}, {moves} move{'s' if moves != 1 else ''}"


def history_key() -> list[str]:
    """The honesty rules of "Progress over time" and how slippage is measured, for the section's key."""
    return [*HISTORY_RULES, SLIPPAGE_RULE]
