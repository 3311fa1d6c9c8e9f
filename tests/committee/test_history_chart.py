"""The committee report's "Progress over time" (helpers.committee.history_chart), on the scripted history of
tests/scripted_history.py (three quarters of returns and two meetings on the 2021 finance plan).

By hand, for the report of 2022/23 Q2 (the four quarter ends 31 Dec 2021 to 30 Sep 2022; the plan first counts at
31 December 2021):
- complete: the plan's own 23 and 26, with 3 and 33 at 2021/22 Q3 (4); 33's closure refused in Q4 (3); 9 complete
  in 2022/23 Q1 (4), and still 4 at Q2: "stayed at 4 of 48";
- past target at all four quarter ends: 1, 2, 17 and 28 (October 2021), 24 (July 2021) and 40 (Autumn 2021 =
  November 2021), none reported complete: 6. 33 (November 2021) was complete at 2021/22 Q3, so it is not.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import pytest
from chart_checks import _fills, _table, assert_readable_printed_and_on_screen
from matplotlib.colors import to_hex

from helpers.committee import history_chart
from helpers.committee.chart_style import STATUS_STYLES
from helpers.tracking import workspace
from helpers.tracking.status_history import HISTORY_RULES, history_counts
from scripted_history import FIN, SCRIPTED, script

Q2 = "2022/23 Q2"


@pytest.fixture
def ws(data_copy: Path) -> workspace.Workspace:
    script(data_copy)
    return workspace.load_workspace([FIN])


def test_the_summary_sentence_gives_the_figures_worked_out_by_hand(ws):
    history = history_chart.recent_history(ws, Q2)
    assert list(history["quarter"].cat.categories) == ["2021/22 Q3", "2021/22 Q4", "2022/23 Q1", Q2]
    assert history_chart.progress_sentence(history) == (
        "Since 2021/22 Q3 the complete actions stayed at 4 of 48; 6 have been past target for four quarters or more."
    )


def test_the_chart_s_text_alternative_and_table_agree_with_the_history(ws):
    history = history_chart.recent_history(ws, Q2)
    chart = history_chart.progress_chart(history, ws.titles)
    counts = history_counts(history).loc[FIN]
    table = chart.data.set_index("Quarter")
    assert list(table.index) == list(counts.index)
    assert list(table["Complete"]) == list(counts["complete"]) == [4, 3, 4, 4]
    assert list(table["Actions"]) == [48, 48, 48, 48]
    past = counts["overdue"] + counts["not-reported"]
    title = ws.titles[FIN]
    assert (
        f"{title}: complete stayed at 4 and past target rose from {past.iloc[0]} to {past.iloc[-1]} "
        f"between 2021/22 Q3 and {Q2}, of 48 actions." in chart.alt
    )
    assert past.iloc[0] == 6  # 31 December 2021: the six above (33 was then complete)
    assert _table(chart).rows[0][:2] == ["Review", "Quarter"]  # the table a reader can open under the chart


@pytest.mark.parametrize("reviews", [[FIN], ["2019-cpc", FIN, "2022-progress"]], ids=["one review", "three reviews"])
def test_the_chart_prints_its_text_at_9pt_or_more(data_copy, reviews):
    script(data_copy)
    chosen = workspace.load_workspace(reviews)
    assert_readable_printed_and_on_screen(
        history_chart.progress_chart(chosen.status_history(None, "2023/24 Q4"), chosen.titles)
    )


def test_the_bars_use_the_status_colours_of_the_other_charts(ws):
    chart = history_chart.progress_chart(history_chart.recent_history(ws, Q2), ws.titles)
    [ax] = [a for a in chart.figure.axes if a.patches]
    colours = {to_hex(p.get_facecolor()) for p in _fills(ax) if p.get_height() > 0}
    assert colours <= {style.colour for style in STATUS_STYLES.values()}
    assert STATUS_STYLES["complete"].colour in colours and STATUS_STYLES["overdue"].colour in colours


def test_a_history_of_one_quarter_says_there_is_no_change_to_show_yet(ws):
    sentence = history_chart.progress_sentence(ws.status_history(None, "2021/22 Q3"))
    assert sentence.startswith("2021/22 Q3 is the first quarter end at which a plan counts")


def test_the_slippage_table_counts_actions_and_states_its_median(ws):
    table = ws.slippage("2022/23 Q1")
    summary = table[table["action_ref"].isin(SCRIPTED)]
    from helpers.tracking.slippage import slippage_summary

    row = history_chart.slippage_table(slippage_summary(summary), ws.titles).iloc[0]
    # Worked out in tests/tracking/test_status_history.py: 1 of 5 dated actions on time; slips 2m20d, 4, 5, 7 months.
    assert row["Share complete by original target"] == "20% (1 of 5)"
    assert row["Median slip"] == "4 months"
    assert row["Targets moved"] == "1 action, 1 move"
    assert row["No dated target or no action (counted apart)"] == 1


def test_the_targets_moved_cell_says_what_each_number_counts():
    assert history_chart.moved_text(0, 0) == "none"
    assert history_chart.moved_text(1, 1) == "1 action, 1 move"
    assert history_chart.moved_text(2, 3) == "2 actions, 3 moves"  # one action's target moved twice


def test_the_key_states_the_honesty_rules():
    key = " ".join(history_chart.history_key())
    for rule in HISTORY_RULES:
        assert rule in key
    assert "first counts at the end of that quarter" in key and "meeting that agreed it" in key
    assert "as it was known at each quarter end" in key and "what the plan said" in key


def test_with_no_plan_counted_the_chart_says_so(ws):
    empty = ws.status_history("2019/20 Q1", "2019/20 Q2")
    assert empty.empty
    assert "Nothing to show" in history_chart.progress_chart(empty, ws.titles).alt


def test_quarter_ends_before_any_action_counts_are_left_out(data_copy):
    # The 2019 review's plan counts from 28 January 2020, but its action plan was never obtained: no actions. The
    # history starts where the 2021 finance plan's actions first count (31 December 2021), not at 2019/20 Q4.
    history = workspace.load_workspace(["2019-cpc", FIN]).status_history(None, "2021/22 Q4")
    assert list(history["quarter"].cat.categories) == ["2021/22 Q3", "2021/22 Q4"]
    assert history_chart.progress_sentence(history).startswith("Since 2021/22 Q3 ")


def test_slippage_by_theme_counts_every_action_once(ws):
    by_theme = ws.slippage("2022/23 Q1", by="theme")
    assert by_theme["actions"].sum() == 48  # each action under its recommendation's primary theme
    shown = history_chart.slippage_table(by_theme, ws.titles, by="theme")
    assert shown.columns[0] == "Theme"


@pytest.mark.parametrize(
    "value, expected", [(None, None), ("", None), ("2021/22 Q4", "2021/22 Q4"), ("2021/2022 Q4", "2021/22 Q4")]
)
def test_from_quarter_is_none_or_a_quarter(value, expected):
    from helpers.committee.parameters import from_quarter

    assert from_quarter(value, "2023/24 Q4") == expected


@pytest.mark.parametrize(
    "value, message", [("2024/25 Q1", "is after QUARTER (2023/24 Q4)"), ("Q4 2021", "is not like '2023/24 Q4'")]
)
def test_a_from_quarter_the_rules_refuse_is_one_line_naming_it(value, message):
    from helpers.committee.parameters import ParameterError, from_quarter

    with pytest.raises(ParameterError, match="FROM_QUARTER") as err:
        from_quarter(value, "2023/24 Q4")
    assert message in str(err.value)


@pytest.mark.slow  # a whole report
def test_the_2024_25_q2_report_after_a_scripted_q1_and_q2_shows_the_hand_worked_progress(tmp_path, data_copy):
    # The last eight quarter ends are 2022/23 Q3 (31 Dec 2022) to 2024/25 Q2. Complete at 2022/23 Q3: the 2021
    # plan's own 23 and 26, of its 48 actions (the 2022 plan counts from 28 February 2023). At 2024/25 Q2: those two
    # and the 2022 plan's 2 ("Complete" as its target), of 56; 33 was complete at Q1 but refused on 12 Sep 2024.
    # Past target at each of the last four quarter ends (2023/24 Q3 to 2024/25 Q2): the 21 of the 2021 plan with
    # nothing reported since it at 2023/24 Q4, less 31 (March 2025 agreed) and 33 (complete at 2024/25 Q1), and the
    # 2022 plan's 4 (April 2023), 5 and 7 (October 2023): 19 + 3 = 22.
    from bs4 import BeautifulSoup

    from conftest import run_module
    from scripted_history import script_2024

    script_2024(data_copy)
    reports = tmp_path / "reports"
    council = "Dorset Council"  # the council whose documents these actions come from
    result = run_module(
        "helpers.publishing.report", "--quarter", "2024/25 Q2", "--council", council, "--no-pdf",
        data=data_copy, reports=reports,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [page] = reports.glob("2024-25-Q2/*/report.html")
    text = " ".join(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())
    assert "Progress over time" in text
    assert (
        "Since 2022/23 Q3 the complete actions went from 2 of 48 to 3 of 56 (the actions tracked changed as plans "
        "came to count); 22 have been past target for four quarters or more."
    ) in text
