"""The quarterly report runner: parameters, failures, escaping, index."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import PROJECT, run_module
from helpers import config, quarters
from helpers.report import ReportFailed, quarters_to_run, run_quarter, run_reports, write_index


def test_text_from_documents_and_updates_is_shown_inert(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "<script" not in page.lower()  # no script element at all, ours or injected
    assert "<img src=x" not in page
    assert (
        "&lt;script&gt;window.__pwned = &quot;rec&quot;&lt;/script&gt;" in page
        or '&lt;script&gt;window.__pwned = "rec"&lt;/script&gt;' in page
    )
    assert "&lt;img src=x onerror=" in page
    assert "&lt;b&gt;designed&lt;/b&gt;" in page  # progress comments are text too
    assert "Content-Security-Policy" in page


def test_report_is_self_contained_with_title_and_as_at_date(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "Peer review recommendations: progress report 2023/24 Q4" in page
    assert "as at 31 March 2024" in page
    assert page.count('src="data:image/svg+xml;base64,') >= 3  # status, themes, workload charts
    import re

    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", page)
    assert external == []  # opens offline: nothing fetched from the network
    assert "from helpers import" not in page and 'class="jp-CodeMirrorEditor' not in page  # no code
    assert "0 of 9 recommendations transcribed" in page
    assert "No progress reported since the plan" in page  # missing data said plainly


def test_report_failure_keeps_the_notebook_names_the_cell_and_leaves_earlier_reports(tmp_path: Path):
    out = tmp_path / "reports"
    previous = out / "2023-24-Q4" / "report.html"
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
        run_quarter("2023/24 Q4", None, notebook=broken, out_root=out)

    message = str(err.value)
    assert "cell 4" in message and "ValueError: the update log is unreadable" in message
    assert (out / "_failed" / "2023-24-Q4.ipynb").exists()
    assert previous.read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["report.html"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--quarter", "2023/24 Q5"], "quarter '2023/24 Q5' is not like '2023/24 Q4'"),
        (["--quarter", "Q4"], "is not like '2023/24 Q4'"),
        (["--reviews", "2021-finance", "2020-budget"], "unknown review id(s) 2020-budget"),
        (["--jobs", "0"], "--jobs must be between 1 and 32"),
        (["--all", "--jobs", "33"], "--jobs must be between 1 and 32"),
        (["--quarter", "2023/24 Q4", "--meeting-date", "14/05/2024"], "meeting date '14/05/2024' is not a date"),
        (["--from-env", "--reviews", "2021-finance"], "--from-env reads REVIEWS and MEETING_DATE"),
    ],
)
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


# --- What the HTML leaves out, and what it adds -------------------------------------------------


def test_parameter_cells_leave_no_trace_and_nothing_is_a_needless_tab_stop(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "QUARTER" not in page and "REVIEWS" not in page and "# Parameters" not in page
    assert "tabindex" not in page
    assert 'class="anchor-link"' not in page and "\u00b6</a>" not in page
    assert page.count('class="jp-Cell ') == page.count("jp-OutputArea-output") or "jp-Cell" in page
    import re

    empty_outputs = re.findall(r'<div class="jp-OutputArea jp-Cell-outputArea">\s*</div>', page)
    assert empty_outputs == []


def test_contents_list_links_every_h2_after_the_title(hostile_report: Path):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(hostile_report.read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "en" and soup.find("main") is not None
    nav = soup.find("nav", attrs={"aria-label": "Contents"})
    assert nav is not None and nav.find("h2").get_text() == "Contents"
    headings = [h for h in soup.find_all("h2") if h.find_parent("nav") is None]
    links = nav.find_all("a")
    assert [a["href"] for a in links] == [f"#{h['id']}" for h in headings]
    assert [a.get_text() for a in links] == [h.get_text(" ", strip=True) for h in headings]
    assert "Actions past their target" in [a.get_text() for a in links]
    h1 = soup.find("h1")
    summary = next(h for h in headings if h.get_text() == "Summary")
    assert h1.sourceline < nav.sourceline < summary.sourceline  # after the front matter, before the Summary


# --- Kernel reuse: a quarter's report does not depend on what ran before it -------------------


def test_a_quarter_is_byte_identical_alone_or_after_others_in_a_reused_kernel(tmp_path: Path):
    alone = run_reports(["2023/24 Q4"], None, jobs=1, out_root=tmp_path / "alone")
    after = run_reports(["2021/22 Q3", "2022/23 Q4", "2023/24 Q4"], None, jobs=1, out_root=tmp_path / "after")
    assert [o.error for o in alone + after] == [None] * 4
    first = (tmp_path / "alone" / "2023-24-Q4" / "report.html").read_bytes()
    second = (tmp_path / "after" / "2023-24-Q4" / "report.html").read_bytes()
    assert first == second
    assert first != (tmp_path / "after" / "2022-23-Q4" / "report.html").read_bytes()


# --- Summary for the index, and MEETING_DATE only for notebooks that declare it -----------------


def test_summary_json_feeds_the_index_and_the_meeting_date_reaches_the_report(tmp_path: Path):
    out = tmp_path / "reports"
    [done] = run_reports(["2023/24 Q4"], None, out_root=out, meeting_date="2024-05-14", pdf=False)
    assert done.error is None
    page = done.path.read_text(encoding="utf-8")
    assert "14 May 2024" in page  # the front matter's meeting date
    summary = json.loads((done.path.parent / "summary.json").read_text())
    assert summary["quarter"] == "2023/24 Q4"
    assert sum(summary["counts"].values()) == summary["total"]  # every status and gap, adding up
    # 2021 #23 and 2022 #2 say "Complete" as their target; 2021 #38 has no response and no lead.
    assert summary["counts"]["Complete"] >= 2 and summary["counts"]["No action recorded"] == 1
    index = write_index(out).read_text(encoding="utf-8")
    assert f"Complete: {summary['counts']['Complete']}" in index
    assert '"counts"' not in page  # the summary is data for the index, not shown in the report


def test_index_without_summaries_names_no_council(tmp_path: Path):
    (tmp_path / "2023-24-Q4").mkdir()
    (tmp_path / "2023-24-Q4" / "report.html").write_text("x")
    page = write_index(tmp_path).read_text()
    assert "the council&rsquo;s LGA peer reviews" in page
    assert "Dorset" not in page
    assert '<html lang="en">' in page and "<title>" in page and "<main>" in page and "<h1>" in page


# --- Machinery failures: one line, exit 1 --------------------------------------------------------


def test_a_kernel_that_cannot_start_gives_one_line_and_exit_1(tmp_path: Path, monkeypatch):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "ipykernel_launcher.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    result = run_module("report", "--quarter", "2023/24 Q4", "--no-pdf")
    assert result.returncode == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "could not start the Jupyter kernel" in errors[0] and "ipykernel" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports" / "2023-24-Q4").exists()


def test_reports_folder_that_cannot_be_written_gives_one_line(tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(blocker / "reports"))
    result = run_module("report", "--quarter", "2023/24 Q4", "--no-pdf")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "a-file" in result.stderr
    assert "Traceback" not in result.stderr


def test_from_env_reads_quarter_and_reviews(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("QUARTER", "2023/24 Q5")
    result = run_module("report", "--from-env")
    assert result.returncode == 1 and "quarter '2023/24 Q5' is not like" in result.stderr
    monkeypatch.setenv("QUARTER", "2023/24 Q4")
    monkeypatch.setenv("REVIEWS", "2021-finance, 2020-budget")
    result = run_module("report", "--from-env")
    assert result.returncode == 1 and "unknown review id(s) 2020-budget" in result.stderr
    assert not (tmp_path / "reports").exists()


# --- Interrupting a backfill -------------------------------------------------------------------


def test_sigterm_stops_a_backfill_cleanly(tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    reports, runtime = tmp_path / "reports", tmp_path / "runtime"
    tmp = Path(tempfile.mkdtemp(prefix="sigterm-", dir="/tmp"))  # short: kernel and browser sockets live here
    runtime.mkdir()
    env = dict(os.environ, PEER_REVIEW_REPORTS=str(reports), TMPDIR=str(tmp), JUPYTER_RUNTIME_DIR=str(runtime))
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.report", "--all", "--jobs", "2"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not list(reports.glob("*/report.html")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert list(reports.glob("*/report.html")), "no report appeared"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
        stopped_in = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0 and "interrupted" in stderr, stderr
    assert stopped_in < 10, stopped_in
    time.sleep(0.5)
    leftovers = [
        subprocess.run(["pgrep", "-f", str(d)], capture_output=True, text=True).stdout.split() for d in (tmp_path, tmp)
    ]
    assert leftovers == [[], []], "kernels or browsers still running"
    assert list(tmp.iterdir()) == [] and list(runtime.rglob("*.json")) == []
    tmp.rmdir()
    finished = sorted(p.parent.name for p in reports.glob("*/report.html"))
    assert not list(reports.rglob(".report.*"))  # no half-written files
    time.sleep(2)
    assert sorted(p.parent.name for p in reports.glob("*/report.html")) == finished  # nothing after the stop
    index = (reports / "index.html").read_text(encoding="utf-8")
    for slug in finished:
        assert f'href="{slug}/report.html"' in index
    assert len(finished) < 27
