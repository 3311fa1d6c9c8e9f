"""Lead aliases, joint leads and the workload table, on cells exactly as the documents write them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import edit_file
from helpers.base.errors import InputError
from helpers.base.vocabulary import STATUS_IDS
from helpers.plans.leads import UnknownLead, WorkloadCounter, aliases, lead_names, split_leads, working_leads, workload
from made_up_reviews import extract_refuses

SLT = "Senior Leadership Team (SLT)"
DORSET = "Dorset Council"  # leads.csv scopes every alias to a council


@pytest.mark.parametrize(
    "cell, leads",
    [
        ("SLT", [SLT]),
        ("Senior Leadership Team (SLT)", [SLT]),
        ("SLT, Cabinet and Budget Holders", [SLT, "Cabinet", "Budget Holders"]),
        ("Cabinet and SLT", ["Cabinet", SLT]),
        (
            "Chief Executive / Service Manager Change, Transformation, Innovation and Digital",
            ["Chief Executive", "Service Manager Change, Transformation, Innovation and Digital"],
        ),
        (
            "Corporate Director for Economic Growth and Infrastructure",
            ["Corporate Director for Economic Growth and Infrastructure"],
        ),
        (
            "Executive Director for Corporate Development / Corporate Director for Finance and Commercial",
            ["Executive Director Corporate Development", "Corporate Director Finance & Commercial"],
        ),
        ("Children's Services, Children's Accountancy Team", ["Children's Services", "Children's Accountancy Team"]),
        (
            "Business Partner \u2013 Communities and Partnerships",
            ["Business Partner \u2013 Communities and Partnerships"],
        ),
        ("", []),
    ],
)
def test_joint_leads_split_into_canonical_names(cell, leads):
    assert split_leads(cell, DORSET) == leads


def test_the_two_spellings_of_the_finance_director_are_one_lead():
    assert split_leads("Corporate Director Finance & Commercial", DORSET) == split_leads(
        "Corporate Director for Finance and Commercial", DORSET
    )


def test_an_unknown_lead_is_reported_not_kept_as_a_new_person():
    with pytest.raises(UnknownLead, match="Head of Parks"):
        split_leads("SLT and Head of Parks", DORSET)


def test_leads_belong_to_their_council():
    # "SLT" is an alias at Dorset only: at another council it is unknown until declared for that council.
    with pytest.raises(UnknownLead, match="Another Council"):
        split_leads("SLT", "Another Council")


def _leads(rows):
    return pd.DataFrame(rows, columns=["review_id", "action_ref", "council", "lead", "role", "lead_position", "joint"])


def test_workload_counts_the_responsible_lead_over_the_accountable_one():
    # A plan laid out Ref, Recommendation, Position, Accountable, Responsible (README, "Adding a review"):
    # R1 has both roles, R2 only an accountable lead, R3 one lead column naming two people jointly.
    council = "Wessex Vale District Council"
    action_leads = _leads(
        [
            ("x", "R1", council, "Chief Executive", "accountable", 1, False),
            ("x", "R1", council, "Head of Policy", "responsible", 1, False),
            ("x", "R2", council, "Section 151 Officer", "accountable", 1, False),
            ("x", "R3", council, "Cabinet", "lead", 1, True),
            ("x", "R3", council, "Head of Policy", "lead", 2, True),
        ]
    )
    actions = pd.DataFrame({"review_id": ["x", "x", "x"], "action_ref": ["R1", "R2", "R3"]})
    table = WorkloadCounter(action_leads, actions).count(["overdue", "complete", "ongoing"])
    totals = table["total"].droplevel("council").to_dict()
    # Head of Policy: R1 (responsible) and R3 (joint); Section 151 Officer: R2 (accountable, no one else named);
    # Cabinet: R3 (joint); the Chief Executive is only accountable for R1, where someone is responsible.
    assert totals == {"Head of Policy": 2, "Section 151 Officer": 1, "Cabinet": 1}
    assert table.loc[(council, "Head of Policy"), "overdue"] == 1
    assert table.loc[(council, "Head of Policy"), "open"] == 1


def test_the_workload_table_names_each_group_in_words_with_the_lead_first():
    # Groups of one status take that status's label from the vocabulary; the counts are carried unchanged.
    from helpers.base.vocabulary import status_labels
    from helpers.plans.leads import workload_table

    counted = pd.DataFrame(
        {"open": [3], "overdue": [1], "not-reported": [2], "complete": [4], "total": [10]},
        index=pd.Index(["Head of Finance"], name="lead"),
    )
    labels = status_labels()
    shown = workload_table(counted)
    assert list(shown.columns) == [
        "Lead",
        "Open",
        labels["overdue"],
        labels["not-reported"],
        labels["complete"],
        "Total",
    ]
    assert shown.iloc[0].tolist() == ["Head of Finance", 3, 1, 2, 4, 10]


# From test_mutation_leads.py: Leads, to the letter: the alias file's checks, joint leads, and workload counts worked out by hand.

VALE, DOWNS = "Wessex Vale District Council", "Downs Borough Council"


@pytest.fixture
def leads_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write data/leads.csv in a fresh data folder; returns the writer."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("PEER_REVIEW_DATA", str(folder))

    def write(rows: str) -> Path:
        path = folder / "leads.csv"
        path.write_text("council,lead,alias,note\n" + rows, encoding="utf-8")
        return path

    return write


def test_the_alias_file_refuses_a_row_without_council_or_lead(leads_file):
    path = leads_file(f"{VALE},Chief Executive,CEx,\n,Head of Policy,,\n")
    with pytest.raises(InputError) as err:
        aliases(VALE)
    assert (err.value.file, err.value.line, err.value.message) == (
        path,
        3,
        "every lead needs its council (the same title at two councils is two leads)",
    )


def test_the_alias_file_refuses_an_empty_lead(leads_file):
    path = leads_file(f"{VALE},Chief Executive,,\n{VALE},,CEx,\n")
    with pytest.raises(InputError) as err:
        aliases(VALE)
    assert (err.value.file, err.value.line, err.value.message) == (path, 3, "empty lead name")


def test_one_alias_for_two_leads_at_one_council_is_refused(leads_file):
    path = leads_file(f"{VALE},Chief Executive,The Boss,\n{DOWNS},Leader,The Boss,\n{VALE},Leader,the boss.,\n")
    with pytest.raises(InputError) as err:
        aliases(VALE)
    assert (err.value.file, err.value.line, err.value.message) == (
        path,
        4,
        f"'the boss.' is already an alias of 'Chief Executive' at {VALE}",
    )


def test_aliases_are_per_council_and_match_however_they_are_spelt(leads_file):
    leads_file(
        f"{VALE},Chief Executive,CEx,\n"
        f"{VALE},Chief Executive,Chief Exec.,\n"
        f"{VALE},Director \u2013 People,Director - People's Services,\n"
        f"{DOWNS},Chief Executive,CE,\n"
    )
    assert aliases(VALE) == {
        "chief executive": "Chief Executive",
        "cex": "Chief Executive",
        "chief exec": "Chief Executive",
        "director - people": "Director \u2013 People",
        "director - people's services": "Director \u2013 People",
    }
    assert aliases(" wessex  VALE district council. ") == aliases(VALE)
    assert aliases(DOWNS) == {"chief executive": "Chief Executive", "ce": "Chief Executive"}
    # Curly apostrophes, en and em dashes, spacing, case and a full stop at the end do not matter.
    assert split_leads("  DIRECTOR \u2014 People\u2019s   Services. ", VALE) == ["Director \u2013 People"]


def test_joint_leads_split_only_into_known_names_fewest_first(leads_file):
    leads_file(
        f"{VALE},Policy and Performance,,\n"
        f"{VALE},Policy,,\n"
        f"{VALE},Performance,,\n"
        f"{VALE},Cabinet,,\n"
        f"{VALE},Chief Executive,CEx,\n"
    )
    assert split_leads("", VALE) == [] and split_leads(" \n ", VALE) == [] and split_leads(None, VALE) == []
    assert split_leads("Policy and Performance", VALE) == ["Policy and Performance"]  # one name, not two
    assert split_leads("Cabinet / Policy and Performance", VALE) == ["Cabinet", "Policy and Performance"]
    assert split_leads("CEx, Cabinet and Policy", VALE) == ["Chief Executive", "Cabinet", "Policy"]
    assert split_leads("Cabinet and CEx and Cabinet", VALE) == ["Cabinet", "Chief Executive"]  # once each
    assert split_leads("Performance\nand Cabinet", VALE) == ["Performance", "Cabinet"]
    with pytest.raises(UnknownLead) as err:
        split_leads("Cabinet, Head of Parks and Leisure", VALE)
    assert str(err.value) == (
        f"unknown lead 'Cabinet, Head of Parks and Leisure' at {VALE} (not in data/leads.csv: 'Head of Parks', "
        "'Leisure'); add it, or an alias for an existing lead, to data/leads.csv with that council"
    )


# --- Workload ----------------------------------------------------------------------------------------------------


def _action_leads(rows):
    return pd.DataFrame(rows, columns=["review_id", "action_ref", "council", "lead", "role", "lead_position", "joint"])


ACTIONS = pd.DataFrame({"review_id": ["r"] * 6, "action_ref": ["1", "2", "3", "4", "5", "6"]})
LEADS = _action_leads(
    [
        ("r", "1", VALE, "Policy", "lead", 1, False),
        ("r", "2", VALE, "Policy", "responsible", 1, False),
        ("r", "2", VALE, "Chief Executive", "accountable", 1, False),
        ("r", "3", VALE, "Chief Executive", "accountable", 1, False),
        ("r", "4", VALE, "Cabinet", "lead", 1, True),
        ("r", "4", VALE, "Policy", "lead", 2, True),
        ("r", "5", VALE, "Cabinet", "lead", 1, False),
        ("r", "6", VALE, "Leisure", "lead", 1, False),
    ]
)


def test_working_leads_are_the_responsible_or_lead_else_the_accountable():
    working = working_leads(LEADS)
    assert sorted(zip(working["action_ref"], working["lead"], strict=True)) == [
        ("1", "Policy"),
        ("2", "Policy"),  # responsible beats accountable
        ("3", "Chief Executive"),  # accountable, no one else named
        ("4", "Cabinet"),
        ("4", "Policy"),
        ("5", "Cabinet"),
        ("6", "Leisure"),
    ]
    assert list(working.index) == list(range(len(working)))


def test_workload_groups_each_status_and_sorts_by_total_then_overdue():
    statuses = ["overdue", "not-yet-due", "not-reported", "overdue", "complete", "no-action"]
    table = WorkloadCounter(LEADS, ACTIONS).count(statuses)
    # Policy: 1 overdue, 2 open (not yet due), 4 overdue -> total 3; Cabinet: 4 overdue, 5 complete -> 2;
    # Chief Executive: 3 not reported -> 1; Leisure: 6 has "no action", which no group counts -> not listed.
    assert table.to_dict("index") == {
        (VALE, "Policy"): {"open": 1, "overdue": 2, "not-reported": 0, "complete": 0, "total": 3},
        (VALE, "Cabinet"): {"open": 0, "overdue": 1, "not-reported": 0, "complete": 1, "total": 2},
        (VALE, "Chief Executive"): {"open": 0, "overdue": 0, "not-reported": 1, "complete": 0, "total": 1},
    }
    assert list(table.index.names) == ["council", "lead"]
    codes = np.array([STATUS_IDS.index(s) for s in statuses])
    assert WorkloadCounter(LEADS, ACTIONS).count(codes).equals(table)  # status codes count the same as ids
    assert (table.dtypes == "int64").all()


def test_workload_ties_on_total_go_to_the_most_overdue_and_then_keep_their_order():
    statuses = ["complete", "overdue", "overdue", "not-yet-due", "ongoing", "no-target"]
    table = WorkloadCounter(LEADS, ACTIONS).count(statuses)
    # Policy: 1 complete, 2 overdue, 4 open -> 3; Cabinet: 4 open, 5 open -> 2; Chief Executive: 3 overdue -> 1;
    # Leisure: 6 open -> 1. Chief Executive and Leisure tie on 1: the overdue one first.
    assert [lead for _, lead in table.index] == ["Policy", "Cabinet", "Chief Executive", "Leisure"]
    statuses = ["complete", "complete", "not-yet-due", "complete", "complete", "ongoing"]
    table = WorkloadCounter(LEADS, ACTIONS).count(statuses)
    # Chief Executive and Leisure again tie (1 each, none overdue): the order leads sort in is kept (C before L).
    assert [lead for _, lead in table.index] == ["Policy", "Cabinet", "Chief Executive", "Leisure"]


def test_display_names_add_the_council_only_when_there_are_several():
    one = WorkloadCounter(LEADS, ACTIONS).count(["overdue"] * 6, display_names=True)
    assert one.index.name == "lead" and set(one.index) == {"Policy", "Chief Executive", "Cabinet", "Leisure"}
    two_councils = pd.concat([LEADS, _action_leads([("r", "6", DOWNS, "Leisure", "lead", 1, False)])])
    both = WorkloadCounter(two_councils, ACTIONS).count(["overdue"] * 6, display_names=True)
    assert f"Leisure ({DOWNS})" in both.index and f"Policy ({VALE})" in both.index
    several = pd.DataFrame(index=pd.MultiIndex.from_tuples([(VALE, "A"), (DOWNS, "B")], names=["council", "lead"]))
    assert lead_names(several) == [f"A ({VALE})", f"B ({DOWNS})"]
    single = pd.DataFrame(index=pd.MultiIndex.from_tuples([(VALE, "A"), (VALE, "B")], names=["council", "lead"]))
    assert lead_names(single) == ["A", "B"]


def test_workload_of_a_status_table():
    status = ACTIONS.assign(status=["overdue", "overdue", "complete", "complete", "complete", "ongoing"])
    table = workload(status, LEADS)
    assert table["total"].to_dict() == {
        (VALE, "Policy"): 3,
        (VALE, "Cabinet"): 2,
        (VALE, "Chief Executive"): 1,
        (VALE, "Leisure"): 1,
    }
    assert table.loc[(VALE, "Policy"), "overdue"] == 2 and table.loc[(VALE, "Leisure"), "open"] == 1


def test_the_fewest_names_win_and_a_tie_keeps_the_last_name_longest(leads_file):
    leads_file(
        f'{VALE},Audit,,\n{VALE},Risk,,\n{VALE},"Audit, Risk and Assurance",,\n'
        f"{VALE},Assurance and Planning,,\n{VALE},Planning,,\n{VALE},Assurance,,\n{VALE},Risk and Assurance,,\n"
    )
    # Audit | Risk | Assurance and Planning (3 names), or Audit, Risk and Assurance | Planning (2): two win.
    assert split_leads("Audit, Risk and Assurance and Planning", VALE) == ["Audit, Risk and Assurance", "Planning"]
    # Audit | Risk and Assurance, or Audit, Risk and Assurance... here one name covers it all.
    assert split_leads("Audit, Risk and Assurance", VALE) == ["Audit, Risk and Assurance"]
    # Risk | Assurance and Planning, or Risk and Assurance | Planning: two names each; the last name longest.
    assert split_leads("Risk and Assurance and Planning", VALE) == ["Risk", "Assurance and Planning"]


def test_a_name_ending_in_x_is_not_another_name(leads_file):
    leads_file(f"{VALE},AX,,\n{VALE},A,,\n")
    assert split_leads("AX", VALE) == ["AX"] and split_leads("A.", VALE) == ["A"]


def test_an_unknown_lead_is_quoted_with_its_spacing_tidied(leads_file):
    leads_file(f"{VALE},Cabinet,,\n")
    with pytest.raises(UnknownLead) as err:
        split_leads("Cabinet\nand   Zed", VALE)
    assert str(err.value).startswith(f"unknown lead 'Cabinet and Zed' at {VALE} (not in data/leads.csv: 'Zed')")


def test_a_lead_beats_an_accountable_one_and_the_columns_stay_as_they_were():
    both = _action_leads(
        [("r", "7", VALE, "Chief Executive", "accountable", 1, False), ("r", "7", VALE, "Policy", "lead", 1, False)]
    )
    working = working_leads(both)
    assert working["lead"].tolist() == ["Policy"]
    assert list(working.columns) == list(both.columns) and list(working.index) == [0]


def test_ties_in_workload_list_leads_in_name_order_whatever_order_they_come_in():
    leads = _action_leads([("r", "1", VALE, "Zeta", "lead", 1, False), ("r", "2", VALE, "Alpha", "lead", 1, False)])
    actions = ACTIONS.iloc[:2]
    table = WorkloadCounter(leads, actions).count(["ongoing", "ongoing"])
    assert [lead for _, lead in table.index] == ["Alpha", "Zeta"]


def test_statuses_no_group_counts_are_left_out_even_the_last_one():
    last = STATUS_IDS[-1]
    statuses = ["overdue", last, "incomplete-source", "no-action", "bogus", "complete"]
    table = WorkloadCounter(LEADS, ACTIONS).count(statuses)
    # 1 Policy overdue; 2 Policy (last id), 3 Chief Executive, 4 Cabinet and Policy, 5 Cabinet: not counted;
    # 6 Leisure complete.
    assert table["total"].to_dict() == {(VALE, "Policy"): 1, (VALE, "Leisure"): 1}


# --- Bad input: a lead not in data/leads.csv.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

FINANCE = "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"
BAD_INPUT = {
    "unknown lead": (
        lambda d: edit_file(d, FINANCE, "\tCSAMG\n", "\tCSAMG and the Mayor\n"),
        "2021-10-05-cabinet-finance-peer-challenge-action-plan.txt:145",
        "unknown lead",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
