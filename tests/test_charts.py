"""Charts: check what they draw, not merely that they run."""
import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.colors import to_hex

from helpers import charts
from helpers.status import NOT_TRANSCRIBED, OVERDUE
from helpers.vocabulary import statuses


def _bar_texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_every_status_has_a_palette_colour():
    assert set(statuses()) == set(charts.STATUS_COLOURS)


def test_status_chart_draws_each_count_in_its_status_colour():
    counts = pd.DataFrame({"Complete": [2, 1], "Not yet due": [0, 0], "Ongoing": [23, 4], "Overdue": [22, 3],
                           "No action recorded": [1, 0], "Not transcribed": [0, 0], "Total": [48, 8]},
                          index=["2021-finance", "2022-progress"])
    counts.loc["2019-cpc"] = [0, 0, 0, 0, 0, 9, 9]
    fig = charts.status_by_review(counts, {"2019-cpc": "Corporate peer challenge 2019"}, "31 March 2024")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "25 of 56 transcribed actions overdue as at 31 March 2024"
    widths = sorted(int(p.get_width()) for p in ax.patches if p.get_width() > 0)
    assert widths == sorted([2, 1, 23, 4, 22, 3, 1, 9])
    assert sorted(_bar_texts(fig)) == sorted(["2", "1", "23", "4", "22", "3", "1", "9"])
    overdue = [p for p in ax.patches if p.get_width() > 0
               and to_hex(p.get_facecolor()) == charts.STATUS_COLOURS[OVERDUE].lower()]
    assert sorted(int(p.get_width()) for p in overdue) == [3, 22]
    gap = [p for p in ax.patches if p.get_hatch() and p.get_width() > 0]
    assert [int(p.get_width()) for p in gap] == [9]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == \
        ["Complete", "Ongoing", "Overdue", "No action recorded", NOT_TRANSCRIBED]
    assert "Corporate peer challenge 2019" in [t.get_text() for t in ax.get_yticklabels()]


def test_workload_chart_shows_the_busiest_leads_first():
    table = pd.DataFrame({"open": [14, 1, 0], "overdue": [5, 6, 1], "complete": [1, 0, 0]},
                         index=["SLT", "Corporate Director Finance & Commercial", "CSAMG"])
    table["total"] = table.sum(axis=1)
    fig = charts.lead_workload(table, "31 March 2024", top=2)
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "SLT leads the most actions (20) as at 31 March 2024"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SLT", "Corporate Director Finance & Commercial"]
    assert sorted(_bar_texts(fig)) == sorted(["14", "1", "5", "6", "1"])


def test_theme_heatmap_labels_counts_and_recorded_themes():
    matrix = pd.DataFrame({"2019-cpc": [0, 0], "2021-finance": [16, 0], "2022-progress": [2, 1]},
                          index=["Financial management", "Local plan and housing"])
    recorded = pd.DataFrame({"2019-cpc": [True, False], "2021-finance": [False, False],
                             "2022-progress": [False, False]}, index=matrix.index)
    fig = charts.theme_heatmap(matrix, recorded)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["minutes", "16", "2", "", "", "1"]
    assert fig._suptitle.get_text() == "1 of 2 themes recur in more than one review"
