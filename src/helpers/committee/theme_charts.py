"""The committee report's heatmaps: recommendations per theme and review (or council), and actions per lead
and theme; every non-empty cell labelled, a cell only a decision record names hatched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, to_hex
from matplotlib.patches import Rectangle

from helpers.committee.chart_parts import (
    _empty,
    _figure,
    _legend,
    _legend_handle,
    _legend_height,
    _title,
    _title_height,
)
from helpers.committee.chart_style import (
    BACKGROUND,
    CHAR_IN,
    CHART_TEXT_PT,
    EMPTY_CELL,
    HEATMAP,
    LINE_IN,
    PRINT_HEIGHT_IN,
    PRINT_WIDTH_IN,
    RECORDED_STYLE,
    STYLE,
    TEXT,
    _n,
    _plural,
    _series,
    _wrap,
    text_colour_on,
)
from helpers.committee.svg import Chart
from helpers.plans.themes import RECORDED


def heatmap(
    matrix: pd.DataFrame,
    title: str,
    xlabel: str,
    ylabel: str,
    annotations: pd.DataFrame | None = None,
    *,
    hatched: pd.DataFrame | None = None,
    hatched_label: str = "",
    alt: str | None = None,
    caption: str = "",
    table_caption: str = "",
    data: pd.DataFrame | None = None,
    row_width: int = 40,
    col_width: int = 16,
) -> Chart:
    """A counts heatmap with every non-empty cell labelled.

    `annotations` may replace a cell's label ("" leaves it blank); `hatched` (bool,
    shaped like `matrix`) marks cells drawn as a hatched data-gap cell instead of a
    colour, explained in a key by `hatched_label`. Text colour is black or white by
    contrast with each cell. `alt` defaults to a sentence per row with its non-zero cells.
    """
    values, flags, text = _heatmap_cells(matrix, annotations, hatched)
    nrows, ncols = values.shape
    table = data if data is not None else text.where(text != "", "0")
    if nrows == 0 or ncols == 0 or (not values.any() and not flags.any()):
        return _empty(title, "Nothing to show for this selection.", f"Nothing to show. {title}.")

    with matplotlib.rc_context(STYLE):
        key = [hatched_label or "Hatched"] if flags.any() else []
        layout = _heatmap_layout(matrix, title, key, row_width, col_width)
        fig = _figure(layout.width, layout.height)
        ax = fig.subplots()
        _draw_cells(ax, values, flags, text)
        _heatmap_axes(ax, layout, xlabel, ylabel)
        _title(fig, title)
        if key:
            _legend(fig, [_legend_handle(RECORDED_STYLE)], key)
        if alt is None:
            alt = _heatmap_alt(matrix, text, title, xlabel, ylabel)
    return Chart(fig, title=title, alt=alt, data=table, caption=caption, table_caption=table_caption or title)


def _heatmap_cells(
    matrix: pd.DataFrame, annotations: pd.DataFrame | None, hatched: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Each cell's count, whether it is hatched, and its label ("" for none), in the matrix's shape."""
    values = matrix.fillna(0).to_numpy(dtype=float)
    flags = (
        np.zeros(values.shape, bool)
        if hatched is None
        else hatched.reindex(index=matrix.index, columns=matrix.columns, fill_value=False).to_numpy(bool)
    )
    text = (
        matrix.fillna(0).astype(int).astype(str).where(matrix.fillna(0) != 0, "")
        if annotations is None
        else annotations.reindex(index=matrix.index, columns=matrix.columns).fillna("").astype(str)
    )
    return values, flags, text


class _Layout(NamedTuple):
    """A heatmap's tick labels, whether its column labels are slanted, and its size in inches."""

    xlabels: list[str]
    ylabels: list[str]
    rotate: bool
    width: float
    height: float


def _longest_line(labels: list[str]) -> int:
    return max(len(line) for label in labels for line in label.split("\n"))


def _heatmap_layout(matrix: pd.DataFrame, title: str, key: list[str], row_width: int, col_width: int) -> _Layout:
    """Cells wide enough for their column labels (slanted when there are too many columns, after the row names
    are wrapped narrower), rows tall enough for their wrapped names, room for the title and the key (if any),
    across the printed width and no taller than a printed chart can be."""
    nrows, ncols = matrix.shape
    xlabels = [_wrap(c, col_width) for c in matrix.columns]
    cell_w = max(0.6, CHAR_IN * _longest_line(xlabels) + 0.15)
    for width in sorted({row_width, min(row_width, 30), min(row_width, 24)}, reverse=True):
        ylabels = [_wrap(r, width) for r in matrix.index]
        label_in = CHAR_IN * _longest_line(ylabels) + 2 * LINE_IN + 0.2
        rotate = ncols * cell_w + label_in > PRINT_WIDTH_IN
        if not rotate:
            break
    ylines = max(y.count("\n") + 1 for y in ylabels)
    if rotate:  # too many columns for level labels: slant them, read bottom-left to top-right
        xlabels = [_wrap(c, 48) for c in matrix.columns]  # one line each, so slanted labels do not interleave
        xlabel_in = CHAR_IN * _longest_line(xlabels) * 0.71 + LINE_IN * max(x.count("\n") + 1 for x in xlabels) * 0.71
    else:
        xlabel_in = LINE_IN * max(x.count("\n") + 1 for x in xlabels)
    around = _title_height(title) + xlabel_in + 2 * LINE_IN + 0.4 + (_legend_height(key) if key else 0)
    cell_h = max(LINE_IN * ylines + 0.04, min(max(0.3, LINE_IN * ylines + 0.1), (PRINT_HEIGHT_IN - around) / nrows))
    return _Layout(xlabels, ylabels, rotate, PRINT_WIDTH_IN, cell_h * nrows + around)


def _draw_cells(ax: Axes, values: np.ndarray, flags: np.ndarray, text: pd.DataFrame) -> None:
    """Every cell, row by row, then white grid lines over them."""
    nrows, ncols = values.shape
    vmax = max(values[~flags].max() if (~flags).any() else 1, 1)
    norm = Normalize(0, vmax)
    colours = HEATMAP(norm(values))
    # One light grey background for the zero cells, a patch per non-zero cell, white grid lines
    # on top: far fewer SVG elements than a bordered patch per cell.
    ax.add_patch(Rectangle((0, 0), ncols, nrows, facecolor=EMPTY_CELL, edgecolor="none", clip_on=False))
    for r in range(nrows):
        for c in range(ncols):
            if flags[r, c]:
                fill, hatch = RECORDED_STYLE.colour, RECORDED_STYLE.hatch
            elif values[r, c] != 0:
                fill, hatch = to_hex(colours[r, c]), ""
            else:
                fill, hatch = EMPTY_CELL, ""
            _draw_cell(ax, r, c, fill, hatch, text.iat[r, c])
    ax.hlines(np.arange(1, nrows), 0, ncols, colors=BACKGROUND, linewidth=2, clip_on=False)
    ax.vlines(np.arange(1, ncols), 0, nrows, colors=BACKGROUND, linewidth=2, clip_on=False)


def _draw_cell(ax: Axes, r: int, c: int, fill: str, hatch: str, label: str) -> None:
    """One cell: its colour (a zero cell shows the background), its hatch, and its label on a patch of the fill
    where hatched, so the hatch does not cross the text."""
    if fill != EMPTY_CELL:
        ax.add_patch(Rectangle((c, r), 1, 1, facecolor=fill, edgecolor="none", clip_on=False))
    if hatch:
        ax.add_patch(
            Rectangle(
                (c + 0.03, r + 0.05),
                0.94,
                0.9,
                facecolor="none",
                edgecolor=RECORDED_STYLE.hatch_colour,
                linewidth=0,
                hatch=hatch,
                clip_on=False,
            )
        )
    if label:
        ax.text(
            c + 0.5,
            r + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=CHART_TEXT_PT,
            color=text_colour_on(fill),
            clip_on=False,
            bbox={"boxstyle": "square,pad=0.15", "facecolor": fill, "edgecolor": "none"} if hatch else None,
        )


def _heatmap_axes(ax: Axes, layout: _Layout, xlabel: str, ylabel: str) -> None:
    """Row and column labels at the cells' centres (column labels slanted if need be), no ticks or frame."""
    nrows, ncols = len(layout.ylabels), len(layout.xlabels)
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)
    ax.set_xticks(np.arange(ncols) + 0.5, layout.xlabels)
    if layout.rotate:
        ax.tick_params(axis="x", labelrotation=45)
        for tick in ax.get_xticklabels():
            tick.set(ha="right", rotation_mode="anchor")
    ax.set_yticks(np.arange(nrows) + 0.5, layout.ylabels)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(xlabel, color=TEXT)
    ax.set_ylabel(ylabel, color=TEXT)


def _heatmap_alt(matrix: pd.DataFrame, text: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> str:
    """The default alt text: the finding, then a sentence per row with its labelled cells."""
    rows = []
    for r, name in enumerate(matrix.index):
        cells = "; ".join(f"{col} {text.iat[r, c]}" for c, col in enumerate(matrix.columns) if text.iat[r, c])
        if cells:
            rows.append(f"{name}: {cells}.")
    return f"Heatmap of counts by {ylabel.lower()} (rows) and {xlabel.lower()} (columns). {title}. " + _series(
        rows, 12, "{n} more rows are in the data table."
    )


def theme_heatmap(
    matrix: pd.DataFrame,
    recorded: pd.DataFrame | None = None,
    review_titles: Mapping[str, str] | None = None,
    per: str = "review",
) -> Chart:
    """Theme x review counts of recommendations; columns are review titles (or councils: `per="council"`).

    `recorded` (bool, same shape): themes only a decision record (such as the minutes) names
    for a review; those cells are hatched and labelled themes.RECORDED ("recorded"). If the columns are
    review ids, pass `review_titles` ({review_id: title}) and they are renamed.
    """
    if review_titles is not None:
        matrix = matrix.rename(columns=lambda c: review_titles.get(c) or c)
        if recorded is not None:
            recorded = recorded.rename(columns=lambda c: review_titles.get(c) or c)
    recorded = (
        pd.DataFrame(False, index=matrix.index, columns=matrix.columns)
        if recorded is None
        else recorded.reindex(index=matrix.index, columns=matrix.columns, fill_value=False).astype(bool)
    )
    counts = matrix.fillna(0).astype(int)
    annotations = counts.astype(str).where(counts > 0, "").where(~recorded, RECORDED)
    per_theme = ((counts > 0) | recorded).sum(axis=1)
    title = _theme_title(matrix, per_theme, per)
    data = counts.astype(object).where(~recorded, f"{RECORDED} (decision record)")
    data.index.name, data.columns.name = "Theme", None
    alt = f"Heatmap of recommendations per theme (rows) and {per} (columns). {title}. " + _series(
        _theme_rows(matrix, counts, recorded, per_theme), 12, "{n} more themes are in the data table."
    )
    caption = (
        f"Each cell counts a {per}'s recommendations on a theme; darker is more. Hatched cells marked "
        f"“{RECORDED}” are themes only a decision record names, for a review with nothing transcribed."
    )
    return heatmap(
        counts,
        title,
        per.capitalize(),
        "Theme",
        annotations,
        hatched=recorded,
        hatched_label=f"{RECORDED.capitalize()}: named only in the decision record",
        alt=alt,
        caption=caption,
        table_caption=f"Recommendations per theme and {per}",
        data=data,
    )


def _theme_title(matrix: pd.DataFrame, per_theme: pd.Series, per: str) -> str:
    """The finding: how many themes recur in more than one review (or council). The "Unclassified" row is
    recommendations no theme fits, not a theme: it is counted neither among the themes nor as recurring."""
    from helpers.plans.themes import UNCLASSIFIED_NAME

    themes = per_theme[[name != UNCLASSIFIED_NAME for name in matrix.index]]
    if themes.empty:
        return "No themes to show for this selection" if matrix.empty else "No recommendation fits a theme"
    recurring = int((themes > 1).sum())
    return (
        f"{recurring} of {_plural(len(themes), 'theme')} recur{'s' if len(themes) == 1 else ''} in more than one {per}"
    )


def _theme_rows(matrix: pd.DataFrame, counts: pd.DataFrame, recorded: pd.DataFrame, per_theme: pd.Series) -> list[str]:
    """A sentence per theme with its non-empty cells, the recurring themes first."""
    rows = []
    flags, values = recorded.to_numpy(bool), counts.to_numpy()
    order = [i for i in range(len(matrix)) if per_theme.iat[i] > 1] + [
        i for i in range(len(matrix)) if per_theme.iat[i] <= 1
    ]
    for r in order:
        cells = "; ".join(
            f"{review} {RECORDED + ' in the decision record' if flags[r, c] else _n(values[r, c])}"
            for c, review in enumerate(matrix.columns)
            if flags[r, c] or values[r, c]
        )
        if cells:
            rows.append(f"{matrix.index[r]}: {cells}.")
    return rows


def lead_theme_heatmap(matrix: pd.DataFrame) -> Chart:
    """Lead x primary theme counts (rows = lead display names), zero cells left blank."""
    counts = matrix.fillna(0).astype(int)
    spread = (counts > 0).sum(axis=1)
    if len(spread) and spread.max() > 0:
        title = f"{spread.idxmax()} leads actions across {_plural(int(spread.max()), 'theme')}"
    else:
        title = "No actions with a lead and a theme to show"
    data = counts.copy()
    data.index.name, data.columns.name = "Lead", None
    rows = []
    values = counts.to_numpy()
    for r in np.argsort(-spread.to_numpy(), kind="stable"):
        cells = "; ".join(f"{theme} {_n(values[r, c])}" for c, theme in enumerate(counts.columns) if values[r, c])
        if cells:
            rows.append(f"{counts.index[r]}: {cells}.")
    alt = f"Heatmap of actions per lead (rows) and primary theme (columns). {title}. " + _series(
        rows, 8, "{n} more leads are in the data table."
    )
    caption = "Each cell counts a lead's actions whose primary theme is that column; darker is more, blank is none."
    return heatmap(
        counts,
        title,
        "Primary theme of the action",
        "Lead",
        alt=alt,
        caption=caption,
        table_caption="Actions per lead and primary theme",
        data=data,
        col_width=14,
    )
