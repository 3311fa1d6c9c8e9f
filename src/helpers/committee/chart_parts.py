"""What every committee chart is built from: a figure at the SVG's own scale, its title and key, the chart
that says there is nothing to show, and horizontal stacked bars with their counts written on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from helpers.committee.chart_style import BACKGROUND, GAP_EDGE, STYLE, TEXT, Style, _n, _wrap, text_colour_on
from helpers.committee.svg import Chart


def _figure(width: float, height: float) -> Figure:
    # 72 dpi, the SVG's own: text is measured for layout as the saved chart draws it.
    fig = Figure(figsize=(width, height), layout="constrained", dpi=72)
    FigureCanvasAgg(fig)  # a canvas to measure text with; savefig(format="svg") switches to SVG
    fig.get_layout_engine().set(h_pad=0.08, w_pad=0.1)
    return fig


def _title(fig: Figure, title: str, width: int = 80) -> None:
    fig.suptitle(_wrap(title, width), x=0.01, ha="left", fontsize=13, fontweight="bold", color=TEXT, linespacing=1.3)


def _empty(title: str, message: str, alt: str) -> Chart:
    """A small chart that says there is nothing to show, rather than empty axes."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(10, 1.3)
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.0, 0.5, message, fontsize=11, va="center", color=TEXT, transform=ax.transAxes)
        _title(fig, title)
        return Chart(fig, title=title, alt=alt, data=pd.DataFrame(), caption="")


def _legend_handle(style: Style) -> tuple[Patch, ...]:
    fill = Patch(facecolor=style.colour, edgecolor=GAP_EDGE if style.gap else style.colour, linewidth=0.8)
    if not style.hatch:
        return (fill,)
    return fill, Patch(facecolor="none", edgecolor=style.hatch_colour, linewidth=0, hatch=style.hatch)


def _legend(fig: Figure, handles: list, labels: list[str], ncols: int = 4) -> None:
    """A key below the chart, read left to right then down (matplotlib fills columns first)."""
    ncols = max(1, min(ncols, len(handles)))
    rows = math.ceil(len(handles) / ncols)
    order = [r * ncols + c for c in range(ncols) for r in range(rows) if r * ncols + c < len(handles)]
    fig.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside lower left",
        ncols=ncols,
        handler_map={tuple: HandlerTuple(ndivide=1)},
        handlelength=2.4,
        handleheight=1.5,
        fontsize=10,
        columnspacing=1.6,
        labelcolor=TEXT,
    )


def _stacked_barh(
    table: pd.DataFrame,
    styles: Mapping[str, Style],
    labels: Mapping[str, str],
    title: str,
    xlabel: str,
    label_width: int = 32,
    end_labels: list[str] | None = None,
) -> tuple[Figure, list[Text]]:
    """Horizontal stacked bars, one per row of `table` (index = display names, columns = style keys).

    Each segment has its colour and hatch; its count is written on it when it fits
    (black or white by contrast, on a patch of the fill so the hatch does not cross
    the digits); each bar's total (or its `end_labels` entry) is written at its end.
    Returns the figure and the segment labels drawn.
    """
    with matplotlib.rc_context(STYLE):
        return _draw_stacked_barh(table, styles, labels, title, xlabel, label_width, end_labels)


def _draw_stacked_barh(
    table: pd.DataFrame,
    styles: Mapping[str, Style],
    labels: Mapping[str, str],
    title: str,
    xlabel: str,
    label_width: int,
    end_labels: list[str] | None = None,
) -> tuple[Figure, list[Text]]:
    """The bars, their axis, ends, title and key, then each segment's count where it fits (see _stacked_barh)."""
    shown = [c for c in table.columns if table[c].sum() > 0]
    wrapped = [_wrap(name, label_width) for name in table.index]
    fig = _figure(10, _bars_height(wrapped, len(shown), title))
    ax = fig.subplots()
    totals, segments = _draw_segments(ax, table, shown, styles)
    _bar_axes(ax, wrapped, totals, xlabel)
    _bar_ends(ax, totals, end_labels)
    _title(fig, title)
    _legend(fig, [_legend_handle(styles[c]) for c in shown], [labels[c] for c in shown])
    return fig, _write_counts(fig, ax, segments, styles)


def _bars_height(wrapped: list[str], columns: int, title: str) -> float:
    """The figure's height in inches: a bar per row, tall enough for its wrapped name, then the title and key."""
    lines = max(name.count("\n") + 1 for name in wrapped)
    bar_height_in = max(0.42, 0.2 * lines + 0.12)
    legend_rows = math.ceil(columns / 4)
    title_lines = _wrap(title, 80).count("\n") + 1
    return bar_height_in * len(wrapped) + 0.3 * title_lines + 0.3 * legend_rows + 1.1


def _draw_segments(
    ax: Axes, table: pd.DataFrame, shown: list[str], styles: Mapping[str, Style]
) -> tuple[np.ndarray, list[tuple[str, int, float, float]]]:
    """Each shown column's segments, left to right: its fill, then its hatch over it. Each bar's total, and the
    segments drawn as (column, row, start, value)."""
    rows = len(table)
    y = np.arange(rows)
    left = np.zeros(rows)
    segments = []
    for column in shown:
        style = styles[column]
        values = table[column].to_numpy(dtype=float)
        ax.barh(
            y,
            values,
            left=left,
            height=0.72,
            color=style.colour,
            edgecolor=GAP_EDGE if style.gap else BACKGROUND,
            linewidth=0.8 if style.gap else 1.0,
        )
        if style.hatch:
            ax.barh(
                y,
                values,
                left=left,
                height=0.72,
                color="none",
                edgecolor=style.hatch_colour,
                linewidth=0,
                hatch=style.hatch,
            )
        segments += [(column, i, left[i], v) for i, v in enumerate(values) if v > 0]
        left = left + values
    return left, segments


def _bar_axes(ax: Axes, wrapped: list[str], totals: np.ndarray, xlabel: str) -> None:
    """Row names down the side, the first at the top; a count axis in whole numbers, with room for the bars' ends."""
    rows = len(wrapped)
    ax.set_yticks(np.arange(rows), wrapped)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(totals.max(), 1) * 1.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel, color=TEXT)


def _bar_ends(ax: Axes, totals: np.ndarray, end_labels: list[str] | None) -> None:
    """Each bar's total (or its `end_labels` entry), in bold just past its end."""
    for i, total in enumerate(totals):
        ax.text(
            total + ax.get_xlim()[1] * 0.006,
            i,
            end_labels[i] if end_labels else _n(total),
            va="center",
            ha="left",
            fontsize=10,
            fontweight="bold",
            color=TEXT,
        )


def _write_counts(
    fig: Figure, ax: Axes, segments: list[tuple[str, int, float, float]], styles: Mapping[str, Style]
) -> list[Text]:
    """Each segment's count on it, where it fits; the labels written."""
    # Write each count on its segment where it fits, measured in the final layout: laid out once here
    # (at the SVG's 72 dpi, so with its text metrics) and kept, so saving does not lay it out again.
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    written = []
    for column, i, start, value in segments:
        fill = styles[column].colour
        label = ax.text(
            start + value / 2,
            i,
            _n(value),
            ha="center",
            va="center",
            fontsize=10,
            color=text_colour_on(fill),
            bbox={"boxstyle": "square,pad=0.12", "facecolor": fill, "edgecolor": "none"},
        )
        text_width = label.get_window_extent(renderer).width
        x0, x1 = ax.transData.transform([(start, i), (start + value, i)])[:, 0]
        if text_width + 6 > (x1 - x0):
            label.remove()  # too narrow: the count is in the alt text and the data table
        else:
            written.append(label)
    return written


def _check_columns(columns: Iterable[str], allowed: Iterable[str], what: str) -> None:
    unknown = [c for c in columns if c not in set(allowed)]
    if unknown:
        raise ValueError(f"{what}: unknown column(s) {unknown}; expected ids from {list(allowed)}")
