"""What every committee chart is built from: a figure at the SVG's own scale and its printed size, its title and
key, the chart that says there is nothing to show, and horizontal stacked bars with their counts written on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from helpers.committee.chart_style import (
    BACKGROUND,
    CHAR_IN,
    CHART_TEXT_PT,
    GAP_EDGE,
    LINE_IN,
    PRINT_HEIGHT_IN,
    PRINT_WIDTH_IN,
    STYLE,
    TEXT,
    TITLE_CHARS,
    TITLE_PT,
    Style,
    _n,
    _wrap,
    text_colour_on,
)
from helpers.committee.svg import Chart


def _figure(width: float, height: float) -> Figure:
    """A figure `width` by `height` inches: at most PRINT_WIDTH_IN wide, so its text prints at its own size."""
    # 72 dpi, the SVG's own: text is measured for layout as the saved chart draws it.
    fig = Figure(figsize=(width, height), layout="constrained", dpi=72)
    FigureCanvasAgg(fig)  # a canvas to measure text with; savefig(format="svg") switches to SVG
    fig.get_layout_engine().set(h_pad=0.08, w_pad=0.1)
    return fig


def _title(fig: Figure, title: str, width: int = TITLE_CHARS) -> None:
    fig.suptitle(
        _wrap(title, width), x=0.01, ha="left", fontsize=TITLE_PT, fontweight="bold", color=TEXT, linespacing=1.3
    )


def _title_height(title: str) -> float:
    """Inches a wrapped title takes above a chart."""
    return (_wrap(title, TITLE_CHARS).count("\n") + 1) * TITLE_PT * 1.3 / 72 + 0.05


def _text_width(text: str, size: float = CHART_TEXT_PT) -> float:
    """Points `text` takes at `size` in the charts' font (call inside the charts' style)."""
    font = FontProperties(family=STYLE["font.sans-serif"], size=size)
    width, _, _ = RendererAgg(1, 1, 72).get_text_width_height_descent(text, font, ismath=False)
    return width


def _empty(title: str, message: str, alt: str) -> Chart:
    """A small chart that says there is nothing to show, rather than empty axes."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(PRINT_WIDTH_IN, 0.6 + _title_height(title))
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.0, 0.5, message, fontsize=CHART_TEXT_PT + 0.5, va="center", color=TEXT, transform=ax.transAxes)
        _title(fig, title)
        return Chart(fig, title=title, alt=alt, data=pd.DataFrame(), caption="")


def _legend_handle(style: Style) -> tuple[Patch, ...]:
    fill = Patch(facecolor=style.colour, edgecolor=GAP_EDGE if style.gap else style.colour, linewidth=0.8)
    if not style.hatch:
        return (fill,)
    return fill, Patch(facecolor="none", edgecolor=style.hatch_colour, linewidth=0, hatch=style.hatch)


_KEY = {"handlelength": 2.4, "handletextpad": 0.8, "columnspacing": 1.6, "borderpad": 0.4}  # in font sizes


def _legend_columns(labels: list[str], most: int = 4) -> int:
    """The most columns, up to `most`, in which a key of `labels` (read left to right) fits the printed width."""
    widths = [_text_width(label) for label in labels]
    entry = (_KEY["handlelength"] + _KEY["handletextpad"]) * CHART_TEXT_PT
    room = PRINT_WIDTH_IN * 72 - 2 * _KEY["borderpad"] * CHART_TEXT_PT
    for ncols in range(max(1, min(most, len(labels))), 1, -1):
        columns = [max(widths[c::ncols]) + entry for c in range(ncols)]
        if sum(columns) + (ncols - 1) * _KEY["columnspacing"] * CHART_TEXT_PT <= room:
            return ncols
    return 1


def _legend_height(labels: list[str]) -> float:
    """Inches the key of `labels` takes below a chart."""
    return math.ceil(len(labels) / _legend_columns(labels)) * LINE_IN * 1.45 + 0.1


def _legend(fig: Figure, handles: list, labels: list[str]) -> None:
    """A key below the chart, read left to right then down (matplotlib fills columns first), in as many
    columns as fit the printed width."""
    ncols = _legend_columns(labels)
    rows = math.ceil(len(handles) / ncols)
    order = [r * ncols + c for c in range(ncols) for r in range(rows) if r * ncols + c < len(handles)]
    fig.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside lower left",
        ncols=ncols,
        handler_map={tuple: HandlerTuple(ndivide=1)},
        handleheight=1.5,
        fontsize=CHART_TEXT_PT,
        labelcolor=TEXT,
        **_KEY,
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
    around = _title_height(title) + _legend_height([labels[c] for c in shown]) + 2.6 * LINE_IN + 0.35
    y, bars_in = _bar_rows(wrapped, PRINT_HEIGHT_IN - around)
    if bars_in + around > PRINT_HEIGHT_IN:  # many rows: their names on fewer, longer lines, to fit the page
        wrapped = [_wrap(name, label_width * 3 // 2) for name in table.index]
        y, bars_in = _bar_rows(wrapped, PRINT_HEIGHT_IN - around)
    fig = _figure(PRINT_WIDTH_IN, bars_in + around)
    ax = fig.subplots()
    totals, segments = _draw_segments(ax, table, shown, styles, y)
    _bar_axes(ax, wrapped, totals, xlabel, y, bars_in)
    _bar_ends(ax, totals, end_labels, y)
    _title(fig, title)
    _legend(fig, [_legend_handle(styles[c]) for c in shown], [labels[c] for c in shown])
    return fig, _write_counts(fig, ax, segments, styles)


BAR_IN = 0.2  # a bar's thickness: room for a count written on it


def _bar_rows(wrapped: list[str], room: float) -> tuple[np.ndarray, float]:
    """Each bar's centre in inches from the top, and the bars' height: each row as tall as its wrapped name,
    with a gap, closer together (down to the name's height) where they would take more than `room` inches,
    since a chart taller than the printed page allows is shrunk, text and all."""
    lines = np.array([name.count("\n") + 1 for name in wrapped])
    rows = np.maximum(BAR_IN + 0.1, LINE_IN * lines + 0.12)
    if rows.sum() > room:
        least = np.maximum(BAR_IN + 0.03, LINE_IN * lines + 0.03)
        rows = np.maximum(least, rows - (rows.sum() - room) / len(rows))
    return np.cumsum(rows) - rows / 2, float(rows.sum())


def _draw_segments(
    ax: Axes, table: pd.DataFrame, shown: list[str], styles: Mapping[str, Style], y: np.ndarray
) -> tuple[np.ndarray, list[tuple[str, float, float, float]]]:
    """Each shown column's segments, left to right, on bars centred at `y`: its fill, then its hatch over it.
    Each bar's total, and the segments drawn as (column, bar's centre, start, value)."""
    left = np.zeros(len(table))
    segments = []
    for column in shown:
        style = styles[column]
        values = table[column].to_numpy(dtype=float)
        ax.barh(
            y,
            values,
            left=left,
            height=BAR_IN,
            color=style.colour,
            edgecolor=GAP_EDGE if style.gap else BACKGROUND,
            linewidth=0.8 if style.gap else 1.0,
        )
        if style.hatch:
            ax.barh(
                y,
                values,
                left=left,
                height=BAR_IN,
                color="none",
                edgecolor=style.hatch_colour,
                linewidth=0,
                hatch=style.hatch,
            )
        segments += [(column, y[i], left[i], v) for i, v in enumerate(values) if v > 0]
        left = left + values
    return left, segments


def _bar_axes(ax: Axes, wrapped: list[str], totals: np.ndarray, xlabel: str, y: np.ndarray, bars_in: float) -> None:
    """Row names down the side, the first at the top; a count axis in whole numbers, with room for the bars' ends."""
    ax.set_yticks(y, wrapped)
    ax.set_ylim(bars_in, 0)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(totals.max(), 1) * 1.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Wrapped to the bars' width, what the row names leave of the chart's: centred under them, a longer line
    # would run off the chart's edge.
    names = max(len(line) for name in wrapped for line in name.split("\n"))
    ax.set_xlabel(_wrap(xlabel, max(24, int(PRINT_WIDTH_IN / CHAR_IN) - names - 12)), color=TEXT)


def _bar_ends(ax: Axes, totals: np.ndarray, end_labels: list[str] | None, y: np.ndarray) -> None:
    """Each bar's total (or its `end_labels` entry), in bold just past its end."""
    for i, total in enumerate(totals):
        ax.text(
            total + ax.get_xlim()[1] * 0.006,
            y[i],
            end_labels[i] if end_labels else _n(total),
            va="center",
            ha="left",
            fontsize=CHART_TEXT_PT,
            fontweight="bold",
            color=TEXT,
        )


def _write_counts(
    fig: Figure, ax: Axes, segments: list[tuple[str, float, float, float]], styles: Mapping[str, Style]
) -> list[Text]:
    """Each segment's count on it, where it fits; the labels written."""
    # Write each count on its segment where it fits, measured in the final layout: laid out once here
    # (at the SVG's 72 dpi, so with its text metrics) and kept, so saving does not lay it out again.
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    written = []
    for column, y, start, value in segments:
        fill = styles[column].colour
        label = ax.text(
            start + value / 2,
            y,
            _n(value),
            ha="center",
            va="center",
            fontsize=CHART_TEXT_PT,
            color=text_colour_on(fill),
            bbox={"boxstyle": "square,pad=0.12", "facecolor": fill, "edgecolor": "none"},
        )
        text_width = label.get_window_extent(renderer).width
        x0, x1 = ax.transData.transform([(start, y), (start + value, y)])[:, 0]
        if text_width + 6 > (x1 - x0):
            label.remove()  # too narrow: the count is in the alt text and the data table
        else:
            written.append(label)
    return written


def _check_columns(columns: Iterable[str], allowed: Iterable[str], what: str) -> None:
    unknown = [c for c in columns if c not in set(allowed)]
    if unknown:
        raise ValueError(f"{what}: unknown column(s) {unknown}; expected ids from {list(allowed)}")
