"""The quarterly report runner: parameters, failures, escaping, index."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, run_module
from helpers import config, quarters
from helpers.report import ReportFailed, quarters_to_run, run_quarter, write_index

HOSTILE_REC = '<script>window.__pwned = "rec"</script><img src=x onerror="window.__pwned = 1">'
HOSTILE_COMMENT = '<script>window.__pwned = "comment"</script> Survey <b>designed</b>.'


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A real report for 2023/24 Q4 whose data carries script and onerror payloads."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(PROJECT / "data", data)
    raw = data / "raw" / "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
    text = raw.read_text(encoding="utf-8")
    raw.write_text(text.replace("5.\tBe clear who is accountable", f"5.\t{HOSTILE_REC} Be clear who is accountable"),
                   encoding="utf-8")
    (data / "updates" / "2023-24-Q4.csv").write_text(
        "review_id,rec_no,status,comment,updated_on\n"
        f"2021-finance,5,In progress,\"{HOSTILE_COMMENT.replace(chr(34), chr(34) * 2)}\",2024-03-01\n",
        encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(data))
        extracted = run_module("extract", data=data)
        assert extracted.returncode == 0, extracted.stderr
        return run_quarter("2023/24 Q4", None, out_root=root / "reports")


def test_text_from_documents_and_updates_is_shown_inert(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "<script" not in page.lower()  # no script element at all, ours or injected
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned = &quot;rec&quot;&lt;/script&gt;" in page or \
        "&lt;script&gt;window.__pwned = \"rec\"&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page
    assert "&lt;b&gt;designed&lt;/b&gt;" in page  # progress comments are text too
    assert "Content-Security-Policy" in page


def test_report_is_self_contained_with_title_and_as_at_date(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "Peer review recommendations: progress report 2023/24 Q4" in page
    assert "as at 31 March 2024" in page
    assert page.count('src="data:image/png;base64,') >= 3
    import re
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", page)
    assert external == []  # opens offline: nothing fetched from the network
    assert "from helpers import" not in page and "class=\"jp-CodeMirrorEditor" not in page  # no code
    assert "0 of 9 transcribed" in page
    assert "no update this quarter" in page


def test_report_failure_keeps_the_notebook_names_the_cell_and_leaves_earlier_reports(tmp_path: Path):
    out = tmp_path / "reports"
    previous = out / "2023-24-Q4" / "report.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("earlier report", encoding="utf-8")
    broken = tmp_path / "broken.ipynb"
    nb = json.loads(config.REPORT_NOTEBOOK.read_text(encoding="utf-8"))
    nb["cells"].insert(3, {"cell_type": "code", "id": "broken", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": "raise ValueError('the update log is unreadable')"})
    broken.write_text(json.dumps(nb), encoding="utf-8")

    with pytest.raises(ReportFailed) as err:
        run_quarter("2023/24 Q4", None, notebook=broken, out_root=out)

    message = str(err.value)
    assert "cell 4" in message and "ValueError: the update log is unreadable" in message
    assert (out / "_failed" / "2023-24-Q4.ipynb").exists()
    assert previous.read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["report.html"]


@pytest.mark.parametrize("args, message", [
    (["--quarter", "2023/24 Q5"], "quarter '2023/24 Q5' is not like '2023/24 Q4'"),
    (["--quarter", "Q4"], "is not like '2023/24 Q4'"),
    (["--reviews", "2021-finance", "2020-budget"], "unknown review id(s) 2020-budget"),
    (["--jobs", "0"], "--jobs must be at least 1"),
])
def test_bad_parameters_stop_before_any_notebook_runs(tmp_path: Path, monkeypatch, args, message):
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    result = run_module("report", *args)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_quarters_to_run():
    today = dt.date(2024, 5, 2)
    assert [quarters.label(q) for q in quarters_to_run(None, False, None, today)] == ["2023/24 Q4"]
    every = [quarters.label(q) for q in quarters_to_run(None, True, None, today)]
    assert every[0] == "2019/20 Q4" and every[-1] == "2023/24 Q4" and len(every) == 17  # Cabinet, 28 Jan 2020
    later = [quarters.label(q) for q in quarters_to_run(None, True, ["2022-progress"], today)]
    assert later[0] == "2022/23 Q4"  # approved 28 February 2023


def test_index_lists_reports_newest_first(tmp_path: Path):
    for slug in ["2022-23-Q4", "2023-24-Q4", "2023-24-Q1"]:
        (tmp_path / slug).mkdir()
        (tmp_path / slug / "report.html").write_text("x")
    (tmp_path / "_failed").mkdir()
    page = write_index(tmp_path).read_text()
    order = [page.index(label) for label in ["2023/24 Q4", "2023/24 Q1", "2022/23 Q4"]]
    assert order == sorted(order)
    assert 'href="2023-24-Q4/report.html"' in page and "_failed" not in page
