"""Notebook parameters as analysts meet them: typed and described for papermill, checked in every notebook.

The rules are the stated ones: a quarter must have ended (unless a forecast) and not come before the first
action plan; review ids must be known; a misspelt parameter name stops the notebook. Known review ids and
approval dates are read from data/processed/reviews.csv, so no test pins today's reviews.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from helpers.base import config
from helpers.committee import parameters
from helpers.committee.parameters import ParameterError

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
PAPERMILL = Path(sys.executable).with_name("papermill")


def _reviews() -> dict[str, str]:
    with (config.processed_dir() / "reviews.csv").open(encoding="utf-8", newline="") as f:
        return {row["review_id"]: row["tracked_from"] for row in csv.DictReader(f)}


def _councils() -> dict[str, list[str]]:
    """{council: [its review ids]} from data/processed/reviews.csv."""
    with (config.processed_dir() / "reviews.csv").open(encoding="utf-8", newline="") as f:
        found: dict[str, list[str]] = {}
        for row in csv.DictReader(f):
            found.setdefault(row["council"], []).append(row["review_id"])
        return found


# --- Typed and described, as papermill reads them -------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_has_a_type_a_default_and_a_meaning(path: Path):
    found = pm.inspect_notebook(str(path))
    assert found, "no parameters found"
    for name, p in found.items():
        assert p["inferred_type_name"] not in ("None", ""), f"{name}: no type"
        assert p["default"] and len(p["help"]) > 15, f"{name}: no default or meaning"
        assert name in parameters.PARAMETERS, f"{name}: no rule in helpers.committee.parameters"


def test_papermill_help_lists_them_for_an_analyst():
    path = config.NOTEBOOKS_DIR / "04-quarterly-report.ipynb"
    shown = subprocess.run(
        [str(PAPERMILL), "--help-notebook", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Unknown type" not in shown
    assert 'QUARTER: str (default "2023/24 Q4")' in shown
    assert "COUNCIL: str or None (default None)" in shown
    assert "REVIEWS: list[str] or str or None (default None)" in shown and "one council and committee" in shown


# --- The rules, one parameter at a time ----------------------------------------------------------------


def test_reviews_take_one_id_as_text_several_or_none():
    first, second = list(_reviews())[:2]
    assert parameters.reviews(first) == [first]  # `-p REVIEWS 2021-finance`
    assert parameters.reviews(f"{first}, {second}") == [first, second]  # as `make report REVIEWS=...`
    assert parameters.reviews([second, first, second]) == [second, first]
    assert parameters.reviews(None) is None and parameters.reviews("  ") is None


def test_an_unknown_review_is_named_with_the_ids_allowed():
    with pytest.raises(ParameterError) as err:
        parameters.reviews("2020-budget")
    message = str(err.value)
    assert message.startswith("REVIEWS '2020-budget' is not a known review id; allowed: ")
    assert all(review in message for review in _reviews())
    assert "reviews.csv" not in message  # the value is wrong, not the data file
    with pytest.raises(ParameterError, match="REVIEWS 3 is not a review id"):
        parameters.reviews(3)


def test_a_quarter_must_have_ended_and_come_after_the_first_plan():
    first = min(dt.date.fromisoformat(d) for d in _reviews().values())
    # The financial year runs April to March: a plan approved in January-March is in that year's Q4.
    year = first.year if first.month >= 4 else first.year - 1
    quarter_of_first = f"{year}/{(year + 1) % 100:02d} Q{(first.month - 4) % 12 // 3 + 1}"
    today = dt.date(2024, 5, 2)  # 2024/25 Q1: 2023/24 Q4 is the latest completed quarter
    assert parameters.quarter("2023-24 Q4", today=today) == "2023/24 Q4"
    assert parameters.quarter(quarter_of_first, today=today) == quarter_of_first
    with pytest.raises(ParameterError) as err:
        parameters.quarter("2024/25 Q1", today=today)
    assert str(err.value) == (
        f"QUARTER '2024/25 Q1' has not ended yet; allowed: a quarter like '2023/24 Q4' from {quarter_of_first} "
        'to 2023/24 Q4, or this one as an interim report: make report QUARTER="2024/25 Q1" INTERIM=1 '
        "(INTERIM = True in a notebook)"
    )
    assert parameters.quarter("2024/25 Q1", allow_interim=True, today=today) == "2024/25 Q1"
    with pytest.raises(ParameterError, match="QUARTER '2023/24 Q4' has ended: report it without INTERIM"):
        parameters.quarter("2023/24 Q4", allow_interim=True, today=today)  # ended on 31 March 2024
    with pytest.raises(ParameterError, match=f"is before {quarter_of_first}, the first quarter with an action plan"):
        parameters.quarter(f"{year - 1}/{year % 100:02d} Q1", today=today)
    with pytest.raises(ParameterError, match="QUARTER '2023/24 Q5' is not like '2023/24 Q4'"):
        parameters.quarter("2023/24 Q5", today=today)


def test_meeting_dates_similarity_and_forecast():
    assert parameters.meeting_date("2024-05-14") == "2024-05-14" and parameters.meeting_date(None) is None
    assert parameters.meeting_date(dt.date(2024, 5, 14)) == "2024-05-14"  # `-y 'MEETING_DATE: 2024-05-14'`
    with pytest.raises(ParameterError, match="MEETING_DATE '14/05/2024' is not a date like 2024-05-14"):
        parameters.meeting_date("14/05/2024")
    assert parameters.similarity(1) == 1.0  # `-p SIMILARITY 1` arrives as an int
    for bad in (1.5, -0.1, "0.3", True):
        with pytest.raises(ParameterError, match=r"SIMILARITY .* is not a number from 0 to 1"):
            parameters.similarity(bad)
    with pytest.raises(ParameterError, match="INTERIM 'yes' is not True or False"):
        parameters.interim("yes")
    with pytest.raises(ParameterError, match="FORECAST 'yes' is not True or False"):
        parameters.interim("yes", "FORECAST")
    assert parameters.report_date("2026-12-07") == "2026-12-07" and parameters.report_date(None) == str(dt.date.today())
    with pytest.raises(ParameterError, match="REPORT_DATE '7/12/2026' is not a date like 2026-12-07"):
        parameters.report_date("7/12/2026")


def test_the_report_notebook_and_command_start_at_the_same_first_quarter():
    # With nothing chosen, the notebook's range starts where the command's does: the quarter of the earliest plan
    # of any review (the notebook then shows whichever council's reviews count), not that of its default council.
    first = min(dt.date.fromisoformat(d) for d in _reviews().values())
    year = first.year if first.month >= 4 else first.year - 1
    quarter_of_first = f"{year}/{(year + 1) % 100:02d} Q{(first.month - 4) % 12 // 3 + 1}"
    namespace = {"__annotations__": {"QUARTER": str, "COUNCIL": str, "REVIEWS": list}, "QUARTER": "1999/00 Q1"}
    namespace.update(COUNCIL=None, REVIEWS=None)
    with pytest.raises(ParameterError, match=f"from {quarter_of_first} to "):
        parameters.check(dict(namespace), one_audience=True)
    with pytest.raises(ParameterError, match=f"from {quarter_of_first} to "):
        parameters.quarter("1999/00 Q1", parameters.reviews(None))  # the report command's check
    namespace["QUARTER"] = quarter_of_first
    parameters.check(namespace, one_audience=True)  # accepted: some council's plan counts by its end
    assert namespace["QUARTER"] == quarter_of_first


def test_a_council_is_named_as_in_its_metadata_in_any_capitalisation():
    for council in _councils():
        assert parameters.council(f"  {council.upper()} ") == council
        assert parameters.council(" ".join(council.lower().split())) == council
    assert parameters.council(None) is None and parameters.council("") is None
    council = next(iter(_councils()))
    with pytest.raises(ParameterError) as err:
        parameters.council(council[:-1] + "x")  # a typing slip
    message = str(err.value)
    assert message.startswith(f"COUNCIL {council[:-1] + 'x'!r} is not a council in the review metadata")
    assert f"(did you mean {council!r}?)" in message and "allowed: one of" in message


def test_with_a_council_reviews_are_its_own():
    council, ids = next(iter(_councils().items()))
    assert parameters.reviews(None, council) == ids  # none chosen: all of the council's
    assert parameters.reviews(ids[0], council) == [ids[0]]
    assert parameters.reviews(None) is None  # no council: every review, of every council


# --- The check a notebook runs ------------------------------------------------------------------------


PARAMETERS_CELL = 'QUARTER: str = "2023/24 Q4"  # quarter\nREVIEWS: "list[str] or str or None" = None  # ids\n'


def _namespace(injected: str | None, **values) -> dict:
    """A kernel's namespace as the check cell sees it: the parameters cell ran (annotated), then papermill's
    injected cell if any; IPython keeps each cell's source in `In`, the current one last."""
    history = ["", PARAMETERS_CELL, *([injected] if injected else []), "parameters.check(globals())"]
    namespace = {"In": history, "__annotations__": {"QUARTER": "str", "REVIEWS": "list[str] or str or None"}}
    return namespace | {"QUARTER": "2023/24 Q4", "REVIEWS": None} | values


def test_the_report_notebook_shows_one_council_and_committee():
    council, ids = next(iter(_councils().items()))
    namespace = _namespace(None, COUNCIL=council.lower(), REVIEWS=None)
    namespace["__annotations__"]["COUNCIL"] = "str or None"
    parameters.check(namespace, one_audience=True)
    assert namespace["COUNCIL"] == council and set(namespace["REVIEWS"]) <= set(ids)
    namespace = _namespace(None, REVIEWS=ids[0])  # a review alone: its council's report
    parameters.check(namespace, one_audience=True)
    assert namespace["COUNCIL"] == council and namespace["REVIEWS"] == [ids[0]]


def test_a_misspelt_parameter_stops_the_notebook_naming_those_allowed():
    namespace = _namespace("# Parameters\nquarter = '2022/23 Q4'\n", quarter="2022/23 Q4")
    with pytest.raises(ParameterError) as err:
        parameters.check(namespace)
    assert str(err.value) == (
        "unknown parameter 'quarter' (did you mean QUARTER?); allowed: QUARTER, REVIEWS (names are case-sensitive)"
    )


def test_the_check_puts_values_in_their_usual_form_and_refuses_what_the_rules_refuse():
    from helpers.base import quarters

    review = next(iter(_reviews()))
    latest = quarters.label(quarters.latest_completed())  # "2023/24 Q4" typed as "2023-24 Q4"
    typed = latest.replace("/", "-")
    namespace = _namespace(f'# Parameters\nQUARTER = "{typed}"\nREVIEWS = "{review}"\n', QUARTER=typed, REVIEWS=review)
    parameters.check(namespace)
    assert namespace["REVIEWS"] == [review] and namespace["QUARTER"] == latest
    namespace = _namespace(None, QUARTER="2098/99 Q1")  # JupyterLab: nothing injected, a value typed in
    with pytest.raises(ParameterError, match="QUARTER '2098/99 Q1' has not ended yet"):
        parameters.check(namespace)


def test_a_declared_parameter_needs_a_rule():
    namespace = _namespace(None, COUNTY="Wessex")
    namespace["__annotations__"]["COUNTY"] = "str"
    with pytest.raises(ParameterError, match="parameter COUNTY has no rule; add it to PARAMETERS"):
        parameters.check(namespace)


def test_a_refusal_shows_as_one_line_in_ipython():
    err = ParameterError("QUARTER '2098/99 Q1' has not ended yet; allowed: ...")
    assert err._render_traceback_() == ["error: QUARTER '2098/99 Q1' has not ended yet; allowed: ..."]


# --- Through papermill and as JupyterLab runs a notebook ---------------------------------------------------


def test_papermill_takes_one_review_as_text(tmp_path: Path):
    review = next(iter(_reviews()))
    nb = pm.execute_notebook(
        str(config.NOTEBOOKS_DIR / "01-recommendations.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"REVIEWS": review},  # as `papermill ... -p REVIEWS <id>` passes it
        progress_bar=False,
        engine_name="reuse-kernel",
    )
    shown = "".join(str(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert review in shown and not any(r in shown for r in _reviews() if r != review)


def test_papermill_stops_on_a_misspelt_parameter_with_one_line(tmp_path: Path):
    notebook = config.NOTEBOOKS_DIR / "03-status-and-workload.ipynb"
    result = subprocess.run(
        [
            str(PAPERMILL),
            str(notebook),
            str(tmp_path / "out.ipynb"),
            "-p",
            "quarter",
            "2022/23 Q4",
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    failed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    [error] = [o for c in failed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    declared = ", ".join(pm.inspect_notebook(str(notebook)))  # as the notebook declares them
    assert error["traceback"] == [
        f"error: unknown parameter 'quarter' (did you mean QUARTER?); allowed: {declared} (names are case-sensitive)"
    ]
    assert error["traceback"][0] in result.stderr
    assert not any("As at" in str(c.get("outputs")) for c in failed.cells)  # stopped before any figure


def test_jupyterlab_stops_on_a_quarter_not_yet_ended_with_one_line():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(config.NOTEBOOKS_DIR / "03-status-and-workload.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('QUARTER: str = "2023/24 Q4"', 'QUARTER: str = "2098/99 Q1"')  # typed in Lab
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}}).execute()
    [error] = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(error["traceback"]) == 1  # what JupyterLab shows: one line, no traceback
    assert error["traceback"][0].startswith("error: QUARTER '2098/99 Q1' has not ended yet; allowed: a quarter like")
