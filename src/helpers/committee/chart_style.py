"""The committee report's charts: their house style, colours and patterns, and how their labels read.

House style:
- A status is never shown by colour alone: each has a colour *and* a hatch pattern,
  and the legend shows both. The colours differ in lightness by about 9 CIELAB L*
  units, so they stay apart in greyscale print and under deuteranopia/protanopia
  (checked in tests/committee/test_chart_style.py with the Machado et al. 2009 simulation).
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

import logging
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matplotlib.colors import LinearSegmentedColormap, to_rgb

from helpers.base.vocabulary import STATUS_IDS, status_labels

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

# Printed size. A chart is drawn at the width it prints at on a portrait page, so the page never scales it down
# and its text prints at the size set here: never below 9 pt, the report's smallest text (issue 27).
PRINT_WIDTH_IN = 7.0  # A4 portrait less the print CSS's 14 mm margins is 7.17 in: a little to spare
PRINT_HEIGHT_IN = 8.0  # the print CSS caps a chart at 205 mm (8.07 in): a taller one would be shrunk
CHART_TEXT_PT = 9.5  # row and column labels, ticks, axis labels, key, counts: 9 pt and a half-point to spare
TITLE_PT = 11.5
TITLE_CHARS = 66  # a title's line at TITLE_PT in bold, across PRINT_WIDTH_IN
LINE_IN = CHART_TEXT_PT * 1.2 / 72  # a line of chart text, in inches
CHAR_IN = 0.55 * CHART_TEXT_PT / 72  # an average letter of chart text (DejaVu Sans), in inches
# On screen a chart shows larger than printed, since a screen's page is wider than paper's: its text then
# reads at about 17 px, a little above the page's own 15 px.
SCREEN_SCALE = 1.4

FALLBACK_FONTS = ("Arial", "Helvetica")  # named in the SVG for viewers without DejaVu Sans; not needed to draw


class _FallbackFontsNotWarned(logging.Filter):
    """matplotlib warns once per chart that a fallback font is not installed: expected here (DejaVu Sans draws
    every chart), so the warning would only be noise in every report's and notebook's output."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("findfont: Font family") and any(f"'{f}'" in message for f in FALLBACK_FONTS))


logging.getLogger("matplotlib.font_manager").addFilter(_FallbackFontsNotWarned())

STYLE = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": SVG_SALT,  # deterministic ids
    "text.parse_math": False,  # "$x$" from data is drawn literally
    "text.usetex": False,
    "font.family": "sans-serif",
    # Layout is measured with DejaVu Sans (shipped with matplotlib). A viewer without it
    # falls back to Arial or Helvetica, which are narrower, so text never overflows.
    "font.sans-serif": ["DejaVu Sans", *FALLBACK_FONTS],
    "font.size": CHART_TEXT_PT,
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
