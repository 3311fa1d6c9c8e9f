"""A chart as the committee report shows it: an SVG picture, small and the same for the same data, with its
text alternatives (alt text, caption, and its numbers as an HTML table), for reading on screen, in print and
with a screen reader.

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
"""

from __future__ import annotations

import base64
import html
import io
import math
import re

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers.committee.chart_style import BACKGROUND, SCREEN_SCALE, STYLE, _n


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
        # Drawn at its printed size (which paper keeps: the print CSS sizes it by the SVG's own), shown larger.
        width, height = (round(v * 4 / 3 * SCREEN_SCALE) for v in (self.width_pt, self.height_pt))
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
