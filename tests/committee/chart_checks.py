"""Made-up counts and readers of a chart's SVG and HTML that the chart tests share."""

import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from helpers.committee import status_charts

AS_AT = "31 March 2024"


STATUS_IDS = [
    "complete",
    "not-yet-due",
    "ongoing",
    "no-target",
    "overdue",
    "not-reported",
    "no-action",
    "incomplete-source",
    "not-transcribed",
]  # docs/data-model.md


LABELS = {
    "complete": "Complete",
    "not-yet-due": "Not yet due",
    "ongoing": "Ongoing",
    "no-target": "No target date",
    "overdue": "Overdue",
    "not-reported": "Target passed, no update",
    "no-action": "No action recorded",
    "incomplete-source": "Incomplete in source",
    "not-transcribed": "Not transcribed",
}


TITLES = {
    "2019-cpc": "Corporate peer challenge 2019",
    "2021-finance": "Finance peer challenge 2021",
    "2022-progress": "Progress review 2022",
}


def _counts():
    """Finance: 2 + 23 + 3 + 19 + 1 = 48; progress: 1 + 4 + 1 + 2 = 8; 2019: 9 not transcribed."""
    counts = pd.DataFrame(
        {
            "complete": [2, 1, 0],
            "not-yet-due": [0, 0, 0],
            "ongoing": [23, 4, 0],
            "overdue": [3, 1, 0],
            "not-reported": [19, 2, 0],
            "no-action": [1, 0, 0],
            "not-transcribed": [0, 0, 9],
        },
        index=["2021-finance", "2022-progress", "2019-cpc"],
    )
    counts["Total"] = [48, 8, 9]
    return counts


def _status_chart(**kwargs):
    return status_charts.status_by_review(_counts(), TITLES, AS_AT, labels=LABELS, **kwargs)


def _svg_texts(svg):
    return [re.sub(r"\s+", " ", t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


class _Table(HTMLParser):
    """Rows of cell texts and the caption of the first table in some HTML."""

    def __init__(self):
        super().__init__()
        self.rows, self.caption, self._cell, self._in_caption = [], "", None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._in_caption:
            self.caption += data


def _table(chart):
    parser = _Table()
    parser.feed(chart._repr_html_())
    return parser


def _fills(ax):
    """Filled bar segments (the hatch overlays have no face colour)."""
    return [p for p in ax.patches if p.get_facecolor()[3] > 0 and p.get_width() > 0]


# The page the report prints on: A4 portrait less the print CSS's 14 mm margins, a chart at most 205 mm tall.
PRINTED_WIDTH_IN = (210 - 2 * 14) / 25.4
PRINTED_HEIGHT_IN = 205 / 25.4
PAGE_TEXT_PX = 15  # the report's text on screen


def assert_readable_printed_and_on_screen(chart) -> None:
    """Every text of the chart prints at 9 pt or more (after the page scales the chart to fit) and shows on
    screen at least as large as the report's own text."""
    from matplotlib.text import Text

    width, height = chart.figure.get_size_inches()
    printed = min(1.0, PRINTED_WIDTH_IN / width, PRINTED_HEIGHT_IN / height)  # how much the page scales it
    texts = [t for t in chart.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    smallest = min(t.get_fontsize() for t in texts)
    assert smallest * printed >= 9, f"{smallest} pt text in a {width:.2f} x {height:.2f} in chart"
    # On screen the SVG (width * 72 pt) is shown at its <img>'s width in CSS pixels.
    shown = int(re.search(r'<img [^>]*width="(\d+)"', chart._repr_html_()).group(1))
    assert smallest * shown / (width * 72) >= PAGE_TEXT_PX
