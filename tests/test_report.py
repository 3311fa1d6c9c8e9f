"""The report command: what it runs, failures, escaping, the executed notebook kept, PDFs only when needed, index."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import run_module
from helpers import config
from helpers.errors import InputError
from helpers.index import write_index
from helpers.report import ReportFailed, check_scheduled, run_quarter, runs
from helpers.runner import Settings, run_reports

CHROMIUM = Path("/usr/bin/chromium")


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
        (["--quarter", "2023/24 Q5"], "QUARTER '2023/24 Q5' is not like '2023/24 Q4'"),
        (["--quarter", "Q4"], "QUARTER 'Q4' is not like '2023/24 Q4'"),
        (["--quarter", "2023/25 Q1"], "QUARTER '2023/25 Q1' is not like"),  # a year runs to the next
        (["--quarter", "2098/99 Q1"], "QUARTER '2098/99 Q1' has not ended yet; allowed: a quarter like"),
        (["--quarter", "2001/02 Q1"], "QUARTER '2001/02 Q1' is before"),
        (["--reviews", "2021-finance", "2020-budget"], "REVIEWS '2020-budget' is not a known review id; allowed:"),
        (["--jobs", "0"], "--jobs must be between 1 and 32"),
        (["--all", "--jobs", "33"], "--jobs must be between 1 and 32"),
        (["--quarter", "2023/24 Q4", "--meeting-date", "14/05/2024"], "MEETING_DATE '14/05/2024' is not a date"),
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


def test_what_to_run_is_quarters_times_selection_to_folders(tmp_path: Path):
    today = dt.date(2024, 5, 2)  # in 2024/25 Q1, so 2023/24 Q4 is the latest completed quarter
    [latest] = runs(None, False, None, tmp_path, today=today)
    assert (latest.quarter, latest.reviews, latest.folder) == ("2023/24 Q4", None, tmp_path / "2023-24-Q4")
    every = runs(None, True, None, tmp_path, today=today)
    # The first plan (2019 review) was approved by Cabinet on 28 January 2020: 2019/20 Q4 to 2023/24 Q4.
    assert [r.quarter for r in every][:2] == ["2019/20 Q4", "2020/21 Q1"] and every[-1].quarter == "2023/24 Q4"
    assert len(every) == 4 * 4 + 1
    later = runs(None, True, "2022-progress", tmp_path, today=today)  # one id as text
    assert later[0].quarter == "2022/23 Q4"  # its plan was approved on 28 February 2023
    assert {r.reviews for r in later} == {("2022-progress",)}
    assert later[0].folder == tmp_path / "2022-23-Q4--2022-progress"  # never over the report on every review
    [one] = runs("2023-24 Q4", False, ["2022-progress", "2021-finance"], tmp_path, today=today)
    assert one.quarter == "2023/24 Q4" and one.folder.name == "2023-24-Q4--2021-finance-2022-progress"


def test_a_scheduled_run_waits_for_the_return_by_date():
    # 2024/25 Q1 ends on Sunday 30 June 2024; ten working days later is Friday 12 July.
    with pytest.raises(InputError, match="waits for its returns, due by 12 July 2024"):
        check_scheduled(dt.date(2024, 7, 12))
    assert check_scheduled(dt.date(2024, 7, 13)) == "2024/25 Q1"


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


def test_a_quarter_is_byte_identical_alone_after_others_in_a_reused_kernel_or_in_another_job(tmp_path: Path):
    def backfill(out: Path, labels: list[str], jobs: int) -> list:
        chosen = [r for label in labels for r in runs(label, False, None, out)]
        return run_reports(chosen, Settings(config.REPORT_NOTEBOOK, out), jobs=jobs)

    alone = backfill(tmp_path / "alone", ["2023/24 Q4"], 1)
    after = backfill(tmp_path / "after", ["2021/22 Q3", "2022/23 Q4", "2023/24 Q4"], 1)
    two_jobs = backfill(tmp_path / "two-jobs", ["2022/23 Q4", "2023/24 Q4"], 2)  # a worker process makes one
    assert [o.error for o in alone + after + two_jobs] == [None] * 6
    assert [o.quarter for o in two_jobs] == ["2022/23 Q4", "2023/24 Q4"]
    first = (tmp_path / "alone" / "2023-24-Q4" / "report.html").read_bytes()
    assert first == (tmp_path / "after" / "2023-24-Q4" / "report.html").read_bytes()
    assert first == (tmp_path / "two-jobs" / "2023-24-Q4" / "report.html").read_bytes()
    earlier = (tmp_path / "after" / "2022-23-Q4" / "report.html").read_bytes()
    assert earlier == (tmp_path / "two-jobs" / "2022-23-Q4" / "report.html").read_bytes()
    assert first != earlier


# --- PDFs: printed only for a page that changed, never left beside a newer page -----------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (`apt-get install chromium`)")
def test_a_backfill_prints_only_the_pdfs_whose_page_changed(tmp_path: Path):
    out = tmp_path / "reports"
    chosen = runs(None, True, None, out)[-2:]  # the latest two quarters
    settings = Settings(config.REPORT_NOTEBOOK, out, pdf=True)
    assert [o.error for o in run_reports(chosen, settings)] == [None, None]
    before = {r.quarter: (r.folder / "report.pdf").stat() for r in chosen}
    (chosen[0].folder / "report.html").write_text("an older page", encoding="utf-8")  # this one will change
    assert [o.error for o in run_reports(chosen, settings)] == [None, None]
    after = {r.quarter: (r.folder / "report.pdf").stat() for r in chosen}
    changed, same = chosen[0].quarter, chosen[1].quarter
    assert (after[same].st_ino, after[same].st_mtime_ns) == (before[same].st_ino, before[same].st_mtime_ns)
    assert after[changed].st_ino != before[changed].st_ino  # printed again, and replaced whole
    assert (chosen[0].folder / "report.pdf").read_bytes().startswith(b"%PDF")


def test_a_page_made_without_a_pdf_never_sits_beside_the_pdf_of_an_older_page(tmp_path: Path):
    out = tmp_path / "reports"
    [run] = runs("2023/24 Q4", False, None, out)
    run.folder.mkdir(parents=True)
    (run.folder / "report.html").write_text("an older page", encoding="utf-8")
    (run.folder / "report.pdf").write_bytes(b"%PDF of the older page")
    settings = Settings(config.REPORT_NOTEBOOK, out, pdf=False)
    assert [o.error for o in run_reports([run], settings)] == [None]
    assert not (run.folder / "report.pdf").exists()
    (run.folder / "report.pdf").write_bytes(b"%PDF of this page")  # as printed from the page now there
    assert [o.error for o in run_reports([run], settings)] == [None]
    assert (run.folder / "report.pdf").read_bytes() == b"%PDF of this page"  # the page did not change


# --- The executed notebook, kept beside the report ------------------------------------------------


def test_the_executed_notebook_is_kept_beside_the_report_with_its_parameters(hostile_report: Path):
    import nbformat

    nb = nbformat.read(hostile_report.with_name("report.ipynb"), as_version=4)
    assert nb.metadata.papermill.parameters["QUARTER"] == "2023/24 Q4"  # papermill's record of the run
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'QUARTER = "2023/24 Q4"' in injected.source
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code) and not any(
        o.get("output_type") == "error" for c in code for o in c.outputs
    )
    headline = next(c for c in code if "committee.headline" in c.source)
    assert "As at 31 March 2024" in str(headline.outputs)  # the figures the HTML shows, with their code


# --- Summary for the index, and MEETING_DATE only for notebooks that declare it -----------------


def test_summary_json_feeds_the_index_and_the_meeting_date_reaches_the_report(tmp_path: Path):
    out = tmp_path / "reports"
    path = run_quarter("2023/24 Q4", None, out_root=out, meeting_date="2024-05-14")
    page = path.read_text(encoding="utf-8")
    assert "14 May 2024" in page  # the front matter's meeting date
    summary = json.loads((path.parent / "summary.json").read_text())
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


@pytest.mark.parametrize(
    "launcher, why",
    [
        ("raise SystemExit(3)\n", "stopped while starting (exit status 3), with no message"),
        (
            "import sys\nprint('ModuleNotFoundError: No module named ipykernel', file=sys.stderr)\nsys.exit(1)\n",
            "stopped while starting (exit status 1): No module named ipykernel",
        ),
    ],
    ids=["silent", "with-message"],
)
def test_a_kernel_that_cannot_start_says_why_in_one_line(tmp_path: Path, monkeypatch, launcher, why):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "ipykernel_launcher.py").write_text(launcher)  # what `python -m ipykernel_launcher` runs
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    result = run_module("report", "--quarter", "2023/24 Q4", "--no-pdf")
    assert result.returncode == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "the Jupyter kernel 'python3'" in errors[0] and why in errors[0], result.stderr
    assert "ipykernel_launcher" in errors[0]  # the command that failed
    assert "Traceback" not in result.stderr and "Error" not in errors[0]
    assert "check that" not in errors[0]  # no advice that is not the cause
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
    assert result.returncode == 1 and "QUARTER '2023/24 Q5' is not like" in result.stderr
    monkeypatch.setenv("QUARTER", "2023/24 Q4")
    monkeypatch.setenv("REVIEWS", "2021-finance, 2020-budget")
    result = run_module("report", "--from-env")
    assert result.returncode == 1 and "REVIEWS '2020-budget' is not a known review id" in result.stderr
    assert not (tmp_path / "reports").exists()


# --- The schedule comes after the data ---------------------------------------------------------------


def _report_cron_lines() -> list[tuple[str, str]]:
    """(where, "minute hour day months weekday") for the README's cron line and the workflow's report schedule."""
    import re

    import yaml

    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    found = [("README", m) for m in re.findall(r"^\s*(\d+ \d+ \d+ [\d,]+ \*) cd ", readme, re.M)]
    workflow = yaml.safe_load((config.PROJECT_ROOT / ".github/workflows/quarterly-report.yml").read_text())
    schedules = [entry["cron"] for entry in workflow[True]["schedule"]]  # YAML reads `on:` as true
    report_if = workflow["jobs"]["report"]["if"]
    found += [("workflow", cron) for cron in schedules if repr(cron) in report_if or f"'{cron}'" in report_if]
    return found


def test_every_scheduled_report_runs_after_its_quarters_return_by_date():
    from helpers import quarters
    from helpers.cycle import return_by

    lines = _report_cron_lines()
    assert [where for where, _ in lines] == ["README", "workflow"]
    for where, cron in lines:
        _, _, day, months, _ = cron.split()
        for q in quarters.quarters_between(quarters.parse_quarter("2024/25 Q1"), quarters.parse_quarter("2039/40 Q4")):
            end = quarters.end(q)
            month, year = end.month % 12 + 1, end.year + (end.month == 12)
            assert str(month) in months.split(","), f"{where}: no run in the month after {quarters.label(q)}"
            assert dt.date(year, month, int(day)) > return_by(q), f"{where}: runs before {quarters.label(q)}'s returns"


def test_the_workflow_keeps_its_schedule_enabled_and_reports_a_failure():
    import yaml

    workflow = yaml.safe_load((config.PROJECT_ROOT / ".github/workflows/quarterly-report.yml").read_text())
    keepalive = workflow["jobs"]["keepalive"]
    cron = next(c["cron"] for c in workflow[True]["schedule"] if c["cron"] in keepalive["if"])
    assert cron.split()[2:4] == ["1", "*"]  # every month: well inside GitHub's 60 days
    assert keepalive["permissions"] == {"actions": "write"}
    assert "/enable" in keepalive["steps"][0]["run"]
    notice = [s for s in workflow["jobs"]["report"]["steps"] if "failure()" in str(s.get("if", ""))]
    assert notice and "gh issue create" in notice[0]["run"]


# --- When returns were collected: in the report, and in a scheduled run's log ----------------------------


def test_the_report_says_whether_the_quarters_returns_are_collected(data_copy: Path):
    from helpers.collection_status import collection_warning, sentence

    # 2024/25 Q1 ends on Sunday 30 June 2024: its forms are due back ten working days later, Friday 12 July.
    assert sentence("2024/25 Q1") == "Update forms: none have come back for 2024/25 Q1 (due back by 12 July 2024)."
    assert "no returns collected" in collection_warning("2024/25 Q1")
    returns = data_copy / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    for name in ("Cabinet--A-Council--2024-25-Q1.xlsx", "Finance--A-Council--2024-25-Q1.xlsx"):
        (returns / name).write_bytes(b"")  # returned; collect has not read them
    assert sentence("2024/25 Q1") == (
        "Update forms: 2 have come back but are not collected yet, so this report has none of their updates "
        "(due back by 12 July 2024)."
    )
    assert collection_warning("2024/25 Q1").startswith("2024/25 Q1: 2 returned form(s) are not collected yet")
    (data_copy / "updates" / "2024-25-Q1.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,source,collected_on\n"
        "2021-finance,5,In progress,On track.,2024-07-01,returns/2024-25-Q1/Cabinet--A-Council--2024-25-Q1.xlsx:Updates!2,"
        "2024-07-15\n"
        "2021-finance,6,Complete,Done.,2024-07-02,returns/2024-25-Q1/Cabinet--A-Council--2024-25-Q1.xlsx:Updates!3,"
        "2024-07-16\n"
        "2021-finance,7,In progress,Typed in.,2024-06-28,,\n",
        encoding="utf-8",
    )
    assert sentence("2024/25 Q1") == (
        "Update forms: 2 updates from 1 of 2 returned forms collected between 15 July 2024 and 16 July 2024 "
        "(due back by 12 July 2024). 1 update typed in by hand."
    )
    assert collection_warning("2024/25 Q1") is None


def test_a_scheduled_run_says_in_its_log_when_no_returns_are_collected(data_copy: Path, tmp_path: Path, monkeypatch):
    from helpers import quarters
    from helpers.cycle import return_by

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    latest = quarters.latest_completed()
    result = run_module("report", "--scheduled", "--no-pdf", data=data_copy)
    if dt.date.today() <= return_by(latest):  # the days between a quarter's end and its return-by date
        assert result.returncode == 1 and "waits for its returns" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {quarters.label(latest)}: no returns collected")
    page = (tmp_path / "reports" / quarters.slug(latest) / "report.html").read_text(encoding="utf-8")
    assert f"Update forms: none have come back for {quarters.label(latest)}" in page  # and the report says so
