"""What goes on each lead's form (helpers.cycle.form_rows): one file per lead, and the next quarter's form telling each
lead what the committee decided on requests about their actions.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from decided_forms import (
    COMMITTEE,
    DECISION,
    Q1,
    Q2,
    Q3,
    decision_cells,
    forms_after_decisions,
    forms_by_lead,
    slug,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from made_up_form import Q, reference_row

from conftest import PROJECT
from helpers.base import quarters
from helpers.cycle import form_rows, forms
from helpers.cycle.form_layout import (
    HEADER_ROW,
    column_letter,
)
from helpers.cycle.forms_sent import COLUMNS as RECORD_COLUMNS


def test_two_leads_whose_names_make_the_same_file_name_get_two_files(monkeypatch):
    rows = pd.DataFrame(
        [
            reference_row(1, lead="Head of Policy"),
            reference_row(2, lead="Head of Policy."),
            reference_row(3, lead="head of policy"),
        ]
    )
    monkeypatch.setattr(form_rows, "form_rows", lambda ws, quarter, **_: rows)
    monkeypatch.setattr(form_rows, "unled_open_actions", lambda ws, quarter: pd.DataFrame())
    _, made, _ = form_rows.lead_forms(Q, ws=object())
    names = {lead.lead: (name, len(group)) for lead, (name, group) in made.items()}
    stem = "Head-of-Policy--Wessex-Vale-District-Council--2024-25-Q1"
    assert names == {
        "Head of Policy": (f"{stem}.xlsx", 1),
        "Head of Policy.": (f"{stem}-2.xlsx", 1),
        "head of policy": (f"{stem.replace('Head', 'head').replace('Policy', 'policy')}-3.xlsx", 1),
    }
    assert all(list(group.index) == [0] for _, group in made.values())


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


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    """data/ with the Q1 updates and the decisions on them, and reports/ with the Q2 and Q3 forms."""
    return forms_after_decisions(tmp_path_factory)


def test_the_q2_form_tells_each_lead_what_was_decided_and_nothing_else(decided: Path):
    books = forms_by_lead(decided, Q2)
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
    book = openpyxl.load_workbook(forms_by_lead(decided, Q2)["Senior Leadership Team (SLT)"])
    assert book["Updates"][f"{DECISION}{HEADER_ROW}"].value == "Committee's decision since the last form"
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    # Sent on 1 October 2024 with no earlier form recorded: from the day after the Q1 end to the day it was made.
    assert (
        "says what the committee decided between 1 July 2024 and 1 October 2024 on requests about each action"
    ) in text
    assert "It is blank where nothing was decided." in text


def test_a_closed_action_is_shown_for_its_decision_but_takes_no_update(decided: Path):
    book = openpyxl.load_workbook(forms_by_lead(decided, Q2)["Corporate Director Finance & Commercial"])
    sheet = book["Updates"]
    _, r = decision_cells(forms_by_lead(decided, Q2)["Corporate Director Finance & Commercial"])["33"]
    assert sheet[f"{column_letter('latest_status')}{r}"].value == "Complete"
    assert all(sheet[f"{column_letter(k)}{r}"].protection.locked for k in ("status", "comment", "revised_target"))
    text = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "only to tell you what the committee decided on them" in text
    # The chase list counts open actions only.
    chase = (decided / "reports" / slug(Q2) / "forms" / "chase-list.csv").read_text(encoding="utf-8")
    line = next(x for x in chase.splitlines() if x.startswith("Dorset Council,Corporate Director Finance"))
    opened = decision_cells(forms_by_lead(decided, Q2)["Corporate Director Finance & Commercial"])
    assert line.split(",")[2] == str(len(opened) - 1)


def test_each_decision_is_on_the_first_form_after_it_only(decided: Path):
    books = forms_by_lead(decided, Q3)
    slt = decision_cells(books["Senior Leadership Team (SLT)"])
    # 3 October 2024 is after the Q2 quarter end: the agreement is on the Q3 form; 12 September's are not.
    assert slt["42"][0] == f"{COMMITTEE}, 3 October 2024 (minute 61/24): revised target 31 December 2024 agreed"
    assert slt["41"][0] == ""
    assert all(text == "" for text, _ in decision_cells(books["Corporate Services Leadership Team"]).values())


def test_an_approval_typed_into_an_update_file_is_told_as_an_agreed_revision(tmp_path, monkeypatch):
    """Before the decisions step, an analyst filled revision_approved_by / _on by hand: the next form still tells
    the lead (data/updates/README.md: read as an agreed decision, never ignored)."""

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
    cells = decision_cells(forms_by_lead(tmp_path, Q2)["Corporate Services Leadership Team"])
    assert cells["31"][0] == (f"{MEETING}: revised target 31 March 2025 agreed. Approval recorded in the update file")


# --- Any calendar (Hypothesis): each decision reaches each lead of its action once, on the lead's first form made on
# or after the day it was recorded; a lead's first form starts from the council's previous forms (or, with none
# recorded, from the previous quarter's end), so what was known before that is never told (decision_window).

COUNCIL, OTHER = "Made-up Council", "Other Council"
LEAD_NAMES = ("Cabinet", "Finance Team", "Housing Board")
ACTION_REFS = ("1", "2", "3", "4")
FIRST_FORMS = pd.Period(year=2027, quarter=1, freq="Q-MAR")  # 2026/27 Q1, April-June 2026


@st.composite
def calendars(draw):
    """(record, action leads, decisions): up to five quarters of forms (each lead's form for a quarter sent on a
    day from 45 to 135 days after the quarter starts, so a lead's forms go out in quarter order, some before the
    quarter ends and some after), a lead skipping quarters at random; joint actions; decisions on days over the
    whole span, recorded from five days before the meeting (counted from the meeting) to twenty days after, or
    on a day forms were sent."""
    rounds = draw(st.integers(1, 5))
    record = []
    for lead in LEAD_NAMES:
        given = draw(st.lists(st.booleans(), min_size=rounds, max_size=rounds))
        for n in (k for k in range(rounds) if given[k]):
            quarter = FIRST_FORMS + n
            day = quarters.start(quarter) + dt.timedelta(days=draw(st.integers(45, 135)))
            record.append({"quarter": quarter, "council": COUNCIL, "lead": lead, "sent_on": day, "form_file": "x"})
    leads = [
        {"council": COUNCIL, "lead": lead, "review_id": "made-up", "action_ref": ref}
        for ref in ACTION_REFS
        for lead in draw(st.sets(st.sampled_from(LEAD_NAMES), min_size=1, max_size=2))
    ]
    # The same lead's name at another council, on action 1: never told this council's decisions.
    leads.append({"council": OTHER, "lead": LEAD_NAMES[0], "review_id": "made-up", "action_ref": "1"})
    first_day = quarters.end(FIRST_FORMS - 1) - dt.timedelta(days=30)
    decisions = []
    form_days = sorted({row["sent_on"] for row in record})
    for n in range(draw(st.integers(0, 12))):
        decided = first_day + dt.timedelta(days=draw(st.integers(0, 92 * (rounds + 1))))
        recorded = decided + dt.timedelta(days=draw(st.integers(-5, 20)))
        if form_days and draw(st.booleans()):  # recorded on a day forms went out: on that day's form, not the next
            recorded = draw(st.sampled_from(form_days))
            decided = recorded - dt.timedelta(days=draw(st.integers(0, 20)))
        decisions.append(
            {
                "review_id": draw(st.sampled_from(["made-up", "other-review"])),
                "action_ref": draw(st.sampled_from(ACTION_REFS)),
                "decided_on": pd.Timestamp(decided),
                "recorded_on": pd.Timestamp(recorded),
                "minute": f"{n}/27",
            }
        )
    frame = pd.DataFrame(decisions, columns=["review_id", "action_ref", "decided_on", "recorded_on", "minute"])
    return pd.DataFrame(record, columns=RECORD_COLUMNS), pd.DataFrame(leads), frame


def _window_start(record: pd.DataFrame, lead: str, quarter: pd.Period) -> dt.date:
    """Worked out from the rule as decision_window's docstring states it, from the record's rows."""
    own = record[(record["lead"] == lead) & (record["quarter"] < quarter)]
    if len(own):
        return own.loc[own["quarter"].idxmax(), "sent_on"]
    earlier = record[record["quarter"] < quarter]
    if len(earlier):
        return max(earlier.loc[earlier["quarter"] == earlier["quarter"].max(), "sent_on"])
    return quarters.end(quarter - 1)


# Under `make mutants` the cases are the same every run, so a mutant is killed or not for what it does.
@settings(max_examples=60, deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
@given(calendars())
def test_over_any_calendar_each_decision_reaches_each_lead_of_its_action_once(calendar):
    record, leads, decisions = calendar
    ws = SimpleNamespace(decisions=decisions, action_leads=leads)
    for lead in LEAD_NAMES:
        mine = record[record["lead"] == lead].sort_values("quarter")
        if mine.empty:
            continue
        told = {
            row["quarter"]: list(
                form_rows.decisions_since_last_form(ws, row["quarter"], form_rows.Lead(COUNCIL, lead), record)["minute"]
            )
            for row in mine.to_dict("records")
        }
        theirs = set(leads.loc[(leads["council"] == COUNCIL) & (leads["lead"] == lead), "action_ref"])
        start = _window_start(record, lead, mine["quarter"].iloc[0])
        for d in decisions.to_dict("records"):
            known = max(d["decided_on"], d["recorded_on"]).date()
            on = [q for q, minutes in told.items() for m in minutes if m == d["minute"]]
            if d["review_id"] != "made-up" or d["action_ref"] not in theirs:
                assert on == [], d  # not this lead's action (another review's action 1 is not theirs)
            elif start < known <= max(mine["sent_on"]):
                first = min(q for q, day in zip(mine["quarter"], mine["sent_on"], strict=True) if day >= known)
                assert on == [first], d
            else:
                assert on == [], d  # known before the lead's first window opened, or after their last form
