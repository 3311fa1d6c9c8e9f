"""report.pdf as a council publishes it: accessible, small, readable, and with no page left nearly empty.

Two real reports are printed: 2023/24 Q4 (conftest's `hostile_report`) and 2024/25 Q1 with
updates reported (revision requests, a completion with evidence, a comment), which adds
the committee's decision tables. The rules come from the brief for the PDF (issue 21):

- tagged, with the page's language, its title and bookmarks from its headings;
- at most 1 MB for a quarter of about 56 actions, and no chart printed as a bitmap;
- body and table text at least 9 pt;
- no page less than a third full, except a section's last page; no page ending on a
  table's caption or header (its rows on the next page) or on a heading;
- a page turns to landscape only where a section starts.

Expectations are worked out from those rules and from the report's own HTML (its
headings, captions, table headers); nothing here pins today's data or page count.
The PDF is read with poppler's command-line tools; the tests skip cleanly without
Chromium (no PDF is written) or poppler.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import PROJECT
from helpers.publishing import print_layout
from helpers.publishing.pdf import CHROMIUM, pdf_path

pytestmark = pytest.mark.slow  # PDF printing: `make check` leaves it out, `make test` runs it

POPPLER = ("pdfinfo", "pdftohtml", "pdftotext")
ACTIONS_PER_MB = 56  # "at most 1 MB for a quarter of this size": 2023/24 Q4 tracks 56 actions
MIN_TEXT_PT = 9.0
MIN_FULL = 1 / 3


def _need_tools() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed: no PDF is written (`apt-get install chromium`)")
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: `apt-get install poppler-utils`")


# --- the two reports ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def q1_report(tmp_path_factory) -> Path:
    """2024/25 Q1 with updates typed in (as data/updates/README.md allows) on four open actions of one review:
    a revision request, a completion with evidence, a second revision request and a comment alone."""
    _need_tools()
    root = tmp_path_factory.mktemp("q1-pdf")
    data = root / "data"
    shutil.copytree(PROJECT / "data", data)
    actions = pd.read_csv(data / "processed" / "actions.csv", dtype=str, keep_default_na=False)
    review = actions["review_id"].value_counts().index[0]  # the review with the most actions
    open_ = actions[
        actions["review_id"].eq(review)
        & actions["follows"].eq("")
        & ~actions["plan_status"].str.casefold().eq("complete")
        & ~actions["target_kind"].eq("complete")
    ]
    refs = list(open_["action_ref"][:4])
    assert len(refs) == 4, "test set-up: four open actions to report on"
    rows = [
        (refs[0], "In progress", "Survey designed. Fieldwork delayed.", "2024-06-20", "March 2025", "Restructure.", ""),
        (
            refs[1],
            "Complete",
            "Training delivered to all budget managers.",
            "2024-06-14",
            "",
            "",
            "https://example.org/log",
        ),
        (refs[2], "Behind schedule", "Delayed by the budget cycle.", "2024-06-28", "Q4 2024/25", "Budget cycle.", ""),
        (refs[3], "", "Waiting on the DfE's reply before we can say more.", "2024-06-30", "", "", ""),
    ]
    pd.DataFrame(
        [(review, *row) for row in rows],
        columns=[
            "review_id",
            "action_ref",
            "status",
            "comment",
            "updated_on",
            "revised_target",
            "revision_reason",
            "evidence",
        ],
    ).to_csv(data / "updates" / "2024-25-Q1.csv", index=False)
    env = {**os.environ, "PEER_REVIEW_DATA": str(data), "PEER_REVIEW_REPORTS": str(root / "reports")}
    done = subprocess.run(
        [sys.executable, "-m", "helpers.publishing.report", "--quarter", "2024/25 Q1"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    # The report for the council and committee of the updated review, wherever its folder is.
    [page] = [
        p
        for p in (root / "reports").rglob("report.html")
        if "2021-finance" in {r["id"] for r in json.loads((p.parent / "summary.json").read_text())["reviews"]}
    ]
    return page


@pytest.fixture(params=["2023/24 Q4", "2024/25 Q1 with updates"])
def report(request) -> tuple[Path, Path]:
    """(report.html, report.pdf) of each report."""
    _need_tools()
    page = request.getfixturevalue("hostile_report" if request.param.startswith("2023") else "q1_report")
    pdf = pdf_path(page)
    assert pdf.exists(), f"no PDF beside {page}"
    return page, pdf


# --- reading the PDF with poppler -----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of text on a page as pdftohtml places it (points from the page's top left)."""

    top: float
    left: float
    height: float
    text: str
    bold: bool

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    texts: list[Text]


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _layout(pdf: Path) -> tuple[list[Page], list[tuple[int, int, str]]]:
    """Every page's text runs, and the bookmarks as (depth, page, title) in order."""
    xml = _run("pdftohtml", "-xml", "-zoom", "1", "-fontfullname", "-i", "-stdout", str(pdf))
    root = ET.fromstring(xml)  # noqa: S314 - poppler's output for a PDF we printed
    pages, fonts = [], {}
    for page in root.iter("page"):
        for spec in page.iter("fontspec"):
            fonts[spec.get("id")] = spec.get("family", "")
        texts = [
            Text(
                float(t.get("top")),
                float(t.get("left")),
                float(t.get("height")),
                "".join(t.itertext()),
                "Bold" in fonts.get(t.get("font"), ""),
            )
            for t in page.iter("text")
            if "".join(t.itertext()).strip()
        ]
        pages.append(Page(float(page.get("width")), float(page.get("height")), texts))
    bookmarks: list[tuple[int, int, str]] = []

    def walk(node: ET.Element, depth: int) -> None:
        for child in node:
            if child.tag == "item":
                bookmarks.append((depth, int(child.get("page")), "".join(child.itertext())))
            elif child.tag == "outline":
                walk(child, depth + 1)

    outline = root.find("outline")
    if outline is not None:
        walk(outline, 1)
    return pages, bookmarks


def _flat(text: str) -> str:
    """Text compared without its spacing or the ligatures a PDF may print."""
    for ligature, letters in (("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬀ", "ff")):
        text = text.replace(ligature, letters)
    return "".join(text.split())


def _running(page: Page, title: str) -> tuple[list[Text], list[Text]]:
    """(the running header and footer, the page's own content)."""
    margin = [t for t in page.texts if t.text.strip() == title or re.fullmatch(r"Page \d+ of \d+", t.text.strip())]
    return margin, [t for t in page.texts if t not in margin]


def _fullness(page: Page, title: str) -> float:
    """How far down the printable area the page's content reaches (0 to 1), between running header and footer."""
    margin, content = _running(page, title)
    top = max((t.bottom for t in margin if t.top < page.height / 2), default=0.0)
    bottom = min((t.top for t in margin if t.top > page.height / 2), default=page.height)
    if not content:
        return 0.0
    return (max(t.bottom for t in content) - top) / (bottom - top)


def _soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _chart_words(soup: BeautifulSoup) -> set[str]:
    """Words drawn inside the charts (SVG text): sized with the chart, not the page's text."""
    words: set[str] = set()
    for img in soup.find_all("img", src=re.compile(r"^data:image/svg\+xml;base64,")):
        svg = ET.fromstring(base64.b64decode(img["src"].split(",", 1)[1]))  # noqa: S314 - our own charts
        for text in svg.iter("{http://www.w3.org/2000/svg}text"):
            words.update("".join(text.itertext()).split())
    return words


# --- tagged, language, title, bookmarks --------------------------------------------------------------


def test_pdf_is_tagged_with_the_pages_language_and_title(report):
    page, pdf = report
    soup = _soup(page)
    info = _run("pdfinfo", str(pdf))
    assert re.search(r"^Tagged:\s+yes$", info, re.M), "untagged: screen readers get no structure"
    title = re.search(r"^Title:\s+(.*)$", info, re.M)
    assert title and title.group(1).strip() == soup.title.get_text(strip=True)
    languages = set(re.findall(rb"/Lang \(([^)]*)\)", pdf.read_bytes()))
    assert languages == {soup.html["lang"].encode()}, "the document language is the page's lang"


def test_bookmarks_are_the_headings_in_order_on_their_pages(report):
    page, pdf = report
    soup = _soup(page)
    pages, bookmarks = _layout(pdf)
    [h1] = soup.find_all("h1")
    h2s = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert [title for depth, _, title in bookmarks if depth == 1] == [h1.get_text(" ", strip=True)]
    assert [title for depth, _, title in bookmarks if depth == 2] == h2s
    h3s = {h.get_text(" ", strip=True) for h in soup.find_all("h3")}
    assert h3s <= {title for depth, _, title in bookmarks if depth == 3}
    for _, number, title in bookmarks:  # each bookmark opens the page that prints its heading
        printed = _flat("".join(t.text for t in pages[number - 1].texts))
        assert _flat(title) in printed, f"bookmark {title!r} points to page {number}, which does not show it"


# --- size ------------------------------------------------------------------------------------------------


def test_pdf_stays_small_and_prints_charts_as_vectors(report):
    page, pdf = report
    soup = _soup(page)
    actions = sum(
        len(t.find("tbody").find_all("tr"))
        for t in soup.find_all("table")
        if t.find("caption") and t.find("caption").get_text(strip=True).startswith("Every action")
    )
    assert actions > 0
    budget = 1_000_000 * max(1.0, actions / ACTIONS_PER_MB)
    assert pdf.stat().st_size <= budget, f"{pdf.stat().st_size} bytes for {actions} actions"
    # The report has no photographs: any image in the PDF is a chart (or a pattern in one) turned into a bitmap.
    assert b"/Subtype /Image" not in pdf.read_bytes()


# --- text size --------------------------------------------------------------------------------------------


def _font_height_ratio(pdf: Path) -> float:
    """A word's box height over its font size, for the fonts embedded (ascent minus descent, per 1000 units).
    The largest ratio is used, so a size worked out from a word's height is never overstated."""
    pairs = re.findall(rb"/Ascent (-?[\d.]+)\s*/Descent (-?[\d.]+)", pdf.read_bytes())
    assert pairs, "no font descriptors found"
    return max((float(a) - float(d)) / 1000 for a, d in pairs)


def test_no_label_is_printed_for_what_paper_cannot_open(report):
    """A chart's data table is in a <details> a printer leaves closed: its label alone would promise a table."""
    html_path, pdf = report
    assert "Data for this chart" in html_path.read_text(encoding="utf-8")  # on screen, it is there
    assert "Data for this chart" not in _run("pdftotext", str(pdf), "-")


def test_every_word_of_text_and_tables_is_at_least_9pt(report):
    page, pdf = report
    ratio = _font_height_ratio(pdf)
    charts = _chart_words(_soup(page))
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        _run("pdftotext", "-bbox", str(pdf), "-"),
    )
    sizes = [
        ((float(y1) - float(y0)) / ratio, html.unescape(w)) for y0, y1, w in words if html.unescape(w) not in charts
    ]
    assert len(sizes) > 1000
    smallest = min(size for size, _ in sizes)
    small = sorted({w for size, w in sizes if size < MIN_TEXT_PT - 0.05})
    assert smallest >= MIN_TEXT_PT - 0.05, f"smallest text {smallest:.1f} pt, for example {small[:8]}"


def _printed_size(char: dict) -> float:
    """A character's size as printed, in points, whichever way it is turned (a chart's axis label is turned a
    quarter). pdfminer boxes a character between two corners of its cell, advance by size, mapped by its text
    matrix, which scales both alike; so the box's diagonal is the cell's, and the size the rest of it."""
    a, b, c, d = char["matrix"][:4]
    advance = char["adv"] * math.sqrt(abs(a * d - b * c))
    return math.sqrt(max(char["width"] ** 2 + char["height"] ** 2 - advance**2, 0.0))


def test_printed_size_reads_turned_text():
    # 9.5 pt text at 3/4 scale (Chromium's pixels to points), a 'T' 7.73 units wide, upright then turned a quarter.
    upright = {"matrix": (0.75, 0, 0, 0.75, 0, 0), "adv": 7.73, "width": 0.75 * 7.73, "height": 0.75 * 12.67}
    turned = {"matrix": (0, 0.75, -0.75, 0, 0, 0), "adv": 7.73, "width": 0.75 * 12.67, "height": 0.75 * 7.73}
    assert _printed_size(upright) == pytest.approx(9.5, abs=0.01)
    assert _printed_size(turned) == pytest.approx(9.5, abs=0.01)


def test_no_character_is_printed_below_9pt_charts_included(report):
    """Chart labels too (issue 27): each chart is drawn at its printed size, so none is scaled down below 9 pt."""
    import pdfplumber

    _, pdf = report
    with pdfplumber.open(pdf) as document:
        chars = [(n, c) for n, page in enumerate(document.pages, 1) for c in page.chars if c["text"].strip()]
    assert len(chars) > 1000
    small = [(n, c["text"], round(_printed_size(c), 1)) for n, c in chars if _printed_size(c) < MIN_TEXT_PT - 0.05]
    assert small == [], (
        f"{len(small)} of {len(chars)} characters below {MIN_TEXT_PT} pt, e.g. (page, char, pt) {small[:8]}"
    )


# --- pages ---------------------------------------------------------------------------------------------------


def _section_starts(soup: BeautifulSoup) -> list[str]:
    return [_flat(h.get_text(" ", strip=True)) for h in soup.find_all(["h1", "h2"])]


def _starts_section(page: Page, title: str, starts: list[str]) -> bool:
    _, content = _running(page, title)
    if not content:
        return False
    first = min(content, key=lambda t: (t.top, t.left))
    return any(start.startswith(_flat(first.text)) for start in starts)


def test_no_page_is_less_than_a_third_full_except_a_sections_last(report):
    page, pdf = report
    soup = _soup(page)
    title, starts = soup.title.get_text(strip=True), _section_starts(soup)
    pages, _ = _layout(pdf)
    assert len(pages) > 1
    sparse = [
        (n, round(_fullness(p, title), 2))
        for n, p in enumerate(pages, 1)
        if _fullness(p, title) < MIN_FULL and n < len(pages) and not _starts_section(pages[n], title, starts)
    ]
    assert sparse == [], f"pages (number, how full) nearly empty in the middle of a section: {sparse}"


def test_no_page_ends_with_a_caption_a_table_header_or_a_heading(report):
    """The last line of each page is never only a table's caption or header (its rows on the next page), nor a
    heading (what it introduces on the next page). Those print bold, and a data row never prints bold alone."""
    page, pdf = report
    soup = _soup(page)
    title = soup.title.get_text(strip=True)
    kinds = {
        "caption": [_flat(c.get_text(" ", strip=True)) for c in soup.find_all("caption")],
        "table header": [
            _flat(th.get_text(" ", strip=True)) for h in soup.find_all("thead") for th in h.find_all("th")
        ],
        "heading": [_flat(h.get_text(" ", strip=True)) for h in soup.find_all(["h1", "h2", "h3", "h4"])],
    }
    pages, _ = _layout(pdf)
    endings = []
    for n, p in enumerate(pages[:-1], 1):
        _, content = _running(p, title)
        if not content:
            continue
        last_top = max(t.top for t in content)
        last = [t for t in content if t.bottom > last_top]  # the page's last line, across every column
        if not all(t.bold for t in last):
            continue
        for kind, texts in kinds.items():
            if all(any(_flat(t.text) in text for text in texts) for t in last):
                endings.append((n, kind, " ".join(t.text for t in last)))
                break
    assert endings == []


def test_pages_turn_landscape_only_where_a_section_starts(report):
    page, pdf = report
    soup = _soup(page)
    title, starts = soup.title.get_text(strip=True), _section_starts(soup)
    pages, _ = _layout(pdf)
    turns = [
        n
        for n in range(1, len(pages))
        if (pages[n].width > pages[n].height) != (pages[n - 1].width > pages[n - 1].height)
        and not _starts_section(pages[n], title, starts)
    ]
    assert turns == [], f"pages that change orientation in the middle of a section: {[n + 1 for n in turns]}"
    wide = [t for t in soup.find_all("table") if t.find_parent("details") is None]
    if any(print_layout.needs_landscape(t) for t in wide):
        assert any(p.width > p.height for p in pages), "a table of many columns and no landscape page"


# --- print layout: the marks the exporter adds (no browser needed) ------------------------------------------


def test_a_cells_lines_are_counted_as_a_browser_wraps_words():
    # Three words 10 pt wide, spaces 2 pt: "10 10" is 22 pt, so a 25 pt column holds two words a line.
    assert print_layout.line_count([10, 10, 10], 2, 25) == 2
    assert print_layout.line_count([10, 10, 10], 2, 34) == 1  # 10 + 2 + 10 + 2 + 10
    assert print_layout.line_count([10, 10, 10], 2, 33.9) == 2
    assert print_layout.line_count([], 2, 25) == 1  # an empty cell still takes a line
    assert print_layout.line_count([60], 2, 25) == 3  # a word wider than the column breaks: 25 + 25 + 10


def test_column_widths_go_where_they_shorten_rows_and_fill_the_table():
    long_text = " ".join(["recommendation"] * 60)
    header = ["Ref", "Action", "Status"]
    rows = [[str(n), long_text, "Ongoing"] for n in range(5)]
    widths = print_layout.column_widths(header, rows, total=500)
    assert sum(widths) == pytest.approx(500)
    assert widths[1] > widths[0] + widths[2]  # the long text gets the width
    # No column narrower than its longest word ("Ongoing" in bold as the header's "Status" is shorter).
    assert widths[2] >= print_layout.text_width("Ongoing") + print_layout.CELL_PADDING_PT
    assert widths[0] >= print_layout.text_width("Ref", bold=True) + print_layout.CELL_PADDING_PT


def _page(*sections: tuple[str, int], rows: int = 1, cell: str = "cell") -> BeautifulSoup:
    """A page of sections, each an h2 cell then a cell holding a table of the given number of columns and `rows`
    rows of `cell` and the column's number."""
    cells = []
    for heading, columns in sections:
        cells.append(f'<div class="jp-Cell"><h2>{heading}</h2><p>Intro.</p></div>')
        head = "".join(f"<th>Column {n}</th>" for n in range(columns))
        row = "".join(f"<td>{cell} {n}</td>" for n in range(columns))
        body = f"<tr>{row}</tr>" * rows
        cells.append(
            f'<div class="jp-Cell"><table><caption>{heading}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    return BeautifulSoup(f"<html><body><main>{''.join(cells)}</main></body></html>", "html.parser")


# A cell of 40 words of about 9 letters: at 9 pt each line of a column holds few, so a table of a few dozen rows
# of them runs over several portrait pages.
LONG_CELL = " ".join(["recommendation"] * 40)


def test_a_section_with_a_wide_table_prints_landscape_whole_and_others_stay_portrait():
    wide, narrow = print_layout.WIDE_TABLE_COLUMNS, print_layout.WIDE_TABLE_COLUMNS - 1
    soup = _page(("Narrow", narrow), ("Wide", wide), ("Narrow again", narrow), rows=30, cell=LONG_CELL)
    print_layout.mark(soup)
    cells = soup.main.find_all("div", recursive=False)
    landscape = [print_layout.LANDSCAPE_CLASS in c.get("class", []) for c in cells]
    assert landscape == [False, False, True, True, False, False]  # the wide table's heading goes with it
    [balanced] = soup.find_all("table", class_=print_layout.BALANCED_CLASS)
    assert balanced.caption.get_text() == "Wide"
    widths = [float(re.search(r"--print-width: ([\d.]+)%", c["style"]).group(1)) for c in balanced.find_all("col")]
    assert len(widths) == wide and sum(widths) == pytest.approx(100, abs=0.5)
    assert balanced.contents[0].name == "caption" and balanced.contents[1].name == "colgroup"  # HTML's order


def test_a_short_wide_table_stays_portrait_with_widths_for_a_portrait_page():
    """A few rows of short words (a request or two for the committee's decision) fit a portrait page: no page
    break to landscape and back, each a half-empty page."""
    soup = _page(("Narrow", 3), ("Short and wide", 9), rows=3)
    print_layout.mark(soup)
    assert not soup.find(class_=print_layout.LANDSCAPE_CLASS)
    [balanced] = soup.find_all("table", class_=print_layout.BALANCED_CLASS)  # balanced: the wide table alone
    widths = [float(re.search(r"--print-width: ([\d.]+)%", c["style"]).group(1)) for c in balanced.find_all("col")]
    assert len(widths) == 9 and sum(widths) == pytest.approx(100, abs=0.5)
    # Nine columns whose longest words, side by side, are wider than a portrait page's 182 mm: landscape.
    too_wide = _page(("Long words", 9), rows=1, cell="Incomprehensibilities")
    print_layout.mark(too_wide)
    assert too_wide.find(class_=print_layout.LANDSCAPE_CLASS)


def test_headings_have_single_spaces_for_the_bookmarks():
    soup = BeautifulSoup("<main><h2>\n  Actions past\n their <em>target</em>  </h2></main>", "html.parser")
    print_layout.mark(soup)
    assert str(soup.h2) == "<h2>Actions past their <em>target</em></h2>"


# --- charts: hatches printed as vectors -----------------------------------------------------------------------


def _hatched_charts() -> list:
    """One chart of each kind that hatches: every status in one stacked bar chart, a workload, a heatmap with a
    hatched (recorded-only) cell."""
    from helpers.base.vocabulary import STATUS_IDS
    from helpers.committee import status_charts, theme_charts, workload_chart

    reviews = {"a": "First review", "b": "Second review"}
    everything = pd.DataFrame({s: [3, 2] for s in STATUS_IDS}, index=list(reviews))
    workload = pd.DataFrame(
        {"complete": [1, 2], "open": [4, 1], "overdue": [2, 2], "not-reported": [3, 1]}, index=["Lead A", "Lead B"]
    )
    matrix = pd.DataFrame([[2, 0], [1, 3]], index=["Theme 1", "Theme 2"], columns=list(reviews.values()))
    return [
        status_charts.status_by_review(everything, reviews, "31 March 2024", {}),
        workload_chart.lead_workload(workload, "31 March 2024"),
        theme_charts.theme_heatmap(matrix, matrix == 0),
    ]


def test_charts_hatch_with_lines_not_patterns_which_print_as_bitmaps():
    for chart in _hatched_charts():
        svg = chart.svg()
        assert "<pattern" not in svg and not re.search(r"fill:\s*url\(", svg), chart.title
        assert "clip-path" in svg  # the hatch lines are cut to their shapes


def test_hatch_lines_draw_the_same_picture_as_the_patterns(monkeypatch):
    """Each chart drawn by Chromium with matplotlib's hatch patterns and with our lines: the same pixels, but for
    the anti-aliasing along a line (under 0.5% of pixels differ by more than a quarter of full contrast)."""
    _need_tools()
    from PIL import Image, ImageChops
    from playwright.sync_api import sync_playwright

    from helpers.committee import svg
    from helpers.publishing.pdf import CHROMIUM_ARGS

    drawn = [chart.svg() for chart in _hatched_charts()]
    monkeypatch.setattr(svg, "_expand_hatches", lambda svg: svg)
    patterned = [chart.svg() for chart in _hatched_charts()]
    assert all("<pattern" in svg for svg in patterned)  # the comparison is with real patterns
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(device_scale_factor=2)
        for ours, theirs in zip(drawn, patterned, strict=True):
            shots = []
            for svg in (ours, theirs):
                uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
                page.set_content(f'<body style="margin:0"><img id="chart" src="{uri}"></body>')
                shots.append(page.locator("#chart").screenshot())
            images = [Image.open(io.BytesIO(shot)).convert("L") for shot in shots]
            assert images[0].size == images[1].size
            difference = ImageChops.difference(*images).histogram()
            assert sum(difference[64:]) < 0.005 * sum(difference)
        browser.close()


# --- a paper a member can find their way in (issue 27) --------------------------------------------

NEAR_EMPTY = 0.25  # a page with content on less than a quarter of it is near-empty, whatever section it ends


def test_no_page_but_the_last_is_near_empty(report):
    """Not even a section's last page: sections flow on, and landscape is kept to where a table needs it."""
    page, pdf = report
    title = _soup(page).title.get_text(strip=True)
    pages, _ = _layout(pdf)
    sparse = [
        (n, round(_fullness(p, title), 2)) for n, p in enumerate(pages[:-1], 1) if _fullness(p, title) < NEAR_EMPTY
    ]
    assert sparse == [], f"near-empty pages (number, how full): {sparse}"


def test_the_contents_gives_each_sections_page_and_the_heading_is_on_it(report):
    page, pdf = report
    entries = [a.get_text(" ", strip=True) for a in _soup(page).select("nav.contents li > a")]
    pages_total = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))
    texts = [_run("pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-") for n in range(1, pages_total + 1)]
    contents = next(t for t in texts if "Contents" in t)
    lines = [_flat(line) for line in contents.splitlines()]
    for entry in entries:
        found = [m for line in lines if (m := re.fullmatch(rf"\d+\.{re.escape(_flat(entry))}(\d+)", line))]
        assert found, f"no page number for {entry!r} in the Contents"
        number = int(found[0].group(1))
        assert 1 <= number <= pages_total
        assert _flat(entry) in _flat(texts[number - 1]), f"{entry!r} is not on page {number}, as the Contents says"


def test_each_action_is_shown_in_full_once_and_every_ref_links_to_it(report):
    """The lists before the appendix link each ref to the action's row in the appendix, which holds it in full."""
    soup = _soup(report[0])
    links = [a["href"] for a in soup.select("table a[href^='#action-']")]
    rows = {tr["id"] for tr in soup.select("tr[id^='action-']")}
    assert links, "the lists before the appendix link to it"
    assert {href[1:] for href in links} <= rows
    assert len(rows) == len(soup.select("tr[id^='action-']"))  # each action once in the appendix


def test_a_table_is_named_once(report):
    """A caption never repeats the heading just above its table."""
    soup = _soup(report[0])
    for table in soup.find_all("table"):
        caption = table.find("caption")
        heading = table.find_previous(["h2", "h3"])
        if caption is not None and heading is not None:
            words = _flat(heading.get_text(" ", strip=True)).removeprefix("Table ")
            assert words != _flat(caption.get_text(" ", strip=True)).removeprefix("Table "), words
