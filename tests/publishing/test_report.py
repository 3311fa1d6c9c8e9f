"""The report command: what it runs, failures, escaping, the executed notebook kept, PDFs only when needed, index."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import council_of, run_module
from helpers.base import config
from helpers.base.errors import InputError
from helpers.publishing.index import write_index
from helpers.publishing.report import check_scheduled, run_quarter, runs
from made_up_reviews import expected_audiences, folder_part

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.slow  # a whole report
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


def _reviews_csv() -> dict[str, dict[str, str]]:
    import csv

    with (config.processed_dir() / "reviews.csv").open(encoding="utf-8", newline="") as f:
        return {row["review_id"]: row for row in csv.DictReader(f)}


@pytest.mark.slow  # a whole report
def test_report_is_self_contained_with_title_and_as_at_date(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    council = council_of("2021-finance")
    assert f"Peer review recommendations: progress report 2023/24 Q4 \u2013 {council}" in page
    assert "as at 31 March 2024" in page
    assert page.count('src="data:image/svg+xml;base64,') >= 3  # status, themes, workload charts
    import re

    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", page)
    assert external == []  # opens offline: nothing fetched from the network
    assert "from helpers import" not in page and 'class="jp-CodeMirrorEditor' not in page  # no code
    summary = json.loads(hostile_report.with_name("summary.json").read_text(encoding="utf-8"))
    for review in summary["reviews"]:  # each review says how much of its plan is transcribed
        row = _reviews_csv()[review["id"]]
        if row["recommendations_expected"].isdigit():
            assert f"{row['recommendations_transcribed']} of {row['recommendations_expected']} recommendations" in page
    assert "No progress reported since the plan" in page  # missing data said plainly


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
        (["--from-env", "--reviews", "2021-finance"], "--from-env reads COUNCIL, REVIEWS and MEETING_DATE"),
        (["--from-env", "--council", "Nowhere Council"], "--from-env reads COUNCIL, REVIEWS and MEETING_DATE"),
        (["--council", "Nowhere Council"], "COUNCIL 'Nowhere Council' is not a council in the review metadata"),
    ],
)
def test_bad_parameters_stop_before_any_notebook_runs(tmp_path: Path, monkeypatch, args, message):
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    result = run_module("helpers.publishing.report", *args)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def _quarter_of(day: dt.date) -> str:
    """The financial-year quarter of a day, worked out by hand: Q1 = April-June."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}/{(year + 1) % 100:02d} Q{(day.month - 4) % 12 // 3 + 1}"


def test_what_to_run_is_quarters_times_councils_and_committees_to_folders(tmp_path: Path):
    from helpers.base import quarters

    today = dt.date(2024, 5, 2)  # in 2024/25 Q1, so 2023/24 Q4 is the latest completed quarter
    audiences = expected_audiences(config.data_dir())
    tracked = {r: dt.date.fromisoformat(row["tracked_from"]) for r, row in _reviews_csv().items()}

    def counting(label: str) -> set[tuple[str, str]]:
        end = quarters.end(quarters.parse_quarter(label))
        return {key for key, ids in audiences.items() if any(tracked[r] <= end for r in ids)}

    latest = runs(None, False, None, tmp_path, today=today)
    assert {(r.quarter, r.council, r.committee) for r in latest} == {("2023/24 Q4", *k) for k in counting("2023/24 Q4")}
    for run in latest:
        assert run.folder == tmp_path / "2023-24-Q4" / f"{folder_part(run.council)}--{folder_part(run.committee)}"
        assert set(run.reviews) == set(audiences[(run.council, run.committee)]) and not run.selection
    every = runs(None, True, None, tmp_path, today=today)
    first = _quarter_of(min(tracked.values()))  # the first plan's quarter, through 2023/24 Q4
    assert every[0].quarter == first and every[-1].quarter == "2023/24 Q4"
    span = quarters.quarters_between(quarters.parse_quarter(first), quarters.parse_quarter("2023/24 Q4"))
    labels = [quarters.label(q) for q in span]
    assert len(every) == sum(len(counting(label)) for label in labels)
    later = runs(None, True, "2022-progress", tmp_path, today=today)  # one id as text: a selection
    assert later[0].quarter == "2022/23 Q4"  # its plan was approved on 28 February 2023
    assert {r.reviews for r in later} == {("2022-progress",)} and all(r.selection for r in later)
    council, committee = next(k for k, ids in audiences.items() if "2022-progress" in ids)
    full = tmp_path / "2022-23-Q4" / f"{folder_part(council)}--{folder_part(committee)}"
    assert later[0].folder == full.with_name(full.name + "--2022-progress")  # beside the full report, never over it
    [one] = runs("2023-24 Q4", False, ["2022-progress", "2021-finance"], tmp_path, today=today)
    assert one.quarter == "2023/24 Q4"
    if set(audiences[(council, committee)]) > {"2021-finance", "2022-progress"}:
        assert one.folder.name == f"{full.name}--2021-finance-2022-progress"


def test_a_scheduled_run_waits_for_the_return_by_date():
    # 2024/25 Q1 ends on Sunday 30 June 2024; ten working days later is Friday 12 July.
    with pytest.raises(InputError, match="waits for its returns, due by 12 July 2024"):
        check_scheduled(dt.date(2024, 7, 12))
    assert check_scheduled(dt.date(2024, 7, 13)) == "2024/25 Q1"


def _fake_report(out: Path, quarter: str, council: str, committee: str, **summary) -> Path:
    from helpers.publishing.report_folder import report_folder

    folder = report_folder(out, quarter, council, committee)
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("x")
    record = {"quarter": quarter, "council": council, "committee": committee, **summary}
    (folder / "summary.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_index_lists_each_councils_reports_newest_first(tmp_path: Path):
    for quarter in ["2022/23 Q4", "2023/24 Q4", "2023/24 Q1"]:
        _fake_report(tmp_path, quarter, "Wessex Vale District Council", "Overview & Scrutiny Committee")
    _fake_report(tmp_path, "2023/24 Q2", "Arden Borough Council", "")
    (tmp_path / "_failed").mkdir()
    (tmp_path / "2023-24-Q4" / "forms").mkdir()  # a quarter's forms live beside its reports
    page = write_index(tmp_path).read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert [h.get_text() for h in soup.find_all("h2")] == ["Arden Borough Council", "Wessex Vale District Council"]
    wessex = soup.find_all("ul", class_="reports")[1]
    links = [a.get_text() for a in wessex.select("li > a:first-of-type")]
    assert links == [f"{q}: Overview & Scrutiny Committee" for q in ["2023/24 Q4", "2023/24 Q1", "2022/23 Q4"]]
    assert 'href="2023-24-Q4/Wessex-Vale-District-Council--Overview-and-Scrutiny-Committee/report.html"' in page
    arden = soup.find_all("ul", class_="reports")[0].get_text(" ")
    assert "2023/24 Q2: committee not named" in arden and "the the" not in arden
    assert "_failed" not in page and "forms" not in page
    assert 'aria-label="Councils"' in page  # with several councils, a list of them first


def test_index_counts_actions_and_keeps_untranscribed_recommendations_apart(tmp_path: Path):
    _fake_report(
        tmp_path,
        "2023/24 Q4",
        "Arden Borough Council",
        "Cabinet",
        counts={"Complete": 3, "Target passed, no update": 53},
        total=56,
        total_unit="actions",
        data_gaps={"Not transcribed (recommendations)": 9},
    )
    _fake_report(tmp_path, "2023/24 Q3", "Arden Borough Council", "Cabinet", counts={"Complete": 3}, total=12)
    text = " ".join(BeautifulSoup(write_index(tmp_path).read_text(), "html.parser").get_text(" ").split())
    assert "56 actions: Complete: 3 · Target passed, no update: 53" in text
    assert "A data gap, not counted in the actions: Not transcribed (recommendations): 9" in text
    assert "65" not in text
    assert "total 12" not in text and "12 actions" not in text  # a summary that does not say its unit: no total


# --- What the HTML leaves out, and what it adds -------------------------------------------------


@pytest.mark.slow  # a whole report
def test_parameter_cells_leave_no_trace_and_nothing_is_a_needless_tab_stop(hostile_report: Path):
    page = hostile_report.read_text(encoding="utf-8")
    assert "QUARTER" not in page and "REVIEWS" not in page and "COUNCIL" not in page and "# Parameters" not in page
    assert "tabindex" not in page
    assert 'class="anchor-link"' not in page and "\u00b6</a>" not in page
    assert page.count('class="jp-Cell ') == page.count("jp-OutputArea-output") or "jp-Cell" in page
    import re

    empty_outputs = re.findall(r'<div class="jp-OutputArea jp-Cell-outputArea">\s*</div>', page)
    assert empty_outputs == []


@pytest.mark.slow  # a whole report
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


# --- Summary for the index, and MEETING_DATE only for notebooks that declare it -----------------


@pytest.mark.slow  # a whole report
def test_summary_json_feeds_the_index_and_the_meeting_date_reaches_the_report(tmp_path: Path):
    out = tmp_path / "reports"
    council = council_of("2021-finance")
    path = run_quarter("2023/24 Q4", None, out_root=out, meeting_date="2024-05-14", council=council)
    page = path.read_text(encoding="utf-8")
    assert "14 May 2024" in page  # the front matter's meeting date
    summary = json.loads((path.parent / "summary.json").read_text())
    assert summary["quarter"] == "2023/24 Q4" and summary["council"] == council
    committee = next(m for (c, m), ids in expected_audiences(config.data_dir()).items() if "2021-finance" in ids)
    assert summary["committee"] == committee and summary["selection"] is None
    assert "data/processed/actions.csv" in summary["inputs"]["files"]  # the data it was made from
    assert sum(summary["counts"].values()) == summary["total"]  # every status and gap, adding up
    # 2021 #23 and 2022 #2 say "Complete" as their target; 2021 #38 has no response and no lead.
    assert summary["counts"]["Complete"] >= 2 and summary["counts"]["No action recorded"] == 1
    index = write_index(out).read_text(encoding="utf-8")
    assert f"Complete: {summary['counts']['Complete']}" in index
    assert '"counts"' not in page  # the summary is data for the index, not shown in the report


def test_index_lists_reports_without_summaries_and_of_the_earlier_layout(tmp_path: Path):
    (tmp_path / "2023-24-Q4").mkdir()
    (tmp_path / "2023-24-Q4" / "report.html").write_text("x")  # before reports were per council
    (tmp_path / "2023-24-Q3--2021-finance").mkdir()
    (tmp_path / "2023-24-Q3--2021-finance" / "report.html").write_text("x")
    bare = tmp_path / "2023-24-Q4" / "Arden-Borough-Council--Cabinet"
    bare.mkdir()
    (bare / "report.html").write_text("x")  # no summary.json: its folder's name is all there is
    page = write_index(tmp_path).read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert [h.get_text() for h in soup.find_all("h2")] == ["Arden Borough Council", "Earlier reports"]
    assert 'href="2023-24-Q4/report.html"' in page and 'href="2023-24-Q3--2021-finance/report.html"' in page
    stale = soup.find(class_="stale").get_text(" ")
    assert "does not record the data it was made from" in stale
    assert 'make report QUARTER="2023/24 Q4" COUNCIL="Arden Borough Council"' in stale
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
    result = run_module("helpers.publishing.report", "--quarter", "2023/24 Q4", "--no-pdf")
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
    result = run_module("helpers.publishing.report", "--quarter", "2023/24 Q4", "--no-pdf")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "a-file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # a whole report
def test_from_env_reads_quarter_council_and_reviews(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("QUARTER", "2023/24 Q5")
    result = run_module("helpers.publishing.report", "--from-env")
    assert result.returncode == 1 and "QUARTER '2023/24 Q5' is not like" in result.stderr
    monkeypatch.setenv("QUARTER", "2023/24 Q4")
    monkeypatch.setenv("REVIEWS", "2021-finance, 2020-budget")
    result = run_module("helpers.publishing.report", "--from-env")
    assert result.returncode == 1 and "REVIEWS '2020-budget' is not a known review id" in result.stderr
    monkeypatch.setenv("REVIEWS", "")
    monkeypatch.setenv("COUNCIL", "Nowhere Council")
    result = run_module("helpers.publishing.report", "--from-env")
    assert result.returncode == 1 and "COUNCIL 'Nowhere Council' is not a council" in result.stderr
    assert not (tmp_path / "reports").exists()


# --- The schedule comes after the data ---------------------------------------------------------------


def _report_cron_lines() -> list[tuple[str, str]]:
    """(where, "minute hour day months weekday") for the cron line docs/scheduling.md shows and the workflow's report
    schedule."""
    import re

    import yaml

    page = (config.PROJECT_ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    found = [("docs/scheduling.md", m) for m in re.findall(r"^\s*(\d+ \d+ \d+ [\d,]+ \*) cd ", page, re.M)]
    workflow = yaml.safe_load((config.PROJECT_ROOT / ".github/workflows/quarterly-report.yml").read_text())
    schedules = [entry["cron"] for entry in workflow[True]["schedule"]]  # YAML reads `on:` as true
    report_if = workflow["jobs"]["report"]["if"]
    found += [("workflow", cron) for cron in schedules if repr(cron) in report_if or f"'{cron}'" in report_if]
    return found


def test_every_scheduled_report_runs_after_its_quarters_return_by_date():
    from helpers.base import quarters
    from helpers.cycle.quarter_returns import return_by

    lines = _report_cron_lines()
    assert [where for where, _ in lines] == ["docs/scheduling.md", "workflow"]
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


def test_the_report_says_whether_the_quarters_returns_are_collected(data_copy: Path, tmp_path: Path, monkeypatch):
    from helpers.cycle.collection_status import collection_warning, sentence

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))  # no forms made for any quarter

    # 2024/25 Q1 ends on Sunday 30 June 2024: its forms are due back ten working days later, Friday 12 July.
    # No forms made for the quarter (no chase list) and none back: nothing was asked of any lead, and it says so.
    assert sentence("2024/25 Q1") == "Update forms: none were made for 2024/25 Q1, so no returns are expected."
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


def test_each_report_counts_only_its_own_councils_forms_and_updates(data_copy: Path, tmp_path: Path, monkeypatch):
    """Forms went to three leads of one council and one of another; the first council's report counts its own
    leads and its own reviews' updates only, and says how many leads have not returned."""
    from types import SimpleNamespace

    import pandas as pd

    from helpers.cycle.collection_status import sentence

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    forms = tmp_path / "reports" / "2024-25-Q1" / "forms"
    forms.mkdir(parents=True)
    (forms / "chase-list.csv").write_text(
        "council,lead,open_actions,form,returned,return_file,rows_collected,note\n"
        "Alpha Council,Cabinet,2,Cabinet--Alpha-Council--2024-25-Q1.xlsx,no,,0,\n"
        "Alpha Council,Finance,1,Finance--Alpha-Council--2024-25-Q1.xlsx,no,,0,\n"
        "Alpha Council,Planning,1,Planning--Alpha-Council--2024-25-Q1.xlsx,no,,0,\n"
        "Beta Council,Cabinet,1,Cabinet--Beta-Council--2024-25-Q1.xlsx,no,,0,\n"
        "Beta Council,Planning,0,Planning--Beta-Council--2024-25-Q1.xlsx,not needed,,0,decisions only\n",
        encoding="utf-8",
    )
    returns = data_copy / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    for name in ("Cabinet--Alpha-Council--2024-25-Q1.xlsx", "Cabinet--Beta-Council--2024-25-Q1.ods"):
        (returns / name).write_bytes(b"")  # each known by its form's name (an .ods counts as returned)
    (data_copy / "updates" / "2024-25-Q1.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,source,collected_on\n"
        "alpha-cpc,5,In progress,On track.,2024-07-01,returns/2024-25-Q1/Cabinet--Alpha-Council--2024-25-Q1.xlsx:"
        "Updates!2,2024-07-15\n"
        "beta-cpc,1,Complete,Done.,2024-07-02,returns/2024-25-Q1/Cabinet--Beta-Council--2024-25-Q1.xlsx:Updates!2,"
        "2024-07-16\n",
        encoding="utf-8",
    )
    alpha = SimpleNamespace(review_ids=["alpha-cpc"], reviews=pd.DataFrame({"council": ["Alpha Council"]}))
    assert sentence("2024/25 Q1", alpha) == (
        "Update forms: 1 of 3 leads sent a form returned it (due back by 12 July 2024); 1 update collected from "
        "them on 15 July 2024. 2 have not returned theirs: their actions show no update from this quarter's forms."
    )
    beta = SimpleNamespace(review_ids=["beta-cpc"], reviews=pd.DataFrame({"council": ["Beta Council"]}))
    assert sentence("2024/25 Q1", beta) == (
        "Update forms: 1 of 1 lead sent a form returned it (due back by 12 July 2024); 1 update collected from "
        "them on 16 July 2024."
    )
    gamma = SimpleNamespace(review_ids=["gamma-cpc"], reviews=pd.DataFrame({"council": ["Gamma Council"]}))
    assert (
        sentence("2024/25 Q1", gamma) == "Update forms: none were sent for 2024/25 Q1, as no lead had an open action."
    )


@pytest.mark.slow  # a whole report
def test_a_scheduled_run_says_in_its_log_when_no_returns_are_collected(data_copy: Path, tmp_path: Path, monkeypatch):
    from helpers.base import quarters
    from helpers.cycle.quarter_returns import return_by

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    latest = quarters.latest_completed()
    result = run_module("helpers.publishing.report", "--scheduled", "--no-pdf", data=data_copy)
    if dt.date.today() <= return_by(latest):  # the days between a quarter's end and its return-by date
        assert result.returncode == 1 and "waits for its returns" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {quarters.label(latest)}: no returns collected")
    pages = list((tmp_path / "reports" / quarters.slug(latest)).glob("*/report.html"))
    assert pages  # one for each council and committee whose reviews count by then
    for page in pages:  # and each report says so
        # no forms were made for the quarter here, so none is said to be missing
        assert f"Update forms: none were made for {quarters.label(latest)}" in page.read_text(encoding="utf-8")


def test_a_meeting_date_is_for_one_committees_report_on_one_quarter(tmp_path: Path):
    from helpers.committee.parameters import ParameterError
    from helpers.publishing.report import one_meeting
    from helpers.publishing.report_run import Run

    alpha = Run("2024/25 Q1", "Alpha Council", "Audit Committee", ("a",), tmp_path / "a")
    beta = Run("2024/25 Q1", "Beta Council", "", ("b",), tmp_path / "b")
    one_meeting([alpha])  # one committee, one quarter: fine
    with pytest.raises(ParameterError) as caught:
        one_meeting([alpha, beta])
    assert str(caught.value).startswith("MEETING_DATE is one committee's meeting, but this run writes reports for 2 ")
    assert "Alpha Council, Audit Committee; Beta Council, committee not named" in str(caught.value)
    later = Run("2024/25 Q2", "Alpha Council", "Audit Committee", ("a",), tmp_path / "c")
    with pytest.raises(ParameterError, match="one meeting about one quarter"):
        one_meeting([alpha, later])


def test_the_command_not_the_paper_tells_the_analyst_which_settings_a_council_lacks(tmp_path: Path, capsys):
    from helpers.publishing.report import _note_settings_gaps
    from helpers.publishing.report_run import Run

    # data/report.yaml gives Dorset Council an author_role and implications; Test Valley no block: defaults,
    # which give neither.
    _note_settings_gaps(Run("2024/25 Q1", "Dorset Council", "Audit and Governance Committee", ("a",), tmp_path))
    assert capsys.readouterr().out == ""
    _note_settings_gaps(Run("2024/25 Q1", "Test Valley Borough Council", "", ("b",), tmp_path))
    said = capsys.readouterr().out
    assert said.startswith("note: 2024/25 Q1, Test Valley Borough Council, committee not named: data/report.yaml ")
    assert "gives no author_role or covering.implications for Test Valley Borough Council" in said


def test_before_the_return_by_date_leads_yet_to_return_are_not_said_to_have_failed(
    data_copy: Path, tmp_path, monkeypatch
):
    """2024/25 Q1's forms are due back by Friday 12 July 2024 (ten working days after 30 June). An interim report
    made on 25 June, or a report made on 11 July, counts the returns so far; from 12 July those missing are named."""
    from types import SimpleNamespace

    import pandas as pd

    from helpers.cycle.collection_status import sentence

    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    forms = tmp_path / "reports" / "2024-25-Q1" / "forms"
    forms.mkdir(parents=True)
    (forms / "chase-list.csv").write_text(
        "council,lead,open_actions,form,returned,return_file,rows_collected,note\n"
        + "".join(f"Alpha Council,{lead},1,{lead}--Alpha-Council--2024-25-Q1.xlsx,no,,0,\n" for lead in "ABC"),
        encoding="utf-8",
    )
    returns = data_copy / "updates" / "returns" / "2024-25-Q1"
    returns.mkdir(parents=True)
    (returns / "A--Alpha-Council--2024-25-Q1.xlsx").write_bytes(b"")  # one of three back, not collected
    reviews = pd.DataFrame({"council": ["Alpha Council"]})
    interim = SimpleNamespace(review_ids=["alpha-cpc"], reviews=reviews, as_of=dt.date(2024, 6, 25))
    so_far = (
        "Update forms: 1 of 3 leads sent a form returned it so far; not collected yet, so this report has none of "
        "their updates; returns are due by 12 July 2024."
    )
    assert sentence("2024/25 Q1", interim) == so_far
    final = SimpleNamespace(review_ids=["alpha-cpc"], reviews=reviews, as_of=None)
    assert sentence("2024/25 Q1", final, today=dt.date(2024, 7, 11)) == so_far
    assert sentence("2024/25 Q1", final, today=dt.date(2024, 7, 12)) == (
        "Update forms: 1 of 3 leads sent a form returned it (due back by 12 July 2024); not collected yet, so this "
        "report has none of their updates. 2 have not returned theirs: their actions show no update from this "
        "quarter's forms."
    )
