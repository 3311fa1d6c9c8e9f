"""The forms record (helpers.cycle.forms_sent) and what it is for: each lead's form tells the committee's decisions
recorded since that lead's previous form, whatever the calendar (issue 27).

Real forms from the real data (a copy), made by the forms command with the day given (--sent-on / FORMS_DATE);
decisions typed into data/decisions as a clerk would, escalations on 2021-finance action 39 (leads: Children's
Services and Finance Team) and action 31 (lead: Corporate Services Leadership Team). Every expected form and day
below is worked out by hand from the dates in each test.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from decided_forms import COMMITTEE, decision_cells, forms_by_lead, slug

from conftest import PROJECT, error, write
from helpers.base import quarters
from helpers.cycle import forms
from helpers.cycle.forms_sent import (
    COLUMNS,
    load_forms_sent,
    previous_form,
    previous_round,
    record_file,
    sent_on,
    with_quarter,
)

LEADS = {"39": ("Children's Services", "Finance Team"), "31": ("Corporate Services Leadership Team",)}
HEADER = "review_id,action_ref,kind,decision,decided_on,decided_by,minute,recorded_on\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ and an empty reports/, used by the commands for the rest of the test."""
    shutil.copytree(PROJECT / "data", tmp_path / "data")
    (tmp_path / "reports").mkdir()
    monkeypatch.setenv("PEER_REVIEW_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PEER_REVIEW_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def send(quarter: str, on: str) -> None:
    assert forms.main(["--quarter", quarter, "--sent-on", on]) == 0


def decide(root: Path, report: str, ref: str, decided: str, recorded: str, minute: str) -> None:
    """One escalation agreed at a meeting on `decided`, recorded on `recorded`, in the decisions on `report`."""
    path = root / "data" / "decisions" / f"{slug(report)}.csv"
    before = path.read_text(encoding="utf-8") if path.exists() else HEADER
    row = f"2021-finance,{ref},escalation,agreed,{decided},{COMMITTEE},{minute},{recorded}\n"
    path.write_text(before + row, encoding="utf-8")


def told(root: Path, quarter: str) -> dict[str, list[str]]:
    """{lead: [minute of every decision their form for the quarter tells, one entry per telling]}."""
    found: dict[str, list[str]] = {}
    for lead, path in forms_by_lead(root, quarter).items():
        for text, _ in decision_cells(path).values():
            for line in filter(None, text.split("\n")):
                found.setdefault(lead, []).append(line.split("(minute ")[1].split(")")[0])
    return found


def test_a_meeting_after_early_forms_is_on_the_next_quarters_forms(root: Path, capsys):
    """Forms for 2026/27 Q3 sent on 7 December 2026 (before the quarter ends on 31 December); the committee
    meets on 10 December; the Q4 forms, sent on 8 March 2027, tell both leads of action 39. The old rule (decisions
    after the previous quarter's end, 31 December) lost it."""
    send("2026/27 Q3", "2026-12-07")
    assert capsys.readouterr().out.splitlines()[0] == (
        "2026/27 Q3 has not ended (ends 31 December 2026): forms made early, on 7 December 2026"
    )
    decide(root, "2026/27 Q2", "39", "2026-12-10", "2026-12-10", "71/26")
    assert "71/26" not in str(told(root, "2026/27 Q3"))  # made before the meeting
    send("2026/27 Q4", "2027-03-08")
    cells = {lead: decision_cells(path) for lead, path in forms_by_lead(root, "2026/27 Q4").items()}
    for lead in LEADS["39"]:
        assert cells[lead]["39"][0] == (
            f"{COMMITTEE}, 10 December 2026 (minute 71/26): escalation agreed: the committee asks for a report on "
            "this action"
        )
    assert sum(m == "71/26" for minutes in told(root, "2026/27 Q4").values() for m in minutes) == 2
    # The record: each lead once per quarter, each quarter's forms on their own day.
    record = load_forms_sent()
    assert not record.duplicated(["quarter", "council", "lead"]).any()
    assert {(quarters.label(q), d.isoformat()) for q, d in zip(record["quarter"], record["sent_on"], strict=True)} == {
        ("2026/27 Q3", "2026-12-07"),
        ("2026/27 Q4", "2027-03-08"),
    }


def test_forms_after_the_quarter_end_and_a_meeting_in_the_next_quarter_tell_it_once(root: Path, capsys):
    """Q3 forms sent on 5 January 2027 (after Q3 ended); the committee meets on 20 January (in Q4), recorded on the
    21st; the Q4 forms (6 April 2027) tell it, the 2027/28 Q1 forms (5 July 2027) do not; making the Q4 forms again
    the same day changes neither the forms nor the record."""
    send("2026/27 Q3", "2027-01-05")
    assert "has not ended" not in capsys.readouterr().out
    decide(root, "2026/27 Q3", "31", "2027-01-20", "2027-01-21", "80/27")
    send("2026/27 Q4", "2027-04-06")
    before = record_file().read_text(encoding="utf-8")
    send("2026/27 Q4", "2027-04-06")
    assert record_file().read_text(encoding="utf-8") == before
    send("2027/28 Q1", "2027-07-05")
    lead = LEADS["31"][0]
    assert told(root, "2026/27 Q3").get(lead, []).count("80/27") == 0
    assert told(root, "2026/27 Q4")[lead].count("80/27") == 1
    assert told(root, "2027/28 Q1").get(lead, []).count("80/27") == 0
    text = " ".join(str(c.value) for c in _instructions(forms_by_lead(root, "2026/27 Q4")[lead]) if c.value)
    assert "decided since your last form (sent on 5 January 2027) on requests" in text


def _instructions(path: Path):
    import openpyxl

    return openpyxl.load_workbook(path)["Instructions"]["A"]


# A clerk's year: forms sent before each quarter ends, the committee meeting inside the next quarter (and once in
# the same quarter, just after the forms went out), one decision recorded days after its meeting and after the
# next forms were sent. (event day, what happens); "forms" events name the quarter, "decide" ones (report, action,
# meeting, recorded, minute).
YEAR = [
    ("forms", "2026/27 Q1", "2026-06-22"),
    ("decide", "2026/27 Q1", "39", "2026-07-15", "2026-07-15", "1/26"),
    ("forms", "2026/27 Q2", "2026-09-21"),
    ("decide", "2026/27 Q2", "31", "2026-10-14", "2026-10-14", "2/26"),
    ("forms", "2026/27 Q3", "2026-12-07"),
    ("decide", "2026/27 Q2", "39", "2026-12-10", "2026-12-10", "3/26"),
    ("decide", "2026/27 Q3", "31", "2027-01-13", "2027-01-14", "4/27"),
    ("decide", "2026/27 Q3", "39", "2027-03-03", "2027-03-09", "5/27"),  # recorded the day after the Q4 forms
    ("forms", "2026/27 Q4", "2027-03-08"),
    ("decide", "2026/27 Q4", "31", "2027-04-14", "2027-04-14", "6/27"),
    ("forms", "2027/28 Q1", "2027-06-21"),
]
# By hand: the first forms sent after each decision was recorded.
FIRST_TOLD = {
    "1/26": "2026/27 Q2",  # 15 July, before 21 September
    "2/26": "2026/27 Q3",  # 14 October, before 7 December
    "3/26": "2026/27 Q4",  # 10 December: after the Q3 forms of 7 December
    "4/27": "2026/27 Q4",  # recorded 14 January
    "5/27": "2027/28 Q1",  # recorded 9 March, the day after the Q4 forms
    "6/27": "2027/28 Q1",  # 14 April
}


def test_a_clerks_year_tells_every_lead_every_decision_exactly_once(root: Path):
    for event in sorted(YEAR, key=lambda e: e[2] if e[0] == "forms" else e[4]):  # in the order of their days
        if event[0] == "forms":
            send(event[1], event[2])
        else:
            decide(root, *event[1:])
    sent = [e[1] for e in YEAR if e[0] == "forms"]
    telling = {quarter: told(root, quarter) for quarter in sent}
    for _, _report, ref, *_, minute in (e for e in YEAR if e[0] == "decide"):
        for lead in LEADS[ref]:
            on = [q for q in sent for m in telling[q].get(lead, []) if m == minute]
            assert on == [FIRST_TOLD[minute]], (minute, lead)
    # Nobody else is told: no lead of another action reads these minutes.
    others = {m for q in sent for lead, ms in telling[q].items() if lead not in LEADS["39"] + LEADS["31"] for m in ms}
    assert not others & set(FIRST_TOLD)


def test_a_bad_row_in_the_record_is_one_line_naming_it(root: Path):
    path = write(
        record_file().parent,
        record_file().name,
        "quarter,council,lead,sent_on,form_file\n"
        "2026/27 Q3,Dorset Council,Cabinet,2026-12-07,Cabinet.xlsx\n"
        "2026/27 Q3,Dorset Council,Finance Team,7 Dec 2026,Finance-Team.xlsx\n",
    )
    err = error(forms.main, ["--quarter", "2026/27 Q4", "--sent-on", "2027-03-08"])
    assert (err.file, err.line) == (path, 3) and "sent_on" in err.message
    assert not (root / "reports" / "2026-27-Q4").exists()  # nothing written
    write(
        record_file().parent,
        record_file().name,
        "quarter,council,lead,sent_on,form_file\n"
        "2026/27 Q3,Dorset Council,Cabinet,2026-12-07,Cabinet.xlsx\n"
        "2026-27 Q3,Dorset Council,Cabinet,2026-12-08,Cabinet.xlsx\n",
    )
    err = error(load_forms_sent)
    assert err.line == 3 and "recorded twice" in err.message


def test_the_day_comes_from_forms_date_with_from_env(root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QUARTER", "2026/27 Q4")
    monkeypatch.setenv("FORMS_DATE", "2027-04-01")
    assert forms.main(["--from-env"]) == 0
    assert set(load_forms_sent()["sent_on"].map(str)) == {"2027-04-01"}
    monkeypatch.setenv("FORMS_DATE", "1 April")
    assert "FORMS_DATE '1 April' is not a date" in error(forms.main, ["--from-env"]).message


def test_each_lead_s_form_day_is_their_own_and_the_previous_ones_are_by_quarter():
    # Two leads' 2026/27 Q3 forms went out on different days (7 and 9 December 2026), Cabinet's Q2 form on
    # 21 September; Housing Board had no Q2 form. Worked by hand from the rows below.
    q2, q3, q4 = (quarters.parse_quarter(f"2026/27 Q{n}") for n in (2, 3, 4))
    record = pd.DataFrame(
        [
            {"quarter": q2, "council": "Vale", "lead": "Cabinet", "sent_on": dt.date(2026, 9, 21), "form_file": "a"},
            {"quarter": q3, "council": "Vale", "lead": "Cabinet", "sent_on": dt.date(2026, 12, 7), "form_file": "b"},
            {
                "quarter": q3,
                "council": "Vale",
                "lead": "Housing Board",
                "sent_on": dt.date(2026, 12, 9),
                "form_file": "c",
            },
            {"quarter": q3, "council": "Wold", "lead": "Cabinet", "sent_on": dt.date(2026, 12, 1), "form_file": "d"},
        ],
        columns=COLUMNS,
    )
    assert sent_on(record, q3, "Vale", "Housing Board") == dt.date(2026, 12, 9)
    assert sent_on(record, q3, "Vale", "Cabinet") == dt.date(2026, 12, 7)
    assert sent_on(record, q4, "Vale", "Cabinet") is None
    assert previous_form(record, q4, "Vale", "Housing Board")["sent_on"] == dt.date(2026, 12, 9)
    assert previous_form(record, q3, "Vale", "Housing Board") is None  # none before Q3 for this lead
    assert previous_form(record, q3, "Wold", "Cabinet") is None  # Vale's Cabinet is another lead
    assert previous_round(record, q4, "Vale") == dt.date(2026, 12, 9)  # the last of Vale's Q3 forms
    assert previous_round(record, q3, "Vale") == dt.date(2026, 9, 21)
    assert previous_round(record, q3, "Wold") is None
    # Making Q3 again keeps Q2 and replaces Q3's rows, in quarter, council and lead order.
    again = with_quarter(record, q3, {("Vale", "Cabinet"): "e"}, dt.date(2026, 12, 10))
    assert list(zip(again["quarter"], again["lead"], again["form_file"], strict=True)) == [
        (q2, "Cabinet", "a"),
        (q3, "Cabinet", "e"),
    ]
