"""The committee report states the right figures for another quarter and a single review (issue 19).

nbval checks notebook 04 with its default parameters only. Here papermill runs it for
QUARTER = "2022/23 Q2" and REVIEWS = ["2021-finance"], on a copy of data/ with no
progress updates and no decisions, so that every figure follows from the published
action plan alone. The expectations are worked out from that plan in
data/raw with a deliberately simple reading of its table, not from helpers:

- each numbered row of the plan's table is one recommendation with one action
  (its columns, from the review's metadata, have no separate action column);
- the Timeline cell (after data/corrections.csv) is "Complete" (complete as the
  plan says), "Ongoing", a month or a season with a year (the month's last day;
  a season's last month as data/vocabulary.yaml says), or blank;
- a blank target with a response that is only "See N" / "As N" takes N's status;
  a row with no response and no lead records no action; any other blank target
  has no target date;
- with nothing reported, a target before the quarter end has passed with no
  update; on or after it the action is not yet due, and it is due next when the
  target is no later than the next quarter's end.

By hand, for the record (2021 plan, 48 rows): 2 complete (23, 26); 20 past target
(19 dated October 2021 to March 2022 or Autumn 2021, and 43 "As 41."); 1 not yet due,
and due next quarter (20, December 2022); 22 ongoing (20 "Ongoing", 13 "See 7",
36 "See 35."); 2 without a target date (42, and 46 whose Timeline cell repeats its
Lead); 1 with no action recorded (38). The test computes these from the document.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
import shutil

import papermill as pm
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import PROJECT, run_module

REVIEW = "2021-finance"
QUARTER = "2022/23 Q2"  # financial year 2022/23, second quarter: July to September 2022
QUARTER_END = dt.date(2022, 9, 30)
NEXT_QUARTER_END = dt.date(2022, 12, 31)  # 2022/23 Q3 ends with December
MONTHS = {calendar.month_name[n].lower(): n for n in range(1, 13)}

COMPLETE, NOT_YET_DUE, ONGOING, NO_TARGET = "complete", "not-yet-due", "ongoing", "no-target"
NOT_REPORTED, NO_ACTION = "not-reported", "no-action"


# --- The plan, read simply -----------------------------------------------------------------------


def _metadata() -> dict:
    return yaml.safe_load((PROJECT / "data" / "reviews" / f"{REVIEW}.yaml").read_text(encoding="utf-8"))


def plan_rows() -> dict[str, dict[str, str]]:
    """{recommendation number: {column: cell}} from the raw document's action-plan table."""
    spec = _metadata()["action_plan_table"]
    lines = (PROJECT / "data" / "raw" / spec["file"]).read_text(encoding="utf-8").splitlines()
    start = lines.index(spec["header"].replace("\\t", "\t")) + 1
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start:]:
        if line.strip() and "\t" not in line:
            break  # the table ends at the first line of plain text
        cells = line.split("\t")
        number = re.fullmatch(r"(\d+)\.?", cells[0].strip())
        if number:  # section headings and continuation lines have no number in the first cell
            cells += [""] * (len(spec["columns"]) - len(cells))
            rows[number.group(1)] = {col: cell.strip() for col, cell in zip(spec["columns"], cells, strict=False)}
    return rows


def corrected_targets() -> dict[str, str]:
    """{action: target} for the target cells data/corrections.csv corrects in this review."""
    with (PROJECT / "data" / "corrections.csv").open(encoding="utf-8", newline="") as f:
        return {
            r["action_ref"]: r["corrected_value"]
            for r in csv.DictReader(f)
            if r["review_id"] == REVIEW and r["field"] == "target"
        }


def season_last_months() -> dict[str, tuple[int, bool]]:
    seasons = yaml.safe_load((PROJECT / "data" / "vocabulary.yaml").read_text(encoding="utf-8"))["targets"]["seasons"]
    return {name: (spec["last_month"], bool(spec.get("next_year"))) for name, spec in seasons.items()}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def expected_statuses() -> tuple[dict[str, str], dict[str, dt.date]]:
    """({action: status id} as at QUARTER_END with nothing reported since the plan, {action: target date})."""
    rows = plan_rows()
    targets = {ref: row["target"] for ref, row in rows.items()} | corrected_targets()
    seasons = season_last_months()
    status, follows, due_dates = {}, {}, {}
    for ref, row in rows.items():
        target = targets[ref]
        words = target.lower().split()
        pointer = re.fullmatch(r"(?:See|As) (\d+)\.?", row["response"])
        if target == "Complete":
            status[ref] = COMPLETE
        elif target == "Ongoing":
            status[ref] = ONGOING
        elif not target and pointer:
            follows[ref] = pointer.group(1)
        elif not target:
            status[ref] = NO_ACTION if not row["response"] and not row["lead"] else NO_TARGET
        elif len(words) == 2 and words[1].isdigit() and (words[0] in MONTHS or words[0] in seasons):
            year = int(words[1])
            if words[0] in MONTHS:
                due = month_end(year, MONTHS[words[0]])
            else:
                last, next_year = seasons[words[0]]
                due = month_end(year + next_year, last)
            due_dates[ref] = due
            status[ref] = NOT_REPORTED if due < QUARTER_END else NOT_YET_DUE
        else:
            pytest.fail(f"the test's reading of the plan does not know the target {target!r} (row {ref})")
    for ref, other in follows.items():
        status[ref] = status[other]
        if other in due_dates:
            due_dates[ref] = due_dates[other]
    return status, due_dates


# --- The report, run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict[str, str]:
    """Notebook 04 run for QUARTER and REVIEW on a copy of data/ without updates or decisions:
    {part of the notebook's source: its HTML output}."""
    root = tmp_path_factory.mktemp("figures")
    data = root / "data"
    shutil.copytree(PROJECT / "data", data)
    for folder in ("updates", "decisions"):
        for logged in (data / folder).glob("*.csv"):
            logged.unlink()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(data))
        extracted = run_module("helpers.plans.extract", "--check", data=data)
        assert extracted.returncode == 0, extracted.stdout + extracted.stderr
        nb = pm.execute_notebook(
            str(PROJECT / "notebooks" / "04-quarterly-report.ipynb"),
            str(root / "report.ipynb"),
            parameters={"QUARTER": QUARTER, "REVIEWS": [REVIEW]},
            progress_bar=False,
            engine_name="reuse-kernel",
            cwd=str(PROJECT / "notebooks"),
        )
    return {
        cell.source: "".join(o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {}))
        for cell in nb.cells
        if cell.cell_type == "code"
    }


def output_of(report: dict[str, str], call: str) -> BeautifulSoup:
    """The HTML output of the one cell whose source calls `call`."""
    found = [out for source, out in report.items() if call in source]
    assert len(found) == 1, f"test set-up: {len(found)} cells of notebook 04 call {call}"
    return BeautifulSoup(found[0], "html.parser")


def labels() -> dict[str, str]:
    statuses = yaml.safe_load((PROJECT / "data" / "vocabulary.yaml").read_text(encoding="utf-8"))["statuses"]
    return {sid: spec["label"] for sid, spec in statuses.items()}


def expected_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for sid in expected_statuses()[0].values():
        counts[sid] = counts.get(sid, 0) + 1
    return counts


def refs_listed(soup: BeautifulSoup) -> list[str]:
    """The Ref cell of every row of every table in a section."""
    refs = []
    for table in soup.find_all("table"):
        heads = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
        at = heads.index("Ref")
        rows = [tr for tr in table.tbody.find_all("tr") if "group" not in tr.get("class", [])]  # a review's name
        refs += [tr.find_all(["td", "th"])[at].get_text(" ", strip=True) for tr in rows]
    return refs


# --- The figures --------------------------------------------------------------------------------


def test_the_plan_reads_as_one_action_per_numbered_row():
    # The simple reading must itself agree with the document: every recommendation it expects, numbered 1 to N.
    rows = plan_rows()
    assert list(rows) == [str(n) for n in range(1, _metadata()["recommendations_expected"] + 1)]


def test_the_headline_states_each_status_count_worked_out_from_the_plan(report):
    headline = output_of(report, "summary.headline(").get_text(" ", strip=True)
    counts, named = expected_counts(), labels()
    total = sum(counts.values())
    assert f"As at {QUARTER_END.day} {QUARTER_END:%B %Y}, {total} actions are tracked" in headline
    stated = {
        sid: int(m.group(1))
        for sid, label in named.items()
        if (m := re.search(rf"(\d+) {re.escape(label.lower())}\b", headline))
    }
    assert stated == counts, headline


def test_the_summary_by_review_states_actions_share_complete_and_each_status(report):
    table = output_of(report, "summary.review_summary(").find("table")
    rows = {tr.th.get_text(" ", strip=True): tr.td.get_text(" ", strip=True) for tr in table.tbody.find_all("tr")}
    counts, named = expected_counts(), labels()
    total = sum(counts.values())
    assert rows["Actions tracked"] == str(total)
    assert rows["Share complete"] == f"{int(100 * counts.get(COMPLETE, 0) / total + 0.5)}%"  # half up, as a reader
    assert {sid: int(rows[named[sid]]) for sid in counts} == counts
    assert [r for sid, r in named.items() if sid not in counts and r in rows and rows[r] != "0"] == []


def test_the_past_target_section_lists_exactly_the_actions_whose_target_has_passed(report):
    expected = [ref for ref, sid in expected_statuses()[0].items() if sid == NOT_REPORTED]
    listed = refs_listed(output_of(report, "action_tables.overdue("))
    assert sorted(listed, key=int) == sorted(expected, key=int)


def test_the_due_next_section_lists_exactly_the_actions_due_by_the_next_quarter_end(report):
    statuses, due = expected_statuses()
    expected = [r for r, sid in statuses.items() if sid == NOT_YET_DUE and due[r] <= NEXT_QUARTER_END]
    listed = refs_listed(output_of(report, "action_tables.due_next("))
    assert sorted(listed, key=int) == sorted(expected, key=int)


def test_the_appendix_lists_every_action_once(report):
    listed = refs_listed(output_of(report, "Every action"))
    assert sorted(listed, key=int) == sorted(plan_rows(), key=int)


def test_the_report_says_nothing_was_reported_or_decided(report):
    # No updates and no decisions in this copy: the sections that list them say so, with no rows.
    assert output_of(report, "changes_section.changes_html(").find_all("tr") == []
    assert output_of(report, "decision_tables.decision_history_html(").find_all("tr") == []
