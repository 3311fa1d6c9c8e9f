"""What every chart is built from: the chart that says there is nothing to show.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from chart_checks import AS_AT, LABELS, TITLES, _counts, _svg_texts

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
