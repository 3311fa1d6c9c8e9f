"""Charts: check what they draw and say, not merely that they run.

Expected values are worked out by hand from the frames built here.
"""

import base64
import itertools
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Patch
from matplotlib.text import Text

from helpers.committee import charts

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
    return charts.status_by_review(_counts(), TITLES, AS_AT, labels=LABELS, **kwargs)


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


# --- contrast -----------------------------------------------------------------------------------


def test_contrast_ratio_matches_known_wcag_values():
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert charts.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert charts.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # just passes AA
    assert charts.contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


def test_every_fill_gets_a_text_colour_of_at_least_4_5_to_1():
    fills = [s.colour for s in charts.STATUS_STYLES.values()] + [charts.RECORDED_STYLE.colour, charts.EMPTY_CELL]
    fills += [to_hex(charts.HEATMAP(v)) for v in np.linspace(0, 1, 101)]
    for fill in fills:
        assert charts.contrast_ratio(charts.text_colour_on(fill), fill) >= 4.5, fill


def test_every_segment_label_contrasts_with_its_segment():
    everything = pd.DataFrame({s: [3] for s in STATUS_IDS}, index=["2021-finance"])
    for chart in (_status_chart(), charts.status_by_review(everything, TITLES, AS_AT, LABELS)):
        labels = [t for t in chart.figure.axes[0].texts if t.get_bbox_patch() is not None]
        assert labels
        for label in labels:
            fill = to_hex(label.get_bbox_patch().get_facecolor())
            assert charts.contrast_ratio(to_hex(label.get_color()), fill) >= 4.5, (label.get_text(), fill)


def _all_text_contrasts(chart, skip=()):
    fig = chart.figure
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or text in skip:
            continue
        patch = text.get_bbox_patch()
        background = to_hex(patch.get_facecolor()) if patch is not None else charts.BACKGROUND
        yield text.get_text(), charts.contrast_ratio(to_hex(text.get_color()), background)


def test_all_other_text_is_at_least_4_5_to_1_on_white():
    matrix = pd.DataFrame({"Review A": [16, 0], "Review B": [2, 1]}, index=["Finance", "Housing"])
    heat = charts.theme_heatmap(matrix, matrix > 10)
    for text, ratio in _all_text_contrasts(_status_chart()):
        assert ratio >= 4.5, text
    # Heatmap cell labels sit on their cell's colour: test_heatmap_cell_labels_contrast_with_their_cell.
    for chart in (heat, charts.lead_theme_heatmap(matrix)):
        for text, ratio in _all_text_contrasts(chart, skip=set(chart.figure.axes[0].texts)):
            assert ratio >= 4.5, text


def test_heatmap_cell_labels_contrast_with_their_cell():
    matrix = pd.DataFrame({"Review A": [0, 16, 8], "Review B": [2, 1, 4]}, index=["A", "B", "C"])
    chart = charts.lead_theme_heatmap(matrix)
    ax = chart.figure.axes[0]
    cells = {
        (int(p.get_x()), int(p.get_y())): to_hex(p.get_facecolor())
        for p in ax.patches
        if p.get_facecolor()[3] > 0 and p.get_width() == 1
    }
    labels = [t for t in ax.texts if t.get_text()]
    assert sorted(t.get_text() for t in labels) == sorted(["2", "16", "1", "8", "4"])
    for label in labels:
        x, y = label.get_position()
        fill = cells[(int(x), int(y))]
        assert charts.contrast_ratio(to_hex(label.get_color()), fill) >= 4.5


# --- palette: not colour alone -------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
)
PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
)


def _linear(hex_colour):
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_each_status_id_has_a_colour_and_a_distinct_pattern():
    assert list(charts.STATUS_STYLES) == STATUS_IDS
    hatches = [s.hatch for s in charts.STATUS_STYLES.values()]
    assert len(set(hatches)) == len(hatches)
    assert set(charts.DATA_GAPS) == {"incomplete-source", "not-transcribed"}
    for gap in charts.DATA_GAPS:
        style = charts.STATUS_STYLES[gap]
        assert style.hatch and _lab(_linear(style.colour))[0] > 88  # white or very light, hatched
        assert charts.contrast_ratio(charts.GAP_EDGE, "#ffffff") >= 4.5  # dark edge


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_status_colours_stay_apart_under_colour_blindness(vision):
    matrix = {"normal": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}[vision]
    lab = {s: _lab(np.clip(matrix @ _linear(c), 0, 1)) for s, c in charts.STATUS_COLOURS.items()}
    for a, b in itertools.combinations(lab, 2):  # every status can appear in the same chart
        assert np.linalg.norm(lab[a] - lab[b]) >= 15, (vision, a, b)  # CIELAB delta E (CIE76)


def test_status_colours_stay_apart_in_greyscale():
    lightness = {s: _lab(_linear(c))[0] for s, c in charts.STATUS_COLOURS.items()}
    for a, b in itertools.combinations(lightness, 2):
        assert abs(lightness[a] - lightness[b]) >= 8, (a, b, lightness[a], lightness[b])
    # A printer's simple greyscale (Rec. 601 luma on the encoded values) keeps them apart too.
    luma = {
        s: 0.299 * int(c[1:3], 16) + 0.587 * int(c[3:5], 16) + 0.114 * int(c[5:7], 16)
        for s, c in charts.STATUS_COLOURS.items()
    }
    for a, b in itertools.combinations(luma, 2):
        assert abs(luma[a] - luma[b]) >= 12, (a, b)  # of 255


# --- status by review ----------------------------------------------------------------------------


def test_status_chart_title_states_the_finding():
    # Past target and not complete: overdue 3 + 1, not reported 19 + 2 = 25, of 48 + 8 = 56 transcribed.
    chart = _status_chart()
    assert (
        chart.title
        == f"25 of 56 transcribed actions are past their target date and not recorded as complete as at {AS_AT}"
    )
    assert "25 of 56 transcribed actions" in " ".join(_svg_texts(chart.svg()))


def test_status_chart_draws_each_count_in_its_status_colour_and_pattern():
    ax = _status_chart().figure.axes[0]
    assert sorted(int(p.get_width()) for p in _fills(ax)) == sorted([2, 1, 23, 4, 3, 1, 19, 2, 1, 9])
    overdue = [p for p in _fills(ax) if to_hex(p.get_facecolor()) == charts.STATUS_COLOURS["overdue"]]
    assert sorted(int(p.get_width()) for p in overdue) == [1, 3]
    hatched = sorted((p.get_hatch(), int(p.get_width())) for p in ax.patches if p.get_hatch() and p.get_width())
    assert hatched == sorted(
        [("--", 23), ("--", 4), ("xx", 3), ("xx", 1), ("\\\\", 19), ("\\\\", 2), ("++", 1), ("//", 9)]
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        TITLES["2021-finance"],
        TITLES["2022-progress"],
        TITLES["2019-cpc"],
    ]


def test_legend_shows_each_status_present_and_no_status_with_zero():
    legend = _status_chart().figure.legends[0]
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(
        ["Complete", "Ongoing", "Overdue", "Target passed, no update", "No action recorded", "Not transcribed"]
    )
    # The legend swatches carry the hatch as well as the colour.
    hatches = {p.get_hatch() for p in legend.findobj(Patch) if p.get_hatch()}
    assert hatches == {"--", "xx", "\\\\", "++", "//"}


def test_every_status_present_in_the_counts_is_in_the_legend_the_data_table_and_the_alt_text():
    # All nine categories, each present somewhere: some in one review only, one with a single action,
    # the last one (not transcribed) only in the last review.
    counts = pd.DataFrame(
        {
            "complete": [2, 1, 0],
            "not-yet-due": [0, 3, 0],
            "ongoing": [23, 4, 0],
            "no-target": [2, 0, 0],
            "overdue": [0, 1, 0],
            "not-reported": [19, 0, 0],
            "no-action": [1, 0, 0],
            "incomplete-source": [0, 1, 0],
            "not-transcribed": [0, 0, 9],
        },
        index=["2021-finance", "2022-progress", "2019-cpc"],
    )
    chart = charts.status_by_review(counts, TITLES, AS_AT, labels=LABELS)
    legend = chart.figure.legends[0]
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(LABELS.values())
    table = _table(chart)
    # The total counts actions; the 9 untranscribed recommendations are never added to it.
    assert table.rows[0] == ["Review", *LABELS.values(), "Total actions"]
    assert table.rows[2] == ["Progress review 2022", "1", "3", "4", "0", "1", "0", "0", "1", "0", "10"]
    assert table.rows[3] == ["Corporate peer challenge 2019", "0", "0", "0", "0", "0", "0", "0", "0", "9", "0"]
    for label in LABELS.values():
        assert label in chart.alt
    assert "Incomplete in source, Not transcribed" in chart.caption  # both data gaps are named as such


def test_alt_text_gives_each_review_and_each_non_zero_count_with_its_label():
    alt = _status_chart().alt
    assert alt.startswith(f"Stacked bar chart of action status by review as at {AS_AT}.")
    assert (
        "Finance peer challenge 2021: 2 Complete; 23 Ongoing; 3 Overdue; 19 Target passed, no update; "
        "1 No action recorded (48 actions)." in alt
    )
    assert "Progress review 2022: 1 Complete; 4 Ongoing; 1 Overdue; 2 Target passed, no update (8 actions)." in alt
    # Recommendations not transcribed are named in their own unit, never added to the actions.
    assert "Corporate peer challenge 2019: no actions; 9 Not transcribed (recommendations, not actions)." in alt
    assert "Not yet due" not in alt and "No description" not in alt


def test_data_table_has_a_caption_and_the_same_numbers():
    table = _table(_status_chart())
    assert table.caption == f"Actions by status and review as at {AS_AT}"
    assert table.rows == [
        [
            "Review",
            "Complete",
            "Not yet due",
            "Ongoing",
            "Overdue",
            "Target passed, no update",
            "No action recorded",
            "Not transcribed",
            "Total actions",
        ],
        ["Finance peer challenge 2021", "2", "0", "23", "3", "19", "1", "0", "48"],
        ["Progress review 2022", "1", "0", "4", "1", "2", "0", "0", "8"],
        ["Corporate peer challenge 2019", "0", "0", "0", "0", "0", "0", "9", "0"],
    ]


def test_review_ids_never_appear_when_titles_are_given():
    chart = _status_chart()
    for review_id in TITLES:
        assert review_id not in chart.svg()
        assert review_id not in chart._repr_html_()
        assert review_id not in chart.alt


def test_html_is_one_self_contained_figure_with_one_svg_image():
    chart = _status_chart()
    page = chart._repr_html_()
    assert page.startswith('<figure class="chart"') and page.endswith("</figure>")
    assert page.count("<img ") == 1
    assert 'src="data:image/svg+xml;base64,' in page
    assert f'alt="{chart.alt}"' in page  # the alt text has nothing to escape here
    assert "<figcaption>" in page and "<details><summary>Data for this chart (table)</summary><table" in page
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(encoded).decode("utf-8") == chart.svg()
    # Only HTML is offered, so an exported notebook holds exactly one image per chart.
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(chart)
    assert set(data) == {"text/plain", "text/html"}
    assert not hasattr(chart, "_repr_png_")


def test_charts_do_not_pile_up_in_pyplot():
    before = plt.get_fignums()
    _status_chart()
    charts.lead_theme_heatmap(pd.DataFrame({"A": [1]}, index=["x"]))
    assert plt.get_fignums() == before


def test_text_from_data_is_plain_text_and_escaped():
    titles = {
        "2021-finance": "Cost of $x$ per head",
        "2022-progress": "<script>alert(1)</script> & co",
        "2019-cpc": "Corporate peer challenge 2019",
    }
    chart = charts.status_by_review(_counts(), titles, AS_AT, LABELS)
    texts = _svg_texts(chart.svg())
    assert "Cost of $x$ per head" in texts  # drawn literally, not as mathtext
    assert "<script>" not in chart.svg() and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in chart.svg()
    page = chart._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page  # in the alt text and the table
    heat = charts.heatmap(pd.DataFrame({"$a$": [1]}, index=["$b$"]), "Spend $x$ rises", "Review", "Theme")
    assert {"Spend $x$ rises", "$a$", "$b$"} <= set(_svg_texts(heat.svg()))


def test_svg_is_deterministic():
    first, second = _status_chart(), _status_chart()
    assert first.svg() == second.svg()
    assert first._repr_html_() == second._repr_html_()
    assert "<dc:date>" not in first.svg()


def test_svg_keeps_text_as_text_and_stays_small():
    workload = pd.DataFrame(
        {"complete": [1] * 15, "open": [4] * 15, "overdue": [2] * 15, "not-reported": [3] * 15},
        index=[f"Service manager for area {i}" for i in range(15)],
    )
    themes = pd.DataFrame(
        np.arange(12 * 13).reshape(12, 13) % 5,
        index=[f"Lead number {i}" for i in range(12)],
        columns=[f"Theme with a longish name {j}" for j in range(13)],
    )
    everything = pd.DataFrame({s: [3, 2, 4] for s in STATUS_IDS}, index=list(TITLES))
    for chart in (
        charts.status_by_review(everything, TITLES, AS_AT, LABELS),
        charts.lead_workload(workload, AS_AT),
        charts.lead_theme_heatmap(themes),
        charts.theme_heatmap(themes.iloc[:, :3], themes.iloc[:, :3] > 3),
    ):
        svg = chart.svg()
        assert "<text" in svg and '<use xlink:href="#DejaVu' not in svg  # fonttype none: no glyph outlines
        assert len(svg.encode("utf-8")) < 60_000, (chart.title, len(svg))


# --- labels --------------------------------------------------------------------------------------


def test_labels_come_from_the_caller_then_the_vocabulary_then_a_fallback(monkeypatch):
    counts = pd.DataFrame({"complete": [1], "not-reported": [2]}, index=["2021-finance"])
    chart = charts.status_by_review(counts, TITLES, AS_AT, labels={"complete": "Done"})
    legend = {t.get_text() for t in chart.figure.legends[0].get_texts()}
    assert "Done" in legend and "not-reported" not in legend

    # A vocabulary that labels not-reported but not complete: complete falls back to its id in sentence case.
    monkeypatch.setattr(charts, "status_labels", lambda: {"not-reported": "Vocabulary not-reported"})
    chart = charts.status_by_review(counts, TITLES, AS_AT)
    assert {t.get_text() for t in chart.figure.legends[0].get_texts()} == {"Complete", "Vocabulary not-reported"}


def test_old_label_columns_are_refused():
    counts = pd.DataFrame({"Complete": [1], "Overdue": [2]}, index=["2021-finance"])
    with pytest.raises(ValueError, match="unknown column"):
        charts.status_by_review(counts, TITLES, AS_AT)


# --- lead workload -------------------------------------------------------------------------------


def test_workload_chart_shows_the_busiest_leads_first():
    table = pd.DataFrame(
        {"open": [1, 14, 0], "overdue": [6, 5, 1], "complete": [0, 1, 0]},
        index=["Corporate Director Finance & Commercial", "SLT", "CSAMG"],
    )  # totals 7, 20, 1
    chart = charts.lead_workload(table, AS_AT, top=2)
    ax = chart.figure.axes[0]
    assert chart.title == f"SLT leads the most actions (20) as at {AS_AT}"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SLT", "Corporate Director Finance & Commercial"]
    assert sorted(int(p.get_width()) for p in _fills(ax)) == sorted([1, 14, 5, 1, 6])
    assert "SLT: 1 Complete; 14 Open; 5 Overdue (20 in total)." in chart.alt
    assert "Corporate Director Finance & Commercial: 1 Open; 6 Overdue (7 in total)." in chart.alt
    assert "the 2 leads with the most actions, of 3" in chart.alt
    assert "CSAMG" not in chart.svg()
    rows = _table(chart).rows
    assert rows[1:] == [["SLT", "1", "14", "5", "20"], ["Corporate Director Finance & Commercial", "0", "1", "6", "7"]]
    with pytest.raises(ValueError, match="unknown column"):
        charts.lead_workload(table.assign(extra=1), AS_AT)


# --- heatmaps ------------------------------------------------------------------------------------


def test_theme_heatmap_labels_counts_and_recorded_themes():
    reviews = ["Corporate peer challenge 2019", "Finance peer challenge 2021", "Progress review 2022"]
    matrix = pd.DataFrame(
        [[0, 16, 2], [0, 0, 1]], index=["Financial management", "Local plan and housing"], columns=reviews
    )
    recorded = pd.DataFrame([[True, False, False], [False, False, False]], index=matrix.index, columns=reviews)
    chart = charts.theme_heatmap(matrix, recorded)
    # One word for these cells everywhere (themes.RECORDED), as the notebooks' text calls them.
    assert [t.get_text() for t in chart.figure.axes[0].texts] == ["recorded", "16", "2", "1"]
    assert chart.title == "1 of 2 themes recur in more than one review"
    assert (
        "Financial management: Corporate peer challenge 2019 recorded in the decision record; "
        "Finance peer challenge 2021 16; Progress review 2022 2."
    ) in chart.alt
    assert "Local plan and housing: Progress review 2022 1." in chart.alt
    assert [t.get_text() for t in chart.figure.legends[0].get_texts()] == [
        "Recorded: named only in the decision record"
    ]
    assert _table(chart).rows[1] == ["Financial management", "recorded (decision record)", "16", "2"]


def test_theme_heatmap_can_rename_review_ids_to_titles():
    matrix = pd.DataFrame({"2021-finance": [16], "2022-progress": [2]}, index=["Financial management"])
    chart = charts.theme_heatmap(matrix, matrix > 100, review_titles=TITLES)
    assert [t.get_text() for t in chart.figure.axes[0].get_xticklabels()] == [
        "Finance peer\nchallenge 2021",
        "Progress review\n2022",
    ]
    assert "2021-finance" not in chart.svg() and "2021-finance" not in chart._repr_html_()


def test_lead_theme_heatmap_title_and_alt():
    matrix = pd.DataFrame({"Finance": [3, 1], "Housing": [0, 2], "Culture": [0, 1]}, index=["SLT", "Cabinet"])
    chart = charts.lead_theme_heatmap(matrix)
    assert chart.title == "Cabinet leads actions across 3 themes"
    assert "Cabinet: Finance 1; Housing 2; Culture 1." in chart.alt
    assert "SLT: Finance 3." in chart.alt


# --- empty selections ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.status_by_review(_counts().iloc[:0], TITLES, AS_AT, LABELS),
        lambda: charts.status_by_review(_counts() * 0, TITLES, AS_AT, LABELS),
        lambda: charts.lead_workload(pd.DataFrame(columns=["open", "overdue", "complete", "total"]), AS_AT),
        lambda: charts.theme_heatmap(pd.DataFrame(), pd.DataFrame()),
        lambda: charts.lead_theme_heatmap(pd.DataFrame()),
    ],
)
def test_an_empty_selection_says_so(make):
    chart = make()
    assert chart.alt.startswith("Nothing to show")
    assert "Nothing to show for this selection" in " ".join(_svg_texts(chart.svg()))
    page = chart._repr_html_()
    assert page.count("<img ") == 1 and "<details>" not in page
