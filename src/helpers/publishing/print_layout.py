"""How the committee's page prints: which sections go on landscape pages, and the column widths of wide tables.

helpers.publishing.html_export calls `mark(soup)` on every exported page. The marks are
print-only (the template's `@media print` rules read them; the screen ignores them):

- A section (an h2 and everything up to the next h2) holding a table that needs a
  landscape page prints whole on landscape pages (class `print-landscape`, CSS
  `page: wide`). A page only changes orientation at a section boundary, so no page is
  left nearly empty before a table, heading and all. A table of `WIDE_TABLE_COLUMNS`
  or more columns needs landscape unless it fits a portrait page: its longest words
  side by side fit the portrait width, and printed portrait it takes no more than a
  page (a few requests for the committee's decision). Every switch to landscape is a
  page break, so each one avoided is a half-empty page less (issue 27).
- Each table of that many columns gets print column widths (`<col style="--print-width:
  N%">`, class `print-balanced`, CSS `table-layout: fixed`) chosen, for the page it
  prints on, to make its rows as short as possible: a row is as tall as its longest
  cell, so the width goes where it shortens rows most. Chromium's automatic layout
  shares width out by each column's longest text instead, so one long comment widens
  its column for every row. A column is never narrower than its header's longest word
  at the header's bold font (so "Recommendation" never prints as "Recommendatio / n").

Text is measured with the fonts the page prints in (DejaVu Sans, regular and bold,
shipped with matplotlib) at the print size, and wrapped word by word as the browser
wraps it. The measures below follow the template's print CSS; if they drift apart
the widths are a little less good, never wrong: the browser still wraps the text.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from typing import Any

import numpy as np
from bs4 import Comment

from helpers.committee.presentation import GROUP_ROW_CLASS

_SPACES = re.compile(r"\s+")
WIDE_TABLE_COLUMNS = 7  # at 9 pt, six columns fit a portrait page's 182 mm; seven only if their words are short
LANDSCAPE_CLASS = "print-landscape"
BALANCED_CLASS = "print-balanced"
TABLE_WIDTH_PT = 773.9  # A4 landscape, 297 mm less the 12 mm side margins of `@page wide`
FONT_PT = 9.0  # table text in print
CELL_PADDING_PT = 5.25  # 3px each side, and half of a 1px rule on each side
LONGEST_UNBROKEN_PT = 80.0  # a longer word (a web address) may break anywhere: it does not set a minimum width
STEP_PT = 4.0  # widths move in steps of about one character
LOOKAHEAD_STEPS = 8  # how far past a column's first saving to look for a better one
LINE_PT = FONT_PT * 1.2  # the print CSS's line-height
ROW_EXTRA_PT = 3.75  # a row's padding (2px above and below) and its 1px rule
PAGE_HEIGHT_PT = 595.28 - 2 * 9 * 72 / 25.4  # A4 landscape less the 9 mm top and bottom margins of `@page wide`
PORTRAIT_WIDTH_PT = (210 - 2 * 14) * 72 / 25.4  # A4 portrait less the 14 mm side margins of `@page`
PORTRAIT_HEIGHT_PT = (297 - 2 * 18) * 72 / 25.4  # and less its 18 mm top and bottom margins


@functools.cache
def _font(bold: bool) -> Any:
    from matplotlib import font_manager, ft2font

    weight = "bold" if bold else "normal"
    face = ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=weight)))
    face.set_size(FONT_PT, 72)  # 72 dpi: one pixel is one point
    return face


@functools.cache
def _advance(char: str, bold: bool) -> float:
    from matplotlib import ft2font

    return _font(bold).load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING).linearHoriAdvance / 65536


@functools.cache
def _kerning(left: str, right: str, bold: bool) -> float:
    from matplotlib import ft2font

    face = _font(bold)
    pair = face.get_char_index(ord(left)), face.get_char_index(ord(right))
    return face.get_kerning(*pair, ft2font.Kerning.UNFITTED) / 64


def text_width(text: str, bold: bool = False) -> float:
    """Width in points of `text` printed at FONT_PT: its letters' advances, kerned as the browser kerns them."""
    return sum(_advance(c, bold) for c in text) + sum(_kerning(a, b, bold) for a, b in itertools.pairwise(text))


def line_count(words: list[float], space: float, width: float) -> int:
    """Lines a cell's words (their widths) take in a column `width` points wide, wrapped as a browser wraps them."""
    lines, used = 1, 0.0
    for word in words:
        if used and used + space + word > width:
            lines, used = lines + 1, 0.0
        if word > width:  # broken across lines (overflow-wrap: break-word)
            lines += math.ceil(word / width) - 1
            word = word - (math.ceil(word / width) - 1) * width
        used = used + space + word if used else word
    return lines


class _Column:
    """One column's cells, measured once; lines per row for any width, remembered."""

    def __init__(self, header: str, cells: list[str]):
        self.cells = [
            ([text_width(w, bold) for w in text.split()], text_width(" ", bold))
            for text, bold in [(header, True)] + [(c, False) for c in cells]
        ]
        longest = max((w for words, _ in self.cells[1:] for w in words), default=0.0)
        # The header's longest word, at its bold font, is never broken ("Recommendatio / n"), however long; a
        # cell's word longer than LONGEST_UNBROKEN_PT (a web address) may be.
        self.header_minimum = max(self.cells[0][0], default=0.0) + CELL_PADDING_PT + 1.0
        self.minimum = max(min(longest, LONGEST_UNBROKEN_PT) + CELL_PADDING_PT + 1.0, self.header_minimum)
        self._lines: dict[float, np.ndarray] = {}

    def lines(self, width: float) -> np.ndarray:
        """Lines of the header and of each row's cell in this column, at `width` points."""
        if width not in self._lines:
            inner = max(width - CELL_PADDING_PT, 1.0)
            self._lines[width] = np.array([line_count(words, space, inner) for words, space in self.cells])
        return self._lines[width]


def _row_lines(columns: list[_Column], widths: list[float]) -> np.ndarray:
    """Lines of the header and of every row: each row as tall as its tallest cell."""
    return np.maximum.reduce([c.lines(w) for c, w in zip(columns, widths, strict=True)])


def _height(columns: list[_Column], widths: list[float]) -> int:
    return int(_row_lines(columns, widths).sum())


def _extent(columns: list[_Column], widths: list[float], page: float = PAGE_HEIGHT_PT) -> float:
    """How far the table reaches, in points, printed from the top of a page `page` points tall: every page but
    the last counts whole, since a row that does not fit the foot of a page goes over with the header repeated
    above it."""
    header, *rows = (float(lines) * LINE_PT + ROW_EXTRA_PT for lines in _row_lines(columns, widths))
    pages, used = 1, header
    for row in rows:
        if used + row > page and used > header:
            pages, used = pages + 1, header
        used += row
    return (pages - 1) * page + used


def column_widths(
    header: list[str], rows: list[list[str]], total: float = TABLE_WIDTH_PT, page: float = PAGE_HEIGHT_PT
) -> list[float]:
    """Widths (points, summing to `total`) that make the table's rows, header included, as short as possible,
    then its pages (each `page` points tall) as few as possible.

    From each column's minimum (its longest word), width is given a few steps at a time to the column
    that shortens the table most per step; then single steps are moved between columns while that helps.
    """
    columns = [_Column(h, [r[i] if i < len(r) else "" for r in rows]) for i, h in enumerate(header)]
    widths = [c.minimum for c in columns]
    if sum(widths) >= total:
        return _squeezed(columns, widths, total)
    spare = total - sum(widths)
    height = _height(columns, widths)
    while spare >= STEP_PT:
        most = int(spare // STEP_PT)
        current = [c.lines(w) for c, w in zip(columns, widths, strict=True)]
        best: tuple[float, int, int] | None = None  # (lines saved per step, column, steps)
        for i, column in enumerate(columns):
            if np.array_equal(column.lines(widths[i] + most * STEP_PT), current[i]):
                continue  # no width left would shorten any of this column's cells
            others = np.maximum.reduce(current[:i] + current[i + 1 :]) if len(columns) > 1 else 0
            saving_at = None
            for steps in range(1, most + 1):
                if saving_at is not None and steps > saving_at + LOOKAHEAD_STEPS:
                    break  # a saving found; wider still is only worth it within the lookahead
                gain = (height - int(np.maximum(others, column.lines(widths[i] + steps * STEP_PT)).sum())) / steps
                if gain > 0:
                    saving_at = saving_at or steps
                    if best is None or gain > best[0]:
                        best = (gain, i, steps)
        if best is None:
            break
        widths[best[1]] += best[2] * STEP_PT
        spare -= best[2] * STEP_PT
        height = _height(columns, widths)
    # Width no step can use goes to every column alike.
    widths = [w + spare / len(widths) for w in widths]
    for measure in (_height, functools.partial(_extent, page=page)):  # shortest rows first, then fewest pages
        widths = _improve(columns, widths, measure)
    return widths


def _squeezed(columns: list[_Column], widths: list[float], total: float) -> list[float]:
    """Widths for a table whose longest words do not fit side by side: each header's longest word still fits,
    and the rest of `total` is shared out in proportion to what the cells' words want beyond it (if not even the
    headers' words fit, every minimum is scaled down alike)."""
    floor = [c.header_minimum for c in columns]
    room, extra = total - sum(floor), [w - f for w, f in zip(widths, floor, strict=True)]
    if room < 0 or not sum(extra):
        return [w * total / sum(widths) for w in widths]
    return [f + e * room / sum(extra) for f, e in zip(floor, extra, strict=True)]


def portrait_widths(header: list[str], rows: list[list[str]]) -> list[float] | None:
    """The table's column widths on a portrait page, or None if it needs a landscape one: its longest words do not
    fit side by side, or printed portrait it would take more than a page."""
    columns = [_Column(h, [r[i] if i < len(r) else "" for r in rows]) for i, h in enumerate(header)]
    if sum(c.minimum for c in columns) > PORTRAIT_WIDTH_PT:
        return None
    widths = column_widths(header, rows, PORTRAIT_WIDTH_PT, PORTRAIT_HEIGHT_PT)
    return widths if _extent(columns, widths, PORTRAIT_HEIGHT_PT) <= PORTRAIT_HEIGHT_PT else None


def needs_landscape(table: Any) -> bool:
    """Whether a table prints on landscape pages: it has WIDE_TABLE_COLUMNS or more columns and does not fit a
    portrait page (portrait_widths)."""
    return len(table_columns(table)) >= WIDE_TABLE_COLUMNS and portrait_widths(*_cells(table)) is None


def _improve(columns: list[_Column], widths: list[float], measure) -> list[float]:
    """Move width between columns, a step or a few at a time, while that lowers `measure`."""
    best = measure(columns, widths)
    improved = True
    while improved:
        improved = False
        for give in range(len(columns)):
            for take in range(len(columns)):
                for steps in (1, 2, 4):
                    if give == take or widths[give] - steps * STEP_PT < columns[give].minimum:
                        continue
                    trial = widths.copy()
                    trial[give] -= steps * STEP_PT
                    trial[take] += steps * STEP_PT
                    value = measure(columns, trial)
                    if value < best:
                        widths, best, improved = trial, value, True
    return widths


def table_columns(table: Any) -> list[str]:
    """The texts of a table's header cells, one per column (a cell spanning columns repeated)."""
    head = table.find("thead")
    row = (head or table).find("tr")
    if row is None:
        return []
    return [
        cell.get_text(" ", strip=True)
        for cell in row.find_all(["th", "td"])
        for _ in range(int(cell.get("colspan", 1) or 1))
    ]


def _printed_tables(node: Any) -> list[Any]:
    """Tables that print: a chart's data table sits in a closed <details> and does not."""
    return [t for t in node.find_all("table") if t.find_parent("details") is None]


def _sections(main: Any) -> list[list[Any]]:
    """The page's top-level blocks, grouped in sections: each starts at a block holding an h2."""
    sections: list[list[Any]] = [[]]
    for block in main.find_all(recursive=False):
        if block.find("h2") is not None and sections[-1]:
            sections.append([])
        sections[-1].append(block)
    return [s for s in sections if s]


def mark(soup: Any) -> None:
    """Add the print marks to an exported page (in place): landscape sections, balanced column widths,
    headings whose text the PDF's bookmarks can take as it is."""
    _tidy_headings(soup)
    main = soup.find("main") or soup.body
    if main is None:
        return
    for section in _sections(main):
        wide = [t for block in section for t in _printed_tables(block) if len(table_columns(t)) >= WIDE_TABLE_COLUMNS]
        portrait = [portrait_widths(*_cells(t)) for t in wide]
        if wide and any(widths is None for widths in portrait):
            for block in section:
                block["class"] = [*block.get("class", []), LANDSCAPE_CLASS]
            portrait = [None] * len(wide)
        for table, widths in zip(wide, portrait, strict=True):
            _balance(soup, table, widths)


def _tidy_headings(soup: Any) -> None:
    """One space between the words of every heading and none at its ends. Chromium builds a bookmark from the
    heading's printed lines and drops the space where a heading wraps, so the print CSS keeps that space
    (`white-space: pre-wrap` on headings), which shows any other run of spaces or new lines as it is."""
    for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        texts = [t for t in heading.find_all(string=True) if not isinstance(t, Comment)]
        for n, text in enumerate(texts):
            tidy = _SPACES.sub(" ", str(text))
            if n == 0:
                tidy = tidy.lstrip()
            if n == len(texts) - 1:
                tidy = tidy.rstrip()
            if tidy != str(text):
                text.replace_with(tidy)


def _cells(table: Any) -> tuple[list[str], list[list[str]]]:
    """A table's header texts and its rows' cell texts (a cell spanning columns repeated)."""
    body = table.find("tbody")
    rows = [
        [
            cell.get_text(" ", strip=True)
            for cell in tr.find_all(["th", "td"])
            for _ in range(int(cell.get("colspan", 1) or 1))
        ]
        for tr in (body.find_all("tr") if body is not None else [])
        if GROUP_ROW_CLASS not in tr.get("class", [])  # a review's name across the table sets no column's width
    ]
    return table_columns(table), rows


def _balance(soup: Any, table: Any, widths: list[float] | None = None) -> None:
    """Print column widths for a table: `widths` (points), or else those of a landscape page."""
    if table.find("colgroup") is not None or table.find("tbody") is None:
        return
    widths = widths or column_widths(*_cells(table))
    group = soup.new_tag("colgroup")
    for width in widths:
        group.append(soup.new_tag("col", attrs={"style": f"--print-width: {100 * width / sum(widths):.1f}%"}))
    caption = table.find("caption")
    if caption is not None:
        caption.insert_after(group)
    else:
        table.insert(0, group)
    table["class"] = [*table.get("class", []), BALANCED_CLASS]
