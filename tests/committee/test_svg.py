"""A chart as the report shows it: one SVG image, its alt text and data table, the same for the same data.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import base64
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from chart_checks import AS_AT, LABELS, STATUS_IDS, TITLES, _counts, _status_chart, _svg_texts, _table

from helpers.committee import status_charts, theme_charts, workload_chart


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
    theme_charts.lead_theme_heatmap(pd.DataFrame({"A": [1]}, index=["x"]))
    assert plt.get_fignums() == before


def test_text_from_data_is_plain_text_and_escaped():
    titles = {
        "2021-finance": "Cost of $x$ per head",
        "2022-progress": "<script>alert(1)</script> & co",
        "2019-cpc": "Corporate peer challenge 2019",
    }
    chart = status_charts.status_by_review(_counts(), titles, AS_AT, LABELS)
    texts = _svg_texts(chart.svg())
    assert "Cost of $x$ per head" in texts  # drawn literally, not as mathtext
    assert "<script>" not in chart.svg() and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in chart.svg()
    page = chart._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page  # in the alt text and the table
    heat = theme_charts.heatmap(pd.DataFrame({"$a$": [1]}, index=["$b$"]), "Spend $x$ rises", "Review", "Theme")
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
        status_charts.status_by_review(everything, TITLES, AS_AT, LABELS),
        workload_chart.lead_workload(workload, AS_AT),
        theme_charts.lead_theme_heatmap(themes),
        theme_charts.theme_heatmap(themes.iloc[:, :3], themes.iloc[:, :3] > 3),
    ):
        svg = chart.svg()
        assert "<text" in svg and '<use xlink:href="#DejaVu' not in svg  # fonttype none: no glyph outlines
        assert len(svg.encode("utf-8")) < 60_000, (chart.title, len(svg))
