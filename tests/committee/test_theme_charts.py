"""The heatmaps of themes by review and by lead.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
from chart_checks import TITLES, _table
from matplotlib.colors import to_hex

from helpers.committee import chart_style, theme_charts


def test_heatmap_cell_labels_contrast_with_their_cell():
    matrix = pd.DataFrame({"Review A": [0, 16, 8], "Review B": [2, 1, 4]}, index=["A", "B", "C"])
    chart = theme_charts.lead_theme_heatmap(matrix)
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
        assert chart_style.contrast_ratio(to_hex(label.get_color()), fill) >= 4.5


def test_theme_heatmap_labels_counts_and_recorded_themes():
    reviews = ["Corporate peer challenge 2019", "Finance peer challenge 2021", "Progress review 2022"]
    matrix = pd.DataFrame(
        [[0, 16, 2], [0, 0, 1]], index=["Financial management", "Local plan and housing"], columns=reviews
    )
    recorded = pd.DataFrame([[True, False, False], [False, False, False]], index=matrix.index, columns=reviews)
    chart = theme_charts.theme_heatmap(matrix, recorded)
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
    chart = theme_charts.theme_heatmap(matrix, matrix > 100, review_titles=TITLES)
    assert [t.get_text() for t in chart.figure.axes[0].get_xticklabels()] == [
        "Finance peer\nchallenge 2021",
        "Progress review\n2022",
    ]
    assert "2021-finance" not in chart.svg() and "2021-finance" not in chart._repr_html_()


def test_lead_theme_heatmap_title_and_alt():
    matrix = pd.DataFrame({"Finance": [3, 1], "Housing": [0, 2], "Culture": [0, 1]}, index=["SLT", "Cabinet"])
    chart = theme_charts.lead_theme_heatmap(matrix)
    assert chart.title == "Cabinet leads actions across 3 themes"
    assert "Cabinet: Finance 1; Housing 2; Culture 1." in chart.alt
    assert "SLT: Finance 3." in chart.alt


def test_unclassified_recommendations_are_not_a_theme_in_the_finding():
    reviews = ["Corporate peer challenge 2019", "Finance peer challenge 2021"]
    index = ["Financial management", "Local plan and housing", "Unclassified"]
    # Financial management is in both reviews; Local plan in one; the Unclassified row in both, and not a theme.
    matrix = pd.DataFrame([[3, 2], [0, 1], [4, 5]], index=index, columns=reviews)
    chart = theme_charts.theme_heatmap(matrix, matrix > 100)
    assert chart.title == "1 of 2 themes recur in more than one review"
    only = pd.DataFrame([[4, 5]], index=["Unclassified"], columns=reviews)
    assert theme_charts.theme_heatmap(only, only > 100).title == "No recommendation fits a theme"
