"""The chart of actions by status and review.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from chart_checks import AS_AT, LABELS, STATUS_IDS, TITLES, _fills, _status_chart, _svg_texts, _table
from matplotlib.colors import to_hex
from matplotlib.patches import Patch

from helpers.committee import chart_style, status_charts


def test_every_segment_label_contrasts_with_its_segment():
    everything = pd.DataFrame({s: [3] for s in STATUS_IDS}, index=["2021-finance"])
    for chart in (_status_chart(), status_charts.status_by_review(everything, TITLES, AS_AT, LABELS)):
        labels = [t for t in chart.figure.axes[0].texts if t.get_bbox_patch() is not None]
        assert labels
        for label in labels:
            fill = to_hex(label.get_bbox_patch().get_facecolor())
            assert chart_style.contrast_ratio(to_hex(label.get_color()), fill) >= 4.5, (label.get_text(), fill)


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
    overdue = [p for p in _fills(ax) if to_hex(p.get_facecolor()) == chart_style.STATUS_COLOURS["overdue"]]
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
    chart = status_charts.status_by_review(counts, TITLES, AS_AT, labels=LABELS)
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


def test_review_ids_never_appear_when_titles_are_given():
    chart = _status_chart()
    for review_id in TITLES:
        assert review_id not in chart.svg()
        assert review_id not in chart._repr_html_()
        assert review_id not in chart.alt


def test_labels_come_from_the_caller_then_the_vocabulary_then_a_fallback(monkeypatch):
    counts = pd.DataFrame({"complete": [1], "not-reported": [2]}, index=["2021-finance"])
    chart = status_charts.status_by_review(counts, TITLES, AS_AT, labels={"complete": "Done"})
    legend = {t.get_text() for t in chart.figure.legends[0].get_texts()}
    assert "Done" in legend and "not-reported" not in legend

    # A vocabulary that labels not-reported but not complete: complete falls back to its id in sentence case.
    monkeypatch.setattr(chart_style, "status_labels", lambda: {"not-reported": "Vocabulary not-reported"})
    chart = status_charts.status_by_review(counts, TITLES, AS_AT)
    assert {t.get_text() for t in chart.figure.legends[0].get_texts()} == {"Complete", "Vocabulary not-reported"}


def test_old_label_columns_are_refused():
    counts = pd.DataFrame({"Complete": [1], "Overdue": [2]}, index=["2021-finance"])
    with pytest.raises(ValueError, match="unknown column"):
        status_charts.status_by_review(counts, TITLES, AS_AT)
