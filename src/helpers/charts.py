"""Charts in one house style: titles that state the finding, labelled axes and counts,
and one colour-blind-safe status palette (Okabe-Ito) used the same way everywhere.

Each chart is a function that returns a matplotlib Figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.status import COMPLETE, NO_ACTION, NOT_TRANSCRIBED, NOT_YET_DUE, ONGOING, OVERDUE

# Okabe-Ito: distinguishable with the common forms of colour-blindness.
STATUS_COLOURS = {
    COMPLETE: "#009E73",      # bluish green
    NOT_YET_DUE: "#56B4E9",   # sky blue
    ONGOING: "#0072B2",       # blue
    OVERDUE: "#D55E00",       # vermillion
    NO_ACTION: "#999999",     # grey
    NOT_TRANSCRIBED: "#FFFFFF",  # white with grey hatching: a data gap, not a status
}
WORKLOAD_COLOURS = {"Open": STATUS_COLOURS[ONGOING], "Overdue": STATUS_COLOURS[OVERDUE],
                    "Complete": STATUS_COLOURS[COMPLETE]}
HEATMAP = "Blues"

plt.rcParams.update({
    "figure.dpi": 110, "savefig.dpi": 110, "font.size": 11, "axes.titlesize": 13, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.spines.top": False, "axes.spines.right": False,
    "legend.frameon": False,
})


def _wrap(label: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _empty(title: str, message: str) -> Figure:
    """A small figure that says there is nothing to draw, rather than an empty chart."""
    fig, ax = plt.subplots(figsize=(10, 1.6))
    ax.axis("off")
    ax.text(0.0, 0.5, message, fontsize=11, va="center")
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    return fig


def _stacked_barh(table: pd.DataFrame, colours: dict[str, str], title: str, xlabel: str,
                  label_width: int = 34) -> Figure:
    """Horizontal stacked bars, one per row of `table`, with each segment's count written on it."""
    if table.empty or table.to_numpy().sum() == 0:
        return _empty(title, "Nothing to show for this selection.")
    height = max(2.6, 0.62 * len(table) + 1.4)
    fig, ax = plt.subplots(figsize=(11, height))
    left = pd.Series(0, index=table.index, dtype=float)
    labels = [_wrap(i, label_width) for i in table.index]
    for column in table.columns:
        values = table[column]
        if values.sum() == 0:
            continue
        hatch = "///" if column == NOT_TRANSCRIBED else None
        bars = ax.barh(labels, values, left=left, color=colours[column], label=column,
                       edgecolor="#555555" if hatch else "white", hatch=hatch, linewidth=0.8)
        for bar, value in zip(bars, values):
            if value > 0:
                dark = colours[column] in (STATUS_COLOURS[ONGOING], STATUS_COLOURS[OVERDUE], STATUS_COLOURS[COMPLETE])
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, f"{int(value)}",
                        ha="center", va="center", fontsize=10, color="white" if dark else "black")
        left += values
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title=None)
    fig.tight_layout()
    return fig


def status_by_review(counts: pd.DataFrame, review_titles: dict[str, str], as_at: str) -> Figure:
    """Stacked bars of actions by status for each review (counts from status.status_counts)."""
    table = counts.drop(columns=["Total"], errors="ignore")
    table.index = [review_titles.get(i, i) for i in table.index]
    overdue = int(table.get(OVERDUE, pd.Series(dtype=int)).sum())
    counted = int(table.drop(columns=[NOT_TRANSCRIBED], errors="ignore").to_numpy().sum())
    title = (f"{overdue} of {counted} transcribed actions overdue as at {as_at}" if counted
             else f"No transcribed actions to track as at {as_at}")
    return _stacked_barh(table, STATUS_COLOURS, title, "Recommendations / actions", 30)


def lead_workload(table: pd.DataFrame, as_at: str, top: int = 15) -> Figure:
    """Stacked bars of open, overdue and complete actions for the busiest leads (from leads.workload)."""
    if table.empty:
        return _empty(f"No actions with a named lead as at {as_at}", "Nothing to show for this selection.")
    shown = table.head(top)[["open", "overdue", "complete"]].rename(columns=str.capitalize)
    title = f"{table.index[0]} leads the most actions ({int(table['total'].iloc[0])}) as at {as_at}"
    return _stacked_barh(shown, WORKLOAD_COLOURS, title, "Actions (a joint action counts for each of its leads)", 40)


def heatmap(matrix: pd.DataFrame, title: str, xlabel: str, ylabel: str,
            annotations: pd.DataFrame | None = None) -> Figure:
    """A counts heatmap with every cell labelled; `annotations` may replace a cell's label."""
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * matrix.shape[1] + 4.5), max(3, 0.42 * matrix.shape[0] + 1.6)))
    labels = matrix.astype(str) if annotations is None else annotations
    sns.heatmap(matrix, annot=labels, fmt="", cmap=HEATMAP, cbar=False, linewidths=0.5, linecolor="white",
                ax=ax, annot_kws={"fontsize": 10})
    fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_yticklabels([_wrap(t.get_text(), 40) for t in ax.get_yticklabels()], rotation=0)
    ax.set_xticklabels([_wrap(t.get_text(), 16) for t in ax.get_xticklabels()], rotation=0)
    fig.tight_layout()
    return fig


def theme_heatmap(matrix: pd.DataFrame, recorded: pd.DataFrame) -> Figure:
    """Theme x review counts; themes only a decision record names are marked 'minutes'."""
    annotations = matrix.astype(str).where(~recorded, "minutes")
    annotations = annotations.where(~((matrix == 0) & ~recorded), "")
    shown = matrix.where(~recorded, 1)  # a faint cell so a recorded theme is visible
    recurring = int((((matrix > 0) | recorded).sum(axis=1) > 1).sum())
    title = f"{recurring} of {len(matrix)} themes recur in more than one review"
    return heatmap(shown, title, "Review", "Theme", annotations)


def lead_theme_heatmap(matrix: pd.DataFrame) -> Figure:
    """Lead x primary theme counts (from themes.lead_theme_matrix), zero cells left blank."""
    spread = (matrix > 0).sum(axis=1)
    widest = spread.idxmax() if len(spread) else "no lead"
    title = f"{widest} leads actions across {int(spread.max()) if len(spread) else 0} themes"
    annotations = matrix.astype(str).where(matrix > 0, "")
    fig = heatmap(matrix, title, "Primary theme of the action", "Lead", annotations)
    fig.axes[0].set_xticklabels([_wrap(t.get_text(), 14) for t in fig.axes[0].get_xticklabels()], rotation=0,
                                fontsize=9)
    fig.set_size_inches(max(10, 1.15 * matrix.shape[1] + 5), max(4, 0.5 * matrix.shape[0] + 2.2))
    fig.tight_layout()
    return fig
