"""What every chart is built from: the chart that says there is nothing to show, and the size it prints at.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from chart_checks import AS_AT, LABELS, TITLES, _counts, _svg_texts, assert_readable_printed_and_on_screen

from helpers.committee import status_charts, theme_charts, workload_chart


@pytest.mark.parametrize(
    "make",
    [
        lambda: status_charts.status_by_review(_counts().iloc[:0], TITLES, AS_AT, LABELS),
        lambda: status_charts.status_by_review(_counts() * 0, TITLES, AS_AT, LABELS),
        lambda: workload_chart.lead_workload(pd.DataFrame(columns=["open", "overdue", "complete", "total"]), AS_AT),
        lambda: theme_charts.theme_heatmap(pd.DataFrame(), pd.DataFrame()),
        lambda: theme_charts.lead_theme_heatmap(pd.DataFrame()),
    ],
)
def test_an_empty_selection_says_so(make):
    chart = make()
    assert chart.alt.startswith("Nothing to show")
    assert "Nothing to show for this selection" in " ".join(_svg_texts(chart.svg()))
    page = chart._repr_html_()
    assert page.count("<img ") == 1 and "<details>" not in page


# --- printed size (issue 27) -----------------------------------------------------------------------------------

# The report's print CSS (publishing/templates/committee/index.html.j2): an A4 portrait page with 14 mm side
# margins, and a chart at most 205 mm tall. A chart larger than that is scaled down to fit, its text with it.


def _leads(count: int) -> pd.DataFrame:
    """`count` leads with names long enough to wrap (totals count, count - 1, ... 1)."""
    names = [f"Service Manager for Democratic and Electoral Services {n}" for n in range(count)]
    return pd.DataFrame({"open": range(count, 0, -1), "overdue": [1] * count}, index=names).assign(
        open=lambda t: t["open"] - 1
    )


def _long_reviews(themes: int) -> pd.DataFrame:
    reviews = ["Corporate peer challenge 2019", "Finance peer challenge 2021 (with the DSG / high needs block review)"]
    index = [f"Transformation, savings and value for money {n}" for n in range(themes)]
    return pd.DataFrame([[n % 3, (n + 1) % 4] for n in range(themes)], index=index, columns=reviews)


@pytest.mark.parametrize(
    "make",
    [
        lambda: status_charts.status_by_review(_counts(), TITLES, AS_AT, LABELS),
        lambda: workload_chart.lead_workload(_leads(8), AS_AT),
        lambda: workload_chart.lead_workload(_leads(25), AS_AT),  # more rows than fit as two lines each
        lambda: theme_charts.theme_heatmap(_long_reviews(14), _long_reviews(14) == 0),
        lambda: theme_charts.lead_theme_heatmap(_long_reviews(6).T),
        lambda: theme_charts.theme_heatmap(pd.DataFrame(), pd.DataFrame()),
    ],
    ids=["status", "workload", "workload-crowded", "themes", "lead-themes", "empty"],
)
def test_chart_text_prints_at_9pt_or_more_and_reads_at_the_pages_size_on_screen(make):
    assert_readable_printed_and_on_screen(make())
