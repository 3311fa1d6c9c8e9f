"""The chart of each lead's workload.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from chart_checks import AS_AT, _fills, _table

from helpers.committee import workload_chart


def test_workload_chart_shows_the_busiest_leads_first():
    table = pd.DataFrame(
        {"open": [1, 14, 0], "overdue": [6, 5, 1], "complete": [0, 1, 0]},
        index=["Corporate Director Finance & Commercial", "SLT", "CSAMG"],
    )  # totals 7, 20, 1
    chart = workload_chart.lead_workload(table, AS_AT, top=2)
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
        workload_chart.lead_workload(table.assign(extra=1), AS_AT)
