"""Charts for the committee report: accessible (WCAG 2.2 AA), vector and small.

Every chart function returns a `Chart`. In a notebook, leave the chart as the last
expression of the cell *without* a trailing `;`: Jupyter then shows its HTML, a
`<figure>` holding

- the chart as an SVG data URI (text stays text: crisp in print, selectable, small),
- alt text that states the finding with its numbers (never a generic description),
- a caption saying how to read the chart, and
- the chart's numbers as an HTML table inside `<details>`.

The HTML is the only representation, so an exported report holds exactly one image
per chart. Figures are built with `matplotlib.figure.Figure` directly, never through
pyplot, so Jupyter's inline backend does not show a second (PNG) copy and nothing
accumulates in pyplot's figure registry.

House style:
- A status is never shown by colour alone: each has a colour *and* a hatch pattern,
  and the legend shows both. The colours differ in lightness by about 9 CIELAB L*
  units, so they stay apart in greyscale print and under deuteranopia/protanopia
  (checked in tests/committee/test_charts.py with the Machado et al. 2009 simulation).
- Data gaps (incomplete in source, not transcribed) are white or very light grey,
  hatched, with a dark edge: visibly "no data" rather than a status.
- Every count written on a segment or cell is black or white, whichever has the
  higher WCAG contrast ratio against the fill (always >= 4.5:1 for these palettes).
  All other text is near-black (#1a1a1a) on white (17:1).
- Text from data is plain text: mathtext is switched off (`text.parse_math`), so a
  title containing `$x$` is drawn as `$x$` (no backslash escaping is added: with
  parsing off, a backslash would itself be drawn).
- Output is deterministic: a fixed `svg.hashsalt` and no date in the SVG, so the
  same data gives a byte-identical SVG and report.
- Titles state the finding; rows are labelled with display names (review titles,
  lead names), never internal ids.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import textwrap
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from helpers.base.vocabulary import STATUS_IDS, TOTAL_ACTIONS, status_labels
from helpers.plans.themes import RECORDED

# ---------------------------------------------------------------------------
# Colours, patterns and contrast

TEXT = "#1a1a1a"  # all chart text: 17.4:1 on white
AXIS = "#595959"  # axis lines and ticks: 7:1 on white
BACKGROUND = "#ffffff"
GAP_EDGE = "#1a1a1a"  # outline of data-gap segments


@dataclass(frozen=True)
class Style:
    """How one category is drawn: fill colour, hatch pattern and the hatch's colour."""

    colour: str
    hatch: str  # matplotlib hatch; "" is solid (itself a distinct pattern). Lines only:
    # dot and ring hatches cost 20-140 KB each in SVG.
    hatch_colour: str
    gap: bool = False  # a data gap, not a status: drawn with a dark edge


# Status ids from docs/data-model.md, in display order. Lightness (CIELAB L*) steps
# down by ~9 from not-yet-due to ongoing so that greyscale keeps every pair apart; the data gaps
# are lighter still (pale cream L* 91, white L* 100) and differ from each other by tint and hatch.
STATUS_ORDER = STATUS_IDS  # display order of the palette below; the ids live in helpers.base.vocabulary
STATUS_STYLES: dict[str, Style] = {
    "complete": Style("#3a603c", "", "#ffffff"),  # dark green, solid      L* 37
    "not-yet-due": Style("#9ad6e1", "||", "#1a1a1a"),  # pale cyan, vertical    L* 82
    "ongoing": Style("#024573", "--", "#ffffff"),  # dark blue, horizontal  L* 28
    "no-target": Style("#98b1fc", "\\-", "#1a1a1a"),  # periwinkle, back-diagonal + horizontal L* 73
    "overdue": Style("#c83912", "xx", "#ffffff"),  # vermilion, cross       L* 46
    "not-reported": Style("#dd8556", "\\\\", "#1a1a1a"),  # light orange, back-diagonal L* 64
    "no-action": Style("#838485", "++", "#ffffff"),  # mid grey, grid         L* 55
    "incomplete-source": Style("#f5e4bf", "/|", "#1a1a1a", True),  # pale cream, diagonal + vertical L* 91
    "not-transcribed": Style("#ffffff", "//", "#1a1a1a", True),  # white, diagonal        L* 100
}
STATUS_COLOURS = {key: style.colour for key, style in STATUS_STYLES.items()}
STATUS_HATCHES = {key: style.hatch for key, style in STATUS_STYLES.items()}
DATA_GAPS = frozenset(key for key, style in STATUS_STYLES.items() if style.gap)

# Lead workload: "open" (not yet due, ongoing or no target) is drawn like ongoing.
WORKLOAD_ORDER = ("complete", "open", "overdue", "not-reported")
WORKLOAD_STYLES = {
    "complete": STATUS_STYLES["complete"],
    "open": STATUS_STYLES["ongoing"],
    "overdue": STATUS_STYLES["overdue"],
    "not-reported": STATUS_STYLES["not-reported"],
}

# Heatmaps: white to dark blue; a cell named only in a decision record is hatched.
HEATMAP = LinearSegmentedColormap.from_list("tracker-blues", ["#dbe9f6", "#9ecae1", "#2171b5", "#08306b"])
EMPTY_CELL = "#f3f3f3"  # a zero cell: light grey, left blank
RECORDED_STYLE = Style("#e4e4e4", "//", "#1a1a1a", True)

SVG_SALT = "peer-review-tracker"

STYLE = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": SVG_SALT,  # deterministic ids
    "text.parse_math": False,  # "$x$" from data is drawn literally
    "text.usetex": False,
    "font.family": "sans-serif",
    # Layout is measured with DejaVu Sans (shipped with matplotlib). A viewer without it
    # falls back to Arial or Helvetica, which are narrower, so text never overflows.
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 11,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": AXIS,
    "axes.facecolor": BACKGROUND,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": AXIS,
    "ytick.color": AXIS,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "figure.facecolor": BACKGROUND,
    "legend.frameon": False,
    "legend.labelcolor": TEXT,
    "hatch.linewidth": 0.8,
    "path.simplify": True,
}


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a colour (hex or any matplotlib colour)."""
    r, g, b = (_channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour1: str, colour2: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(colour1), relative_luminance(colour2)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (always >= 4.5:1)."""
    return max(("#000000", "#ffffff"), key=lambda c: contrast_ratio(c, background))


# ---------------------------------------------------------------------------
# Labels


def _humanise(key: str) -> str:
    """`not-yet-due` -> `Not yet due`: the fallback label for an id."""
    return str(key).replace("-", " ").replace("_", " ").strip().capitalize()


def _labels_for(keys: Iterable[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    """Display labels: `labels` first, then the vocabulary's status labels, then the id in sentence case."""
    known = {**status_labels(), **(labels or {})}
    return {key: str(known.get(key) or _humanise(key)) for key in keys}


def _wrap(label: object, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=True)) or str(label)


def _n(value: float) -> str:
    return f"{int(value):,}"


def _plural(count: int, noun: str) -> str:
    return f"{_n(count)} {noun}{'' if count == 1 else 's'}"


def _series(items: list[str], limit: int, rest: str) -> str:
    """Join up to `limit` sentences; say how many more are in the table."""
    shown = " ".join(items[:limit])
    if len(items) > limit:
        shown += f" {rest.format(n=len(items) - limit)}"
    return shown


# ---------------------------------------------------------------------------
# The display object


def _html_table(data: pd.DataFrame, caption: str) -> str:
    """An escaped HTML table with a caption, row headers and column headers."""
    esc = html.escape
    index_name = data.index.name or ""
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in data.columns)
    rows = []
    for key, row in zip(data.index, data.itertuples(index=False), strict=False):
        cells = "".join(f"<td>{esc(_cell(v))}</td>" for v in row)
        rows.append(f'<tr><th scope="row">{esc(str(key))}</th>{cells}</tr>')
    return (
        f'<table class="report-table chart-data"><caption>{esc(caption)}</caption>'
        f'<thead><tr><th scope="col">{esc(str(index_name))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(value: object) -> str:
    if isinstance(value, (int, np.integer)):
        return _n(value)
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else (_n(value) if float(value).is_integer() else f"{value:g}")
    return "" if value is None else str(value)


class Chart:
    """A rendered chart: `.figure`, `.svg()`, `.alt`, `.data`, and HTML for notebooks.

    The SVG is rendered once, when the chart is made; the figure is kept for tests.
    """

    def __init__(
        self, figure: Figure, *, title: str, alt: str, data: pd.DataFrame, caption: str = "", table_caption: str = ""
    ):
        self.figure = figure
        self.title = title
        self.alt = alt
        self.data = data
        self.caption = caption
        self.table_caption = table_caption or title
        self._svg = _render_svg(figure)
        self.width_pt, self.height_pt = (float(v) * 72 for v in figure.get_size_inches())

    def svg(self) -> str:
        """The chart as SVG text (deterministic for the same data)."""
        return self._svg

    def svg_data_uri(self) -> str:
        """The chart as a data: URI, for an <img> element."""
        return "data:image/svg+xml;base64," + base64.b64encode(self._svg.encode("utf-8")).decode("ascii")

    def table_html(self) -> str:
        """The chart's data as an HTML table (its text alternative), or "" when there is none."""
        return _html_table(self.data, self.table_caption) if len(self.data) else ""

    def _repr_html_(self) -> str:
        esc = html.escape
        width, height = round(self.width_pt * 4 / 3), round(self.height_pt * 4 / 3)
        parts = [
            '<figure class="chart" style="margin:1.2em 0">',
            f'<img src="{self.svg_data_uri()}" alt="{esc(self.alt, quote=True)}" width="{width}" '
            f'height="{height}" style="max-width:100%;height:auto">',
        ]
        if self.caption:
            parts.append(f"<figcaption>{esc(self.caption)}</figcaption>")
        table = self.table_html()
        if table:
            parts.append(f"<details><summary>Data for this chart (table)</summary>{table}</details>")
        parts.append("</figure>")
        return "".join(parts)

    def __repr__(self) -> str:
        return f"<Chart: {self.title}>"


def _render_svg(fig: Figure) -> str:
    with matplotlib.rc_context(STYLE):
        for text in fig.findobj(Text):
            text.set_parse_math(False)
        buffer = io.StringIO()
        fig.savefig(
            buffer,
            format="svg",
            facecolor=BACKGROUND,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return _compact_svg(buffer.getvalue())


_NUMBER = re.compile(r"-?\d+\.\d+")
_GEOMETRY = re.compile(r'(\s(?:d|x|y|x1|y1|x2|y2|width|height|transform)=")([^"]*)"')
_FONT = re.compile(r"font-family: ([^;\"]*);? ?")
_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [^")]*\)"')  # upright text: a no-op transform
_TAG = re.compile(r"<[^<>]*>")  # text content has < and > escaped, so this finds tags only


def _round(match: re.Match) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _geometry(match: re.Match) -> str:
    value = _NUMBER.sub(_round, match.group(2))
    if match.group(1).lstrip().startswith("d="):
        value = " ".join(value.split())
    return f'{match.group(1)}{value}"'


# matplotlib fills a hatched shape with an SVG <pattern>. Chromium prints a pattern fill as a bitmap
# (about 100 KB per hatched bar in report.pdf, 3.4 MB for one report), so each hatched shape is drawn
# instead as the pattern's own lines, tiled over the shape and clipped to it: the same picture, as vectors.
_PATTERN = re.compile(
    r'<pattern id="(?P<id>[^"]+)" patternUnits="userSpaceOnUse" x="0" y="0" '
    r'width="(?P<w>[\d.]+)" height="(?P<h>[\d.]+)">\s*'
    r'<rect x="0" y="0" width="[\d.]+" height="[\d.]+" fill="(?P<fill>[^"]+)"/>\s*'
    r'<path d="(?P<d>[ML\d.\s-]+)" style="(?P<style>[^"]+)"/>\s*</pattern>\s*'
)
_PATTERN_FILLED = re.compile(
    r'<path d="(?P<d>[^"]+)"(?P<attrs>[^>]*?) style="(?P<style>[^"]*)fill: url\(#(?P<id>[^)]+)\)(?P<rest>[^"]*)"/>'
)
_POINT = re.compile(r"(-?[\d.]+(?:e-?\d+)?) (-?[\d.]+(?:e-?\d+)?)")
_FILL = re.compile(r"fill: [^;]+")
_BETWEEN_PATCHES = re.compile(r'\s*(?:</g>\s*<g id="[^"]*">\s*)*')  # only matplotlib's wrapper groups


def _clip_segment(x0, y0, x1, y1, box) -> tuple[float, float, float, float] | None:
    """The part of a line segment inside `box` (left, top, right, bottom); Liang-Barsky."""
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)


def _hatch_lines(tile: str, width: float, height: float, boxes: list[tuple[float, float, float, float]]) -> str:
    """Path data for a pattern tile's lines repeated over each box: each tile's lines cut to the tile (as a
    pattern draws them) and to the box, then the pieces of one straight line joined again across tiles."""
    points = [(float(x), float(y)) for x, y in _POINT.findall(tile)]
    lines = list(zip(points[::2], points[1::2], strict=True))
    pieces: dict[tuple[float, float, float], list[tuple[float, float]]] = {}
    for left, top, right, bottom in boxes:
        _tile_pieces(lines, width, height, (left, top, right, bottom), pieces)
    segments = []
    for (ux, uy, offset), spans in sorted(pieces.items()):
        joined: list[list[float]] = []
        for start, stop in sorted(spans):
            if joined and start <= joined[-1][1] + 1e-4:
                joined[-1][1] = max(joined[-1][1], stop)
            else:
                joined.append([start, stop])
        for start, stop in joined:
            # The point at distance t along the line: t * (ux, uy) + offset * (uy, -ux).
            ends = [(t * ux + offset * uy, t * uy - offset * ux) for t in (start, stop)]
            segments.append("M{} {}L{} {}".format(*(_short(v) for end in ends for v in end)))
    return "".join(segments)


def _tile_pieces(
    lines: list, width: float, height: float, box: tuple[float, float, float, float], pieces: dict
) -> None:
    """Add to `pieces` ({line: [(start, stop)]}) the tile's lines, repeated over `box` and cut to each tile."""
    left, top, right, bottom = box
    for i in range(math.floor(left / width), math.floor(right / width) + 1):
        for j in range(math.floor(top / height), math.floor(bottom / height) + 1):
            ox, oy = i * width, j * height
            cell = (max(left, ox), max(top, oy), min(right, ox + width), min(bottom, oy + height))
            for (x0, y0), (x1, y1) in lines:
                part = _clip_segment(x0 + ox, y0 + oy, x1 + ox, y1 + oy, cell)
                if part is None:
                    continue
                (ax, ay, bx, by), length = part, math.hypot(part[2] - part[0], part[3] - part[1])
                if length < 1e-6:
                    continue
                ux, uy = (bx - ax) / length, (by - ay) / length
                if ux < -1e-9 or (abs(ux) <= 1e-9 and uy < 0):
                    ux, uy = -ux, -uy
                # A line is its direction and its distance from the origin; a piece, an interval along it.
                key = (round(ux, 6), round(uy, 6), round(ax * uy - ay * ux, 4))
                ta, tb = ax * ux + ay * uy, bx * ux + by * uy
                pieces.setdefault(key, []).append((min(ta, tb), max(ta, tb)))


def _short(value: float) -> str:
    """A coordinate to 0.01 pt, with no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _expand_hatches(svg: str) -> str:
    """Every shape filled with a hatch pattern, drawn instead as its background, the pattern's lines
    clipped to the shape, then its outline (SVG paints fill, then stroke). Shapes drawn one after another
    with the same pattern (a chart's segments of one status) share one clip path and one path of lines."""
    patterns = {m["id"]: m for m in _PATTERN.finditer(svg)}
    runs: list[list[re.Match]] = []
    for match in _PATTERN_FILLED.finditer(svg):
        if match["id"] not in patterns:
            continue  # a pattern this code does not read: left as it is
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (last["id"], last["attrs"], last["style"], last["rest"])
            == (match["id"], match["attrs"], match["style"], match["rest"])
            and _BETWEEN_PATCHES.fullmatch(svg, last.end(), match.start())
        ):
            runs[-1].append(match)
        else:
            runs.append([match])
    if not runs:
        return svg
    out, clips, at = [], [], 0
    for n, run in enumerate(runs):
        first, pattern = run[0], patterns[run[0]["id"]]
        shape = " ".join(m["d"] for m in run)
        boxes = []
        for m in run:
            xs, ys = zip(*((float(x), float(y)) for x, y in _POINT.findall(m["d"])), strict=True)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        lines = _hatch_lines(pattern["d"], float(pattern["w"]), float(pattern["h"]), boxes)
        clip, style = f"{first['id']}-{n}", (first["style"] + first["rest"]).strip("; ")
        clips.append(f'<clipPath id="{clip}"><path d="{shape}"/></clipPath>')
        parts = [f'<path d="{shape}" style="fill: {pattern["fill"]}"/>'] if pattern["fill"] != "none" else []
        if lines:
            parts.append(f'<path d="{lines}" clip-path="url(#{clip})" class="{first["id"]}"/>')
        if "stroke" in style:
            parts.append(f'<path d="{shape}" style="fill: none; {style}"/>')
        out += [svg[at : first.start()], f"<g{first['attrs']}>{''.join(parts)}</g>"]
        at = run[-1].end()
    svg = "".join(out) + svg[at:]
    rules = "".join(f".{i}{{{_FILL.sub('fill: none', p['style'])}}}" for i, p in patterns.items())
    svg = svg.replace('<style type="text/css">', f'<style type="text/css">{rules}', 1)
    svg = _PATTERN.sub(lambda m: m.group(0) if f"url(#{m['id']})" in svg else "", svg)  # those still used stay
    return svg.replace("</defs>", "".join(clips) + "</defs>", 1)


def _compact_svg(svg: str) -> str:
    """Smaller SVG, same picture: 0.01 pt coordinates, one font rule, no metadata or DOCTYPE; hatch
    patterns drawn as lines (see `_expand_hatches`).

    Only geometry attributes are rounded; text content (data) is never touched.
    """
    svg = _expand_hatches(svg)
    svg = _TAG.sub(lambda tag: _NO_ROTATION.sub("", _GEOMETRY.sub(_geometry, tag.group(0))), svg)
    fonts = {font for tag in _TAG.findall(svg) for font in _FONT.findall(tag)}
    if len(fonts) == 1:
        svg = _TAG.sub(lambda tag: _FONT.sub("", tag.group(0)), svg)
        style = '<style type="text/css">'
        svg = svg.replace(style, f"{style}text{{font-family:{fonts.pop()}}}", 1)
    start, end = svg.find(" <metadata>"), svg.find("</metadata>\n")
    if start != -1 and end != -1:
        svg = svg[:start] + svg[end + len("</metadata>\n") :]
    doctype = svg.find("<!DOCTYPE")
    if doctype != -1:
        svg = svg[:doctype] + svg[svg.find(">", doctype) + 2 :]
    return svg


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


# ---------------------------------------------------------------------------
# Stacked bars


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


def _draw_stacked_barh(table, styles, labels, title, xlabel, label_width, end_labels=None):
    shown = [c for c in table.columns if table[c].sum() > 0]
    rows = len(table)
    wrapped = [_wrap(name, label_width) for name in table.index]
    lines = max(name.count("\n") + 1 for name in wrapped)
    bar_height_in = max(0.42, 0.2 * lines + 0.12)
    legend_rows = math.ceil(len(shown) / 4)
    title_lines = _wrap(title, 80).count("\n") + 1
    height = bar_height_in * rows + 0.3 * title_lines + 0.3 * legend_rows + 1.1
    fig = _figure(10, height)
    ax = fig.subplots()
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
    totals = left
    ax.set_yticks(y, wrapped)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(totals.max(), 1) * 1.08)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel, color=TEXT)
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
    _title(fig, title)
    _legend(fig, [_legend_handle(styles[c]) for c in shown], [labels[c] for c in shown])

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
    return fig, written


def _check_columns(columns: Iterable[str], allowed: Iterable[str], what: str) -> None:
    unknown = [c for c in columns if c not in set(allowed)]
    if unknown:
        raise ValueError(f"{what}: unknown column(s) {unknown}; expected ids from {list(allowed)}")


def status_by_review(
    counts: pd.DataFrame, review_titles: Mapping[str, str], as_at: str, labels: Mapping[str, str] | None = None
) -> Chart:
    """Stacked bars of actions by status for each review.

    `counts`: index = review_id, columns = status ids (docs/data-model.md), plus an
    optional 'Total' (ignored). Rows are labelled with `review_titles[review_id]`.
    `labels`: {status_id: label}; by default helpers.base.vocabulary's labels, else the ids.
    """
    table = counts.drop(columns=["Total", "total", TOTAL_ACTIONS], errors="ignore")
    _check_columns(table.columns, STATUS_ORDER, "status_by_review")
    table = table.reindex(columns=[s for s in STATUS_ORDER if s in table.columns]).fillna(0).astype(int)
    missing = [i for i in table.index if not review_titles.get(i)]
    if missing:
        warnings.warn(f"status_by_review: no title for review(s) {missing}; showing the id", stacklevel=2)
    table.index = pd.Index([str(review_titles.get(i) or i) for i in table.index], name="Review")
    names = _labels_for(table.columns, labels)

    counted = int(table.drop(columns=["not-transcribed"], errors="ignore").to_numpy().sum())
    late = int(sum(table[c].sum() for c in ("overdue", "not-reported") if c in table.columns))
    title = (
        f"{late} of {counted} transcribed actions are past their target date and not recorded as complete as at {as_at}"
        if counted
        else f"No transcribed actions to track as at {as_at}"
    )
    data = table.rename(columns=names)
    # Actions and untranscribed recommendations are never added into one number: the total counts actions.
    actions = table.drop(columns=["not-transcribed"], errors="ignore").sum(axis=1)
    recs = table["not-transcribed"] if "not-transcribed" in table.columns else pd.Series(0, index=table.index)
    data[TOTAL_ACTIONS] = actions
    if table.empty or table.to_numpy().sum() == 0:
        return _empty(
            title,
            "Nothing to show for this selection: no actions or recommendations.",
            f"Nothing to show: no actions or recommendations to chart as at {as_at}.",
        )

    xlabel = "Actions"
    if recs.sum():
        xlabel = f"Actions (for “{names['not-transcribed']}”: recommendations)"
    ends = [_bar_end(a, r) for a, r in zip(actions, recs, strict=True)]
    fig, _ = _stacked_barh(table, STATUS_STYLES, names, title, xlabel, end_labels=ends)
    per_review = []
    for (name, row), a, r in zip(table.iterrows(), actions, recs, strict=True):
        parts = "; ".join(f"{_n(v)} {names[c]}" for c, v in row.items() if v > 0 and c != "not-transcribed")
        text = f"{name}: {parts} ({_n(a)} action{'s' if a != 1 else ''})" if parts else f"{name}: no actions"
        if r:
            text += f"; {_n(r)} {names['not-transcribed']} (recommendation{'s' if r != 1 else ''}, not actions)"
        per_review.append(text + ".")
    alt = f"Stacked bar chart of action status by review as at {as_at}. {title}. " + _series(
        per_review, 12, "{n} more reviews are in the data table."
    )
    gaps = [names[c] for c in table.columns if c in DATA_GAPS and table[c].sum() > 0]
    caption = (
        "One bar per review; each segment is a status with its own colour and pattern (see the key), "
        "with its count written on it where it fits and the number of actions at its end (and of recommendations "
        "not transcribed, where there are any: they are never added to the actions)."
    )
    if gaps:
        caption += f" Pale hatched segments with a dark outline ({', '.join(gaps)}) are data gaps, not statuses."
    return Chart(
        fig,
        title=title,
        alt=alt,
        data=data,
        caption=caption,
        table_caption=f"Actions by status and review as at {as_at}",
    )


def _bar_end(actions: int, recs: int) -> str:
    """What a status bar's end says: its actions, and apart from them any recommendations not transcribed."""
    if not recs:
        return _n(actions)
    gap = f"{_n(recs)} not transcribed"
    return f"{_n(actions)} action{'s' if actions != 1 else ''}, {gap}" if actions else gap


def lead_workload(
    table: pd.DataFrame, as_at: str, top: int | None = None, labels: Mapping[str, str] | None = None
) -> Chart:
    """Stacked bars of complete, open, overdue and not-reported actions per lead (every lead, or the `top` busiest).

    `table`: index = lead display name; columns any of 'complete', 'open', 'overdue',
    'not-reported', 'total' (total = the sum of the others when absent).
    """
    _check_columns(table.columns, (*WORKLOAD_ORDER, "total"), "lead_workload")
    parts = [c for c in WORKLOAD_ORDER if c in table.columns]
    counts = table[parts].fillna(0).astype(int)
    total = (table["total"] if "total" in table.columns else counts.sum(axis=1)).fillna(0).astype(int)
    order = total.sort_values(ascending=False, kind="stable").index
    counts, total = counts.loc[order], total.loc[order]
    keep = total > 0
    counts, total = counts[keep], total[keep]
    if counts.empty:
        return _empty(
            f"No actions with a named lead as at {as_at}",
            "Nothing to show for this selection.",
            f"Nothing to show: no actions with a named lead as at {as_at}.",
        )
    names = _labels_for(parts, labels)
    shown = counts if top is None else counts.head(top)
    shown.index = pd.Index([str(i) for i in shown.index], name="Lead")
    title = f"{shown.index[0]} leads the most actions ({_n(total.iloc[0])}) as at {as_at}"
    fig, _ = _stacked_barh(
        shown, WORKLOAD_STYLES, names, title, "Actions (a joint action counts once for each of its leads)", 40
    )
    data = shown.rename(columns=names)
    data["Total"] = total.iloc[: len(shown)].to_numpy()  # shown keeps counts' busiest-first order
    per_lead = []
    for (name, row), row_total in zip(shown.iterrows(), data["Total"], strict=False):
        bits = "; ".join(f"{_n(v)} {names[c]}" for c, v in row.items() if v > 0)
        per_lead.append(f"{name}: {bits} ({_n(row_total)} in total).")
    scope = (
        f"the {len(shown)} leads with the most actions, of {len(counts)}"
        if len(counts) > len(shown)
        else f"{len(shown)} leads"
    )
    alt = f"Stacked bar chart of actions per lead as at {as_at}, {scope}. {title}. " + _series(
        per_lead, 10, "Figures for the other {n} leads shown are in the data table."
    )
    shown_note = f"The {len(shown)} busiest of {len(counts)} leads are shown. " if len(counts) > len(shown) else ""
    caption = shown_note + (
        "One bar per lead, busiest first; segments show complete, open, overdue and not-reported "
        "actions, each with its own colour and pattern. A joint action counts once for each of its "
        "leads, so totals add up to more than the number of actions."
    )
    return Chart(fig, title=title, alt=alt, data=data, caption=caption, table_caption=f"Actions per lead as at {as_at}")


# ---------------------------------------------------------------------------
# Heatmaps


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
    nrows, ncols = values.shape
    table = data if data is not None else text.where(text != "", "0")
    if nrows == 0 or ncols == 0 or (not values.any() and not flags.any()):
        return _empty(title, "Nothing to show for this selection.", f"Nothing to show. {title}.")

    with matplotlib.rc_context(STYLE):
        ylabels = [_wrap(r, row_width) for r in matrix.index]
        ylines = max(y.count("\n") + 1 for y in ylabels)
        label_in = 0.082 * max(len(line) for y in ylabels for line in y.split("\n")) + 0.6
        xlabels = [_wrap(c, col_width) for c in matrix.columns]
        cell_w = max(0.7, 0.082 * max(len(line) for x in xlabels for line in x.split("\n")) + 0.15)
        rotate = ncols * cell_w + label_in > 11.5
        if rotate:  # too many columns for level labels: slant them, read bottom-left to top-right
            xlabels = [_wrap(c, 48) for c in matrix.columns]  # one line each, so slanted labels do not interleave
            cell_w = min(0.95, max(0.55, (11.5 - label_in) / ncols))
            longest = max(len(line) for x in xlabels for line in x.split("\n"))
            xlabel_in = 0.082 * longest * 0.71 + 0.19 * max(x.count("\n") + 1 for x in xlabels) * 0.71
        else:
            xlabel_in = 0.19 * max(x.count("\n") + 1 for x in xlabels)
        width = min(11.5, max(8.0, cell_w * ncols + label_in))
        cell_h = max(0.34, 0.19 * ylines + 0.1)
        height = (
            cell_h * nrows + xlabel_in + 0.3 * (_wrap(title, 80).count("\n") + 1) + 1.2 + (0.35 if flags.any() else 0)
        )
        fig = _figure(width, height)
        ax = fig.subplots()
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
                label = text.iat[r, c]
                if label:
                    ax.text(
                        c + 0.5,
                        r + 0.5,
                        label,
                        ha="center",
                        va="center",
                        fontsize=10,
                        color=text_colour_on(fill),
                        clip_on=False,
                        bbox={"boxstyle": "square,pad=0.15", "facecolor": fill, "edgecolor": "none"} if hatch else None,
                    )
        ax.hlines(np.arange(1, nrows), 0, ncols, colors=BACKGROUND, linewidth=2, clip_on=False)
        ax.vlines(np.arange(1, ncols), 0, nrows, colors=BACKGROUND, linewidth=2, clip_on=False)
        ax.set_xlim(0, ncols)
        ax.set_ylim(nrows, 0)
        ax.set_xticks(np.arange(ncols) + 0.5, xlabels)
        if rotate:
            ax.tick_params(axis="x", labelrotation=45)
            for tick in ax.get_xticklabels():
                tick.set(ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(nrows) + 0.5, ylabels)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(xlabel, color=TEXT)
        ax.set_ylabel(ylabel, color=TEXT)
        _title(fig, title)
        if flags.any():
            _legend(fig, [_legend_handle(RECORDED_STYLE)], [hatched_label or "Hatched"])
        if alt is None:
            rows = []
            for r, name in enumerate(matrix.index):
                cells = "; ".join(f"{col} {text.iat[r, c]}" for c, col in enumerate(matrix.columns) if text.iat[r, c])
                if cells:
                    rows.append(f"{name}: {cells}.")
            alt = f"Heatmap of counts by {ylabel.lower()} (rows) and {xlabel.lower()} (columns). {title}. " + _series(
                rows, 12, "{n} more rows are in the data table."
            )
    return Chart(fig, title=title, alt=alt, data=table, caption=caption, table_caption=table_caption or title)


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
    recurring = int((per_theme > 1).sum())
    title = (
        f"{recurring} of {_plural(len(matrix), 'theme')} recur{'s' if len(matrix) == 1 else ''} in more than one {per}"
        if len(matrix)
        else "No themes to show for this selection"
    )
    data = counts.astype(object).where(~recorded, f"{RECORDED} (decision record)")
    data.index.name, data.columns.name = "Theme", None
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
    alt = f"Heatmap of recommendations per theme (rows) and {per} (columns). {title}. " + _series(
        rows, 12, "{n} more themes are in the data table."
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
