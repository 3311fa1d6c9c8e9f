import pandas as pd
import pytest

from helpers.plans import tables
from helpers.plans.themes import (
    assign_themes,
    recorded_only,
    recurring_pairs,
    reviews_per_theme,
    theme_long,
    theme_matrix,
)


@pytest.fixture(scope="module")
def recs():
    return tables.read("recommendations")


@pytest.fixture(scope="module")
def themed(recs):
    return assign_themes(recs).set_index(["review_id", "rec_ref"])


@pytest.mark.parametrize(
    "key, primary",
    [
        (("2021-finance", "8"), "commercial-assets"),  # 'being more commercial'
        (("2021-finance", "11"), "systems-data"),  # single version of the truth
        (("2021-finance", "40"), "send-dsg"),  # Schools Forum, deficit reduction
        (("2021-finance", "33"), "financial-management"),  # training on budget monitoring
        (("2022-progress", "3"), "partnerships-place"),  # town and parish councils
        (("2022-progress", "4"), "workforce-learning"),  # staff induction
        (("2022-progress", "8"), "local-plan-housing"),  # Local Development Plan
    ],
)
def test_real_recommendations_get_the_expected_primary_theme(themed, key, primary):
    assert themed.loc[key, "primary_theme"] == primary


def test_an_override_always_wins(themed):
    row = themed.loc[("2021-finance", "38")]
    assert row["themes"] == "one-council; communication-narrative"
    assert row["theme_source"] == "override"


def test_override_naming_an_unknown_theme_is_an_error(data_copy, recs):
    (data_copy / "theme_overrides.csv").write_text("review_id,rec_ref,themes,reason\n2021-finance,3,budgets,x\n")
    from helpers.base.errors import InputError

    with pytest.raises(InputError, match=r"theme_overrides.csv:2: unknown theme\(s\) budgets"):
        assign_themes(recs)


DORSET = ["2019-cpc", "2021-finance", "2022-progress"]  # the three reviews these expectations come from


def test_2019_contributes_the_themes_its_minutes_record(themed, recs):
    reviews = tables.read("reviews").query("review_id in @DORSET")
    long = theme_long(assign_themes(recs[recs["review_id"].isin(DORSET)]), reviews)
    matrix = theme_matrix(long, DORSET)
    recorded = recorded_only(long, matrix)
    assert recorded["2019-cpc"].sum() == 5
    assert recorded.loc["Governance, scrutiny and the member role", "2019-cpc"]
    assert matrix["2019-cpc"].sum() == 0  # no invented counts
    per_theme = reviews_per_theme(matrix, recorded)
    assert per_theme["Financial management, monitoring and reporting"] == 3
    assert per_theme["Local plan and housing"] == 1
    # Every theme a 2021 recommendation carries is counted in the 2021 column.
    assert matrix["2021-finance"].sum() == sum(len(t.split("; ")) for t in themed.loc["2021-finance", "themes"])


def test_recurring_recommendations_are_found(recs):
    pairs = recurring_pairs(recs)
    found = {(a, b) for a, b in zip(pairs.rec_a, pairs.rec_b, strict=False)}
    for a, b in [(7, 13), (8, 16), (8, 37), (11, 32), (11, 44), (32, 44), (9, 38)]:
        assert (str(a), str(b)) in found, (a, b)
    assert pairs["similarity"].is_monotonic_decreasing
    assert set(pairs["scope"]) <= {"same review", "across reviews"}


def test_the_threshold_is_a_real_parameter(recs):
    assert len(recurring_pairs(recs, 0.6)) < len(recurring_pairs(recs, 0.23)) < len(recurring_pairs(recs, 0.1))
    assert recurring_pairs(recs, 0.6)[["rec_a", "rec_b"]].values.tolist() == [["7", "13"]]


def test_the_default_threshold_is_the_one_the_notebook_uses():
    import nbformat
    import papermill as pm

    from helpers.base import config
    from helpers.plans.themes import DEFAULT_SIMILARITY

    params = pm.inspect_notebook(str(config.NOTEBOOKS_DIR / "02-themes.ipynb"))
    assert float(params["SIMILARITY"]["default"]) == DEFAULT_SIMILARITY == 0.23
    assert nbformat  # the notebook is where analysts change it


def test_a_recommendation_with_several_actions_counts_once_per_theme():
    recs = pd.DataFrame(
        {
            "review_id": ["x"],
            "rec_ref": ["1"],
            "section": [""],
            "recommendation": ["Refresh the budget monitoring and forecasting arrangements."],
        }
    )
    long = theme_long(
        assign_themes(recs), pd.DataFrame({"review_id": ["x"], "recorded_themes": [""], "recorded_theme_ids": [""]})
    )
    assert long.groupby("theme_id").size().max() == 1  # themes belong to recommendations, not actions


def test_overrides_for_reviews_not_selected_are_ignored(recs):
    only_2022 = recs[recs["review_id"] == "2022-progress"]
    themed = assign_themes(only_2022)  # the 2021 override must not stop this
    assert set(themed["theme_source"]) == {"terms"}


def test_the_notebooks_and_the_heatmap_call_recorded_themes_by_one_word():
    # The themes introduction says what marks a theme only the decision record names; the chart marks the
    # same cells. Both take the word from themes.RECORDED.
    import nbformat

    from helpers.base import config
    from helpers.committee import theme_charts
    from helpers.plans.themes import RECORDED

    for name in ("02-themes.ipynb", "04-quarterly-report.ipynb"):
        nb = nbformat.read(config.NOTEBOOKS_DIR / name, as_version=4)
        markdown = [" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown"]
        text = " ".join(m for m in markdown if "decision record" in m)
        assert f'"{RECORDED}"' in text, name
        assert "minutes" not in text, name
    matrix = pd.DataFrame([[0, 2]], index=["Governance"], columns=["Review A", "Review B"])
    recorded = pd.DataFrame([[True, False]], index=matrix.index, columns=matrix.columns)
    chart = theme_charts.theme_heatmap(matrix, recorded)
    assert RECORDED in [t.get_text() for t in chart.figure.axes[0].texts]
