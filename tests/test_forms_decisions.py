"""The next quarter's form tells each lead what the committee decided on requests about their actions.

On a copy of the shipped data, 2024/25 Q1 updates are typed by hand (one format,
two ways in: data/updates/README.md) with six requests, and the committee's
decisions on them are typed into data/decisions/ (data/decisions/README.md):

- 2021-finance 31 (Corporate Services Leadership Team): "March 2025" asked on
  20 June 2024, agreed on 12 September 2024, minute 45/24;
- 41 (Senior Leadership Team (SLT)): "Q4 2024/25" asked, refused, minute 46/24,
  note "Report back in December.";
- 42 (SLT): "December 2024" asked, deferred on 12 September, then agreed on
  3 October 2024 (after the Q2 quarter end: it belongs on the Q3 form);
- 44 (Children's Accountancy Team): "March 2025" asked, agreed with the committee's
  own date "December 2024";
- 33 (Corporate Director Finance & Commercial): "Complete" with evidence, closure
  agreed (the action is closed, so its row is there only to tell the decision);
- 45 (Children's Services, shared with the Children's Accountancy Team):
  "Complete", closure refused, note "No evidence given.";
- 39 (Children's Services and the Finance Team): an escalation agreed.

Each expected cell is written out below from those rows and the wording the
Instructions sheet promises; the leads come from the action plan (data/raw,
2021 Appendix 1, as in data/processed/action_leads.csv).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import PROJECT
from helpers.cycle import ABOUT_SHEET, FIRST_ROW, HEADER_ROW, cell_text, check, column_letter

Q1, Q2, Q3 = "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"
COMMITTEE = "Audit and Governance Committee"
DECISION = column_letter("committee_decision")
UPDATES = """review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead
2021-finance,31,In progress,Survey designed.,2024-06-20,March 2025,Fieldwork delayed.,,Corporate Services Leadership Team
2021-finance,41,Behind schedule,Delayed.,2024-06-28,Q4 2024/25,Budget cycle.,,Senior Leadership Team (SLT)
2021-finance,42,In progress,Strategy drafted.,2024-06-28,December 2024,Consultation.,,Senior Leadership Team (SLT)
2021-finance,44,In progress,Dashboards built.,2024-06-25,March 2025,Data late.,,Children's Accountancy Team
2021-finance,33,Complete,Training delivered.,2024-06-14,,,https://example.org/log,Corporate Director Finance & Commercial
2021-finance,45,Complete,Done.,2024-06-30,,,,Children's Services
"""
DECISIONS_Q1 = f"""review_id,action_ref,kind,requested_on,lead,decision,decided_on,decided_by,minute,amended_target,note
2021-finance,31,revision,2024-06-20,Corporate Services Leadership Team,agreed,2024-09-12,{COMMITTEE},45/24,,
2021-finance,41,revision,2024-06-28,Senior Leadership Team (SLT),refused,2024-09-12,{COMMITTEE},46/24,,Report back in December.
2021-finance,42,revision,2024-06-28,Senior Leadership Team (SLT),deferred,2024-09-12,{COMMITTEE},,,
2021-finance,44,revision,2024-06-25,Children's Accountancy Team,agreed,2024-09-12,{COMMITTEE},47/24,December 2024,
2021-finance,33,closure,2024-06-14,Corporate Director Finance & Commercial,agreed,2024-09-12,{COMMITTEE},48/24,,
2021-finance,45,closure,2024-06-30,Children's Services,refused,2024-09-12,{COMMITTEE},49/24,,No evidence given.
2021-finance,39,escalation,,,agreed,2024-09-12,{COMMITTEE},50/24,,
"""
DECISIONS_Q2 = f"""review_id,action_ref,kind,requested_on,lead,decision,decided_on,decided_by,minute
2021-finance,42,revision,2024-06-28,Senior Leadership Team (SLT),agreed,2024-10-03,{COMMITTEE},61/24
"""
MEETING = f"{COMMITTEE}, 12 September 2024"
# (lead, action): what the Q2 form's decision cell says, worked out from the rows above.
EXPECTED_Q2 = {
    ("Corporate Services Leadership Team", "31"): f"{MEETING} (minute 45/24): revised target 31 March 2025 agreed",
    ("Senior Leadership Team (SLT)", "41"): (
        f"{MEETING} (minute 46/24): revision to 31 March 2025 refused. Report back in December."
    ),
    ("Senior Leadership Team (SLT)", "42"): f"{MEETING}: revision to 31 December 2024 deferred to a later meeting",
    ("Children's Accountancy Team", "44"): (
        f"{MEETING} (minute 47/24): revised target 31 December 2024 agreed, not the 31 March 2025 asked for"
    ),
    ("Corporate Director Finance & Commercial", "33"): f"{MEETING} (minute 48/24): closure agreed on your evidence",
    ("Children's Services", "45"): (
        f"{MEETING} (minute 49/24): closure refused: the action is open again. No evidence given."
    ),
    ("Children's Accountancy Team", "45"): (
        f"{MEETING} (minute 49/24): closure refused: the action is open again (asked by Children's Services). "
        "No evidence given."
    ),
    ("Children's Services", "39"): (
        f"{MEETING} (minute 50/24): escalation agreed: the committee asks for a report on this action"
    ),
    (
        "Finance Team",
        "39",
    ): f"{MEETING} (minute 50/24): escalation agreed: the committee asks for a report on this action",
}


def slug(quarter: str) -> str:
    return quarter.replace("/", "-").replace(" ", "-")


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    """data/ with the Q1 updates and the decisions on them, and reports/ with the Q2 and Q3 forms."""
    root = tmp_path_factory.mktemp("forms-decisions")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "data" / "updates" / f"{slug(Q1)}.csv").write_text(UPDATES, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q1)}.csv").write_text(DECISIONS_Q1, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q2)}.csv").write_text(DECISIONS_Q2, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        from helpers import forms

        for quarter in (Q2, Q3):
            assert forms.main(["--quarter", quarter]) == 0
    return root


@pytest.fixture
def space(decided: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of data/ and reports/, used by in-process helpers too."""
    shutil.copytree(decided / "data", tmp_path / "data")
    shutil.copytree(decided / "reports", tmp_path / "reports")
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def forms_of(root: Path, quarter: str) -> dict[str, Path]:
    """{lead: form} from each form's About sheet."""
    found = {}
    for path in sorted((root / "reports" / slug(quarter) / "forms").glob("*.xlsx")):
        about = openpyxl.load_workbook(path)[ABOUT_SHEET]
        found[next(row[1].value for row in about.iter_rows() if row[0].value == "lead")] = path
    return found


def decision_cells(path: Path) -> dict[str, tuple[str, int]]:
    """{action ref: (decision cell text, row)} for the 2021-finance rows of a form; other reviews' rows by
    "review action"."""
    sheet = openpyxl.load_workbook(path)["Updates"]
    cells = {}
    for r in range(FIRST_ROW, sheet.max_row + 1):
        review, ref = sheet[f"A{r}"].value, sheet[f"{column_letter('action_ref')}{r}"].value
        key = ref if review == "2021-finance" else f"{review} {ref}"
        cells[key] = (sheet[f"{DECISION}{r}"].value or "", r)
    return cells


def test_the_q2_form_tells_each_lead_what_was_decided_and_nothing_else(decided: Path):
    books = forms_of(decided, Q2)
    seen = {}
    for lead, path in books.items():
        for ref, (text, _) in decision_cells(path).items():
            want = EXPECTED_Q2.get((lead, ref), "")
            assert text == want, (lead, ref)
            seen[(lead, ref)] = text
    # Every decision reached every lead of its action (33 is closed, and is there only to say so).
    assert set(EXPECTED_Q2) <= set(seen)
    # A lead none of whose actions had a decision sees only blanks (Cabinet: no decided action is theirs).
    assert all(not text for text, _ in decision_cells(books["Cabinet"]).values())


def test_the_header_and_instructions_explain_the_column(decided: Path):
    book = openpyxl.load_workbook(forms_of(decided, Q2)["Senior Leadership Team (SLT)"])
    assert book["Updates"][f"{DECISION}{HEADER_ROW}"].value == "Committee's decision since the last form"
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert (
        "says what the committee decided between 1 July 2024 and 30 September 2024 on requests about each action"
    ) in text
    assert "It is blank where nothing was decided." in text


def test_a_closed_action_is_shown_for_its_decision_but_takes_no_update(decided: Path):
    book = openpyxl.load_workbook(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])
    sheet = book["Updates"]
    _, r = decision_cells(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])["33"]
    assert sheet[f"{column_letter('latest_status')}{r}"].value == "Complete"
    assert all(sheet[f"{column_letter(k)}{r}"].protection.locked for k in ("status", "comment", "revised_target"))
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "only to tell you what the committee decided on them" in text
    # The chase list counts open actions only.
    chase = (decided / "reports" / slug(Q2) / "forms" / "chase-list.csv").read_text(encoding="utf-8")
    line = next(x for x in chase.splitlines() if x.startswith("Dorset Council,Corporate Director Finance"))
    opened = decision_cells(forms_of(decided, Q2)["Corporate Director Finance & Commercial"])
    assert line.split(",")[2] == str(len(opened) - 1)


def test_each_decision_is_on_the_first_form_after_it_only(decided: Path):
    books = forms_of(decided, Q3)
    slt = decision_cells(books["Senior Leadership Team (SLT)"])
    # 3 October 2024 is after the Q2 quarter end: the agreement is on the Q3 form; 12 September's are not.
    assert slt["42"][0] == f"{COMMITTEE}, 3 October 2024 (minute 61/24): revised target 31 December 2024 agreed"
    assert slt["41"][0] == ""
    assert all(text == "" for text, _ in decision_cells(books["Corporate Services Leadership Team"]).values())


def test_collect_refuses_a_changed_decision_cell_naming_it(space: Path, capsys):
    from helpers import collect

    sent = forms_of(space, Q2)["Senior Leadership Team (SLT)"]
    book = openpyxl.load_workbook(sent)
    _, r = decision_cells(sent)["41"]
    book["Updates"][f"{DECISION}{r}"] = "Agreed"
    book["Updates"][f"{column_letter('status')}{r}"] = "In progress"
    returns = space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2]) == 1
    err = capsys.readouterr().err
    assert (
        f"{sent.name}: Updates!{DECISION}{r}: a locked cell was changed (Committee's decision since the last form: "
        "now 'Agreed'); put back what the form said"
    ) in err
    assert not (space / "data" / "updates" / f"{slug(Q2)}.csv").exists()


def test_collect_takes_the_form_as_sent_and_refuses_an_update_on_a_closed_row(space: Path, capsys):
    from helpers import collect

    forms = forms_of(space, Q2)
    returns = space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    slt = openpyxl.load_workbook(forms["Senior Leadership Team (SLT)"])
    _, r41 = decision_cells(forms["Senior Leadership Team (SLT)"])["41"]
    slt["Updates"][f"{column_letter('status')}{r41}"] = "In progress"
    slt.save(returns / forms["Senior Leadership Team (SLT)"].name)
    assert collect.main(["--quarter", Q2]) == 0, capsys.readouterr().err
    log = (space / "data" / "updates" / f"{slug(Q2)}.csv").read_text(encoding="utf-8")
    assert "2021-finance,41,In progress,,2024-09-30" in log and f"Updates!{r41}" in log

    director = openpyxl.load_workbook(forms["Corporate Director Finance & Commercial"])
    _, r33 = decision_cells(forms["Corporate Director Finance & Commercial"])["33"]
    director["Updates"][f"{column_letter('comment')}{r33}"] = "Still done."
    director.save(returns / forms["Corporate Director Finance & Commercial"].name)
    assert collect.main(["--quarter", Q2]) == 1
    assert (
        f"Updates!{column_letter('action_ref')}{r33}: 2021-finance action 33 is not an open action of "
        "Corporate Director Finance & Commercial at Dorset Council on 30 September 2024"
    ) in capsys.readouterr().err


def test_a_version_2_form_sent_before_the_upgrade_is_still_collected(space: Path, capsys):
    """A form of version 2 (no decision column) is read with its own layout: the status was in column L."""
    from helpers import collect

    sent = forms_of(space, Q2)["Senior Leadership Team (SLT)"]
    book = openpyxl.load_workbook(sent)
    sheet, about = book["Updates"], book[ABOUT_SHEET]
    column = openpyxl.utils.column_index_from_string(DECISION)
    sheet.delete_cols(column)  # the version 2 layout: the reference columns A-K, then the lead's L-Q
    rows = {}
    for row in about.iter_rows(min_row=1):
        if row[0].value == "form_version":
            row[1].value = "2"
        elif str(row[0].value or "").isdigit():
            r = int(row[0].value)
            row[4].value = check([cell_text(sheet.cell(r, n).value) for n in range(1, column)])
            rows[(row[1].value, row[2].value)] = r
    r41 = rows[("2021-finance", "41")]
    sheet[f"L{r41}"] = "On hold"
    returns = space / "data" / "updates" / "returns" / slug(Q2)
    returns.mkdir(parents=True)
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2]) == 0, capsys.readouterr().err
    log = (space / "data" / "updates" / f"{slug(Q2)}.csv").read_text(encoding="utf-8")
    assert "2021-finance,41,On hold," in log

    # In the version 2 layout, a changed locked cell is still named by its own column (K: Latest comment dated).
    sheet[f"K{r41}"] = "yesterday"
    book.save(returns / sent.name)
    assert collect.main(["--quarter", Q2, "--replace"]) == 1
    assert f"Updates!K{r41}: a locked cell was changed (Latest comment dated: now 'yesterday')" in (
        capsys.readouterr().err
    )


def test_an_approval_typed_into_an_update_file_is_told_as_an_agreed_revision(tmp_path, monkeypatch):
    """Before the decisions step, an analyst filled revision_approved_by / _on by hand: the next form still tells
    the lead (data/updates/README.md: read as an agreed decision, never ignored)."""
    from helpers import forms

    shutil.copytree(PROJECT / "data", tmp_path / "data")
    (tmp_path / "data" / "updates" / f"{slug(Q1)}.csv").write_text(
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_by,"
        "revision_approved_on,lead\n"
        f"2021-finance,31,In progress,Survey designed.,2024-06-20,March 2025,Fieldwork delayed.,{COMMITTEE},"
        "2024-09-12,Corporate Services Leadership Team\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    assert forms.main(["--quarter", Q2]) == 0
    cells = decision_cells(forms_of(tmp_path, Q2)["Corporate Services Leadership Team"])
    assert cells["31"][0] == (f"{MEETING}: revised target 31 March 2025 agreed. Approval recorded in the update file")
