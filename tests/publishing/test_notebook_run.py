"""Running one report's notebook (helpers.publishing.notebook_run): a failure names its cell and keeps the
executed notebook; a report keeps its executed notebook beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import council_of
from helpers.base import config
from helpers.publishing.report import ReportFailed, run_quarter, runs


def test_report_failure_keeps_the_notebook_names_the_cell_and_leaves_earlier_reports(tmp_path: Path):
    out = tmp_path / "reports"
    [run] = runs("2023/24 Q4", False, None, out, council=council_of("2021-finance"))
    previous = run.folder / "report.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("earlier report", encoding="utf-8")
    broken = tmp_path / "broken.ipynb"
    nb = json.loads(config.REPORT_NOTEBOOK.read_text(encoding="utf-8"))
    nb["cells"].insert(
        3,
        {
            "cell_type": "code",
            "id": "broken",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "raise ValueError('the update log is unreadable')",
        },
    )
    broken.write_text(json.dumps(nb), encoding="utf-8")

    with pytest.raises(ReportFailed) as err:
        run_quarter("2023/24 Q4", None, notebook=broken, out_root=out, council=run.council)

    message = str(err.value)
    assert "cell 4" in message and "ValueError: the update log is unreadable" in message
    assert f"report for 2023/24 Q4, {run.council}, " in message  # which report failed
    assert (out / "_failed" / f"2023-24-Q4--{run.folder.name}.ipynb").exists()
    assert previous.read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["report.html"]


# --- The executed notebook, kept beside the report ------------------------------------------------


@pytest.mark.slow  # a whole report
def test_the_executed_notebook_is_kept_beside_the_report_with_its_parameters(hostile_report: Path):
    import nbformat

    nb = nbformat.read(hostile_report.with_name("report.ipynb"), as_version=4)
    given = nb.metadata.papermill.parameters  # papermill's record of the run: who the report is for
    assert given["QUARTER"] == "2023/24 Q4" and given["COUNCIL"] == council_of("2021-finance")
    assert "2021-finance" in given["REVIEWS"] and all(council_of(r) == given["COUNCIL"] for r in given["REVIEWS"])
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'QUARTER = "2023/24 Q4"' in injected.source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code) and not any(
        o.get("output_type") == "error" for c in code for o in c.outputs
    )
    headline = next(c for c in code if "summary.headline" in c.source)
    assert "As at 31 March 2024" in str(headline.outputs)  # the figures the HTML shows, with their code
