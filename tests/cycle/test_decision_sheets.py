"""A whole committee cycle, scripted as a council would run it, on a copy of the shipped data:

2024/25 Q1: forms out; returns in with a revision request (2021-finance 31), a
completion with evidence (33), a second revision request (41) and a shared action
whose two leads disagree (45); collect; the report and its decision section; the
decision sheet made, filled after a meeting on 12 September 2024 and recorded.
2024/25 Q2: the report shows the agreed target as current, the refused request
as refused, the closure with its evidence and the decisions in each action's
history.

Expectations are worked out from the action plan (data/raw, 2021 Appendix 1:
31 "March 2022", 33 "November 2021", 41 "February 2022"; 45 led by Children's
Services and the Children's Accountancy Team), the returns below and the rules
in README ("Status rules", "The committee decides") and data/report.yaml.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from real_forms import L

from conftest import PROJECT
from conftest import run_on as run
from helpers.cycle.form_layout import column_letter

Q1, Q2 = "2024/25 Q1", "2024/25 Q2"
SLUG1, SLUG2 = "2024-25-Q1", "2024-25-Q2"
MEETING = "12 September 2024"  # as the sheet asks (a date in figures that reads both ways is sent back)
FILL = {
    # (lead, action): (status, comment, date of update, revised target, reason, evidence)
    ("Corporate Services Leadership Team", "31"): (
        "In progress",
        "Survey designed.\nFieldwork delayed.",
        dt.datetime(2024, 6, 20),
        "March 2025",
        "Fieldwork delayed by the restructure.",
        "",
    ),
    ("Corporate Director Finance & Commercial", "33"): (
        "Complete",
        "Training delivered to all budget managers.",
        dt.datetime(2024, 6, 14),
        "",
        "",
        "https://example.org/training-log",
    ),
    ("Senior Leadership Team (SLT)", "41"): (
        "Behind schedule",
        "Delayed by the budget cycle.",
        dt.datetime(2024, 6, 28),
        "Q4 2024/25",
        "Waiting for the budget cycle.",
        "",
    ),
    ("Children's Services", "45"): ("Complete", "Done.", dt.datetime(2024, 6, 30), "", "", ""),
    ("Children's Accountancy Team", "45"): (
        "In progress",
        "Waiting on the DfE's reply before we can say more.",
        dt.datetime(2024, 6, 30),
        "",
        "",
        "",
    ),
}


def _about(book) -> dict[str, str]:
    return {str(row[0].value): str(row[1].value) for row in book["About"].iter_rows(max_row=8) if row[0].value}


def _fill_returns(root: Path) -> None:
    """Each lead fills their own form as FILL says, and saves it in the returns folder."""
    returns = root / "data" / "updates" / "returns" / SLUG1
    returns.mkdir(parents=True, exist_ok=True)
    leads = {lead for lead, _ in FILL}
    for path in sorted((root / "reports" / SLUG1 / "forms").glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        lead = _about(book)["lead"]
        if lead not in leads:
            continue
        sheet = book["Updates"]
        for r in range(2, sheet.max_row + 1):
            key = (lead, str(sheet[f"{L['action_ref']}{r}"].value))
            if sheet[f"{L['review_id']}{r}"].value != "2021-finance" or key not in FILL:
                continue
            for column, value in zip(
                ("status", "comment", "updated_on", "revised_target", "revision_reason", "evidence"),
                FILL[key],
                strict=True,
            ):
                if value:
                    sheet[f"{L[column]}{r}"] = value
        book.save(returns / path.name)


def _sheet_for(root: Path, review_id: str) -> Path:
    """The decision sheet (one per council and committee) whose requests include the review's actions."""
    for path in sorted((root / "reports" / SLUG1 / "decisions").glob("*.xlsx")):
        sheet = openpyxl.load_workbook(path)["Decisions"]
        if any(row[2].value == review_id for row in sheet.iter_rows(min_row=7)):
            return path
    raise AssertionError(f"no decision sheet lists {review_id}")


def _html(root: Path, slug: str) -> BeautifulSoup:
    """The quarter's report that covers 2021-finance (one per council and committee: helpers.publishing.report_folder)."""
    import json

    [page] = [
        summary.with_name("report.html")
        for summary in (root / "reports" / slug).glob("*/summary.json")
        if "2021-finance" in {r["id"] for r in json.loads(summary.read_text(encoding="utf-8"))["reviews"]}
    ]
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _table(page: BeautifulSoup, caption_start: str) -> list[dict[str, str]]:
    """The rows of the table whose name (its caption, or its aria-label under a heading) starts with
    `caption_start`, as {header: cell text}; in a table grouped by review, each row's "Review" is its group's."""
    for table in page.find_all("table"):
        caption = table.find("caption")
        name = caption.get_text(" ", strip=True) if caption else table.get("aria-label", "")
        if name.startswith(caption_start):
            headers = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
            rows, group = [], {}
            for tr in table.find("tbody").find_all("tr"):
                if "group" in (tr.get("class") or []):
                    group = {"Review": tr.get_text(" ", strip=True)}
                    continue
                cells = [td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
                rows.append(group | dict(zip(headers, cells, strict=False)))
            return rows
    raise AssertionError(f"no table captioned {caption_start!r}")


def _escalated_by_rule(root: Path, reported: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Worked from the plans: actions with a dated target on or before 31 December 2023 (two whole quarters
    before 30 June 2024), not complete in the plan, not following another, with nothing reported in 2024/25 Q1."""
    actions = pd.read_csv(root / "data" / "processed" / "actions.csv", dtype=str, keep_default_na=False)
    reviews = pd.read_csv(root / "data" / "processed" / "reviews.csv", dtype=str, keep_default_na=False)
    counted = set(reviews.loc[reviews["tracked_from"] <= "2024-06-30", "review_id"])
    dated = actions["target_kind"].isin(["day", "month", "season", "quarter"])
    due = pd.to_datetime(actions["target_date"], errors="coerce") <= pd.Timestamp("2023-12-31")
    done_in_plan = actions["plan_status"].str.casefold().eq("complete") | actions["target_kind"].eq("complete")
    chosen = actions[
        actions["review_id"].isin(counted)
        & dated
        & due
        & ~done_in_plan
        & actions["follows"].eq("")
        & actions["source_incomplete"].eq("")
    ]
    return {k for k in zip(chosen["review_id"], chosen["action_ref"], strict=True) if k not in reported}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Path:
    """The whole cycle, run once: every step must succeed for the tests below to look at its results."""
    root = tmp_path_factory.mktemp("committee-cycle")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "reports").mkdir()
    # Q1's forms are sent on 1 July 2024: the Q2 forms (made today) tell the decisions recorded since.
    for step in (("helpers.cycle.forms", "--quarter", Q1, "--sent-on", "2024-07-01"),):
        done = run(root, *step)
        assert done.returncode == 0, done.stderr
    _fill_returns(root)
    for step in (
        ("helpers.cycle.collect", "--quarter", Q1),
        ("helpers.publishing.report", "--quarter", Q1, "--no-pdf"),
        ("helpers.cycle.decision_sheets", "--quarter", Q1),
    ):
        done = run(root, *step)
        assert done.returncode == 0, f"{step}: {done.stderr}"
    return root


def test_the_first_report_asks_for_exactly_the_decisions_the_returns_and_rules_imply(cycle: Path):
    page = _html(cycle, SLUG1)
    revisions = _table(page, "Table A: Revised target dates requested")
    assert [(r["Ref"], r["Asked by"]) for r in revisions] == [
        ("31", "Corporate Services Leadership Team (lead), 20 Jun 2024"),
        ("41", "Senior Leadership Team (SLT) (lead), 28 Jun 2024"),
    ]
    assert revisions[0]["Requested target"] == "31 Mar 2025 (as written: March 2025)"
    assert revisions[0]["Reason"] == "Fieldwork delayed by the restructure."
    assert revisions[0]["Current target"] == "31 Mar 2022" and revisions[0]["Times already moved"] == "0"
    closures = _table(page, "Table B: Actions reported complete")
    # 45 is not put for closure: one of its two leads says it is still in progress (the stated rule).
    assert [(r["Ref"], r["Evidence"]) for r in closures] == [("33", "https://example.org/training-log")]
    # Target November 2021 (30 Nov), reported complete 14 June 2024: 30 calendar months to 31 May, then 14 days.
    assert closures[0]["Reported complete"] == "30 months and 14 days after its target"
    escalated = {
        ("2021-finance" if "Finance" in r["Review"] else "2022-progress", r["Ref"])
        for r in _table(page, "Table C: Actions escalated")
    }
    reported = {("2021-finance", ref) for ref in ("31", "33", "41", "45")}
    assert escalated == _escalated_by_rule(cycle, reported)
    recommendation = page.find(id="recommendation").find_next("ol").get_text(" ", strip=True)
    assert "agrees or refuses the 2 revised target dates requested in Table A" in recommendation
    assert "agrees that the action in Table B is complete on the evidence given" in recommendation  # one, singular
    escalated_words = "the action" if len(escalated) == 1 else f"the {len(escalated)} actions"
    assert f"considers {escalated_words} escalated in Table C" in recommendation
    assert "notes the progress made" in recommendation


def test_the_first_report_shows_who_reported_each_update(cycle: Path):
    updates = _table(_html(cycle, SLUG1), "Updates reported in 2024/25 Q1")
    shared = [(r["Reported by"], r["Status given"]) for r in updates if r["Ref"] == "45"]
    assert sorted(shared) == [
        ("Children's Accountancy Team (lead)", "In progress"),
        ("Children's Services (lead)", "Complete"),
    ]
    survey = next(r for r in updates if r["Ref"] == "31")
    assert survey["Revised target asked for"] == "March 2025 (reason: Fieldwork delayed by the restructure.)"


def test_the_first_reports_appendix_shows_each_lead_the_request_and_the_disagreement(cycle: Path):
    appendix = {r["Ref"]: r for r in _table(_html(cycle, SLUG1), "Every action: Finance peer challenge 2021")}
    shared = appendix["45"]
    # Both leads' updates of 30 June 2024, each with its role; "Complete" does not count while one says otherwise.
    assert "Children's Services (lead), 30 Jun 2024: Complete. Done." in shared["Latest update"]
    assert "Children's Accountancy Team (lead), 30 Jun 2024: In progress. Waiting on the DfE" in shared["Latest update"]
    assert "leads disagree" in shared["Status"] and not shared["Status"].startswith("Complete")
    survey = appendix["31"]
    assert survey["Target"].startswith(  # the current target (and the plan's, where it differs)
        "31 Mar 2022; revision to 31 Mar 2025 (as written: March 2025) requested by Corporate Services Leadership "
        "Team (lead) on 20 Jun 2024 (reason: Fieldwork delayed by the restructure.), not yet agreed"
    )
    # 31 was "Target passed, no update" at 31 March 2024; now a lead says in progress: overdue.
    assert survey["Status"].startswith("Overdue") and survey["Status"].endswith("(was: Target passed, no update)")
    training = appendix["33"]
    assert training["Status"].startswith("Complete, reported complete 30 months and 14 days after its target")
    assert "reported complete; awaiting the committee's agreement" in training["Status"]
    assert "Evidence: https://example.org/training-log." in training["Latest update"]


def test_the_decision_sheet_lists_the_reports_requests(cycle: Path):
    sheet = openpyxl.load_workbook(_sheet_for(cycle, "2021-finance"))["Decisions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7) if row[0].value]
    page = _html(cycle, SLUG1)
    expected = (
        [("A", r["Ref"]) for r in _table(page, "Table A")]
        + [("B", r["Ref"]) for r in _table(page, "Table B")]
        + [("C", r["Ref"]) for r in _table(page, "Table C")]
    )
    assert [(r[0], r[3]) for r in rows] == expected


def _sheet_refs(path: Path) -> list[tuple[str, str]]:
    """(table letter, action ref) of each request row of a decision sheet, in order."""
    sheet = openpyxl.load_workbook(path)["Decisions"]
    return [(row[0].value, row[3].value) for row in sheet.iter_rows(min_row=7) if row[0].value]


@pytest.mark.slow  # a whole (interim) report
def test_the_decision_sheet_on_an_issued_interim_paper_lists_what_that_paper_asked(
    cycle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The interim report made on 25 June 2024 knows the returns dated up to then: 33's completion (14 June) and
    # 31's revision request (20 June), not 41's (28 June); issued for the meeting on 2 July 2024.
    for name in ("data", "reports"):
        shutil.copytree(cycle / name, tmp_path / name)
    council = _about(openpyxl.load_workbook(_sheet_for(tmp_path, "2021-finance")))["council"]
    for name, value in (("QUARTER", Q1), ("COUNCIL", council), ("MEETING_DATE", "2024-07-02"), ("INTERIM", "1")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REPORT_DATE", "2024-06-25")
    for name in ("REPLACE", "REVIEWS"):
        monkeypatch.delenv(name, raising=False)
    made = run(tmp_path, "helpers.publishing.report", "--from-env", "--no-pdf")
    assert made.returncode == 0, made.stderr
    [folder] = [p for p in (tmp_path / "reports" / SLUG1).iterdir() if p.name.endswith("--interim")]
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 not printed in this test")  # make issue copies it as it is
    issued = run(tmp_path, "helpers.publishing.issue", "--from-env")
    assert issued.returncode == 0, issued.stderr
    sheets = run(tmp_path, "helpers.cycle.decision_sheets", "--quarter", Q1)
    assert sheets.returncode == 0, sheets.stderr

    path = _sheet_for(tmp_path, "2021-finance")
    paper = tmp_path / "reports" / "issued" / SLUG1 / folder.name
    page = BeautifulSoup((paper / "report.html").read_text(encoding="utf-8"), "html.parser")
    tables = {letter: [r["Ref"] for r in _table(page, f"Table {letter}")] for letter in "AB"}
    assert tables == {"A": ["31"], "B": ["33"]}
    expected = [(letter, ref) for letter in "ABC" for ref in [r["Ref"] for r in _table(page, f"Table {letter}")]]
    assert _sheet_refs(path) == expected
    sheet = openpyxl.load_workbook(path)["Decisions"]
    assert sheet["B3"].value == "2 July 2024"
    named = str(sheet["A2"].value)
    assert "interim report " in named and f"issued/{SLUG1}/{folder.name}/report.pdf" in named
    assert named.endswith("for its meeting on 2 July 2024")


def test_the_decision_sheet_on_an_issued_final_paper_lists_the_quarters_requests_and_its_meeting(
    cycle: Path, tmp_path: Path
):
    import json

    for name in ("data", "reports"):
        shutil.copytree(cycle / name, tmp_path / name)
    before = _sheet_for(tmp_path, "2021-finance")
    about = _about(openpyxl.load_workbook(before))
    paper = tmp_path / "reports" / "issued" / SLUG1 / "final-paper"
    paper.mkdir(parents=True)
    manifest = {"quarter": Q1, "council": about["council"], "committee": about["committee"], "interim": False}
    manifest |= {"issued_on": "2024-09-02", "meeting_date": "2024-09-12", "progress_known_on": None}
    (paper / "issued.json").write_text(json.dumps(manifest), encoding="utf-8")
    asked = _sheet_refs(before)
    sheets = run(tmp_path, "helpers.cycle.decision_sheets", "--quarter", Q1)
    assert sheets.returncode == 0, sheets.stderr
    after = _sheet_for(tmp_path, "2021-finance")
    assert _sheet_refs(after) == asked  # as at the quarter end: 41's request of 28 June is there
    assert ("A", "41") in asked
    sheet = openpyxl.load_workbook(after)["Decisions"]
    assert sheet["B3"].value == MEETING  # 12 September 2024, the paper's meeting
    assert str(sheet["A2"].value).endswith("for its meeting on 12 September 2024")


@pytest.fixture(scope="module")
def decided(cycle: Path) -> Path:
    """The meeting on 12 September 2024 agrees 31, refuses 41, agrees 33's closure and notes one escalation."""
    made = _sheet_for(cycle, "2021-finance")
    book = openpyxl.load_workbook(made)
    sheet = book["Decisions"]
    sheet["B3"] = MEETING
    choices = {
        ("A", "31"): ("Agreed", "45/24", ""),
        ("A", "41"): ("Refused", "46/24", "Report back in December."),
        ("B", "33"): ("Agreed", "47/24", ""),
    }
    noted = None
    for r in range(7, sheet.max_row + 1):
        key = (sheet[f"A{r}"].value, sheet[f"D{r}"].value)
        if key in choices:
            decision, minute, note = choices[key]
        elif key[0] == "C" and noted is None:
            noted, (decision, minute, note) = key[1], ("Noted", "48/24", "")
        else:
            continue
        sheet[f"J{r}"], sheet[f"L{r}"], sheet[f"M{r}"] = decision, minute, note
    folder = cycle / "data" / "decisions" / "sheets" / SLUG1
    folder.mkdir(parents=True)
    book.save(folder / made.name)
    for step in (
        ("helpers.cycle.decision_sheets", "--quarter", Q1, "--record"),
        ("helpers.publishing.report", "--quarter", Q2, "--no-pdf"),
    ):
        done = run(cycle, *step)
        assert done.returncode == 0, f"{step}: {done.stderr}"
    cycle.joinpath("noted.txt").write_text(noted or "", encoding="utf-8")
    return cycle


def test_recorded_decisions_name_their_request_and_cell(decided: Path):
    with open(decided / "data" / "decisions" / f"{SLUG1}.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    got = {(r["action_ref"], r["kind"]): r for r in rows}
    assert got[("31", "revision")]["decision"] == "agreed" and got[("31", "revision")]["decided_on"] == "2024-09-12"
    assert got[("31", "revision")]["requested_on"] == "2024-06-20"
    assert got[("31", "revision")]["lead"] == "Corporate Services Leadership Team"
    assert got[("41", "revision")]["decision"] == "refused"
    assert got[("33", "closure")]["decision"] == "agreed" and got[("33", "closure")]["minute"] == "47/24"
    assert all(r["source"].startswith(f"sheets/{SLUG1}/") and "Decisions!" in r["source"] for r in rows)
    assert len(rows) == 4
    again = run(decided, "helpers.cycle.decision_sheets", "--quarter", Q1, "--record")
    assert again.returncode == 0 and "unchanged" in again.stdout  # recording twice changes nothing


def test_the_second_report_shows_what_the_committee_decided(decided: Path):
    page = _html(decided, SLUG2)
    history = _table(page, "Decisions recorded up to 30 September 2024")
    by_ref = {(r["Ref"], r["Request"].split(" asked")[0]): r for r in history}
    assert by_ref[("31", "Revised target")]["Decision"] == "Agreed"
    assert by_ref[("41", "Revised target")]["Decision"] == "Refused"
    assert by_ref[("33", "Closure on evidence")]["Decision"] == "Agreed"
    noted = decided.joinpath("noted.txt").read_text(encoding="utf-8")
    assert by_ref[(noted, "Escalation")]["Decision"] == "Noted"
    assert {r["Decided"].split(",")[0] for r in history} == {"12 Sep 2024"}  # then the committee and minute
    # Nothing left to agree: 31 and 41 decided, 33's closure agreed.
    names = [t.get("aria-label", "") for t in page.find_all("table")] + [c.get_text() for c in page.find_all("caption")]
    assert any(name.startswith("Decisions recorded") for name in names)  # the names are read
    assert not any(name.startswith("Table A: Revised") for name in names)
    appendix = _table(page, "Every action: Finance peer challenge 2021")
    row31 = next(r for r in appendix if r["Ref"] == "31")
    assert row31["Target"].startswith("31 Mar 2025")  # the agreed "March 2025"
    assert row31["Status"].startswith("Not yet due")
    row41 = next(r for r in appendix if r["Ref"] == "41")
    assert row41["Target"].startswith(
        "28 Feb 2022; revision to 31 Mar 2025 (as written: Q4 2024/25) asked by Senior Leadership Team (SLT) (lead) "
        "on 28 Jun 2024 refused 12 Sep 2024"
    )
    row33 = next(r for r in appendix if r["Ref"] == "33")
    assert row33["Status"].startswith("Complete, reported complete 30 months and 14 days after its target")
    assert "closure agreed by the committee 12 Sep 2024" in row33["Status"]
    assert row31["Target"].startswith("31 Mar 2025 (revised 1 time); revision to 31 Mar 2025")


def test_the_q2_forms_tell_each_lead_what_the_committee_decided(decided: Path):
    """2024/25 Q2 forms, made after the meeting: 31's lead reads the agreement, 41's the refusal and its note,
    33's the closure agreed on their evidence (33 is closed, and on the form only to say so); 45's leads, whose
    requests were not decided, read nothing."""
    done = run(decided, "helpers.cycle.forms", "--quarter", Q2)
    assert done.returncode == 0, done.stderr
    with open(decided / "data" / "decisions" / f"{SLUG1}.csv", encoding="utf-8", newline="") as f:
        by = {r["decided_by"] for r in csv.DictReader(f)}
    assert len(by) == 1  # the committee named on the decision sheet
    meeting = f"{by.pop() or 'Committee'}, 12 September 2024"
    expected = {
        ("Corporate Services Leadership Team", "31"): f"{meeting} (minute 45/24): revised target 31 March 2025 agreed",
        ("Senior Leadership Team (SLT)", "41"): (
            f"{meeting} (minute 46/24): revision to 31 March 2025 refused. Report back in December."
        ),
        ("Corporate Director Finance & Commercial", "33"): f"{meeting} (minute 47/24): closure agreed on your evidence",
        ("Children's Services", "45"): "",
        ("Children's Accountancy Team", "45"): "",
    }
    seen = {}
    for path in sorted((decided / "reports" / SLUG2 / "forms").glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        lead, sheet = _about(book)["lead"], book["Updates"]
        for r in range(3, sheet.max_row + 1):
            if sheet[f"A{r}"].value == "2021-finance":
                ref = str(sheet[f"{column_letter('action_ref')}{r}"].value)
                seen[(lead, ref)] = sheet[f"{column_letter('committee_decision')}{r}"].value or ""
    assert {key: seen.get(key) for key in expected} == expected
