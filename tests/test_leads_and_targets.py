"""Lead aliases and target dates, on cells exactly as the documents write them."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.leads import UnknownLead, WorkloadCounter, split_leads
from helpers.targets import UnreadableTarget, parse_target

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


SOURCE = dt.date(2021, 10, 5)


@pytest.mark.parametrize(
    "cell, date, kind",
    [
        ("October 2021", dt.date(2021, 10, 31), "month"),
        ("February 2022", dt.date(2022, 2, 28), "month"),
        ("Autumn 2021", dt.date(2021, 11, 30), "season"),
        ("Ongoing", None, "ongoing"),
        ("On-going", None, "ongoing"),
        ("Complete", SOURCE, "complete"),
        ("", None, "none"),
        ("31/03/2024", dt.date(2024, 3, 31), "day"),
        # As other councils write them (issue: any council's action plan).
        ("Oct 24", dt.date(2024, 10, 31), "month"),
        ("Dec 2024", dt.date(2024, 12, 31), "month"),
        ("Sept 2024", dt.date(2024, 9, 30), "month"),
        ("Q3 2024/25", dt.date(2024, 12, 31), "quarter"),  # financial-year Q3 = October to December
        ("2023/24 Q4", dt.date(2024, 3, 31), "quarter"),
        ("by end of March 2024", dt.date(2024, 3, 31), "month"),
        ("Winter 2021", dt.date(2022, 2, 28), "season"),  # Winter ends in February of the following year
        ("Spring 2022", dt.date(2022, 5, 31), "season"),
        # Plans that say the work is part of the day job (data/vocabulary.yaml: ongoing).
        ("Business as Usual", None, "ongoing"),
        ("business as usual.", None, "ongoing"),
        ("BAU", None, "ongoing"),
    ],
)
def test_targets_are_typed(cell, date, kind):
    target = parse_target(cell, SOURCE)
    assert (target.date, target.kind) == (date, kind)


@pytest.mark.parametrize("cell", ["Children's Services, Children's Accountancy Team", "Octember 2021", "soon"])
def test_unreadable_targets_raise(cell):
    with pytest.raises(UnreadableTarget, match="cannot read target"):
        parse_target(cell, SOURCE)


@pytest.mark.parametrize(
    "cell, start",
    [
        ("June 2020 onwards", dt.date(2020, 6, 30)),
        ("July 2023 and ongoing", dt.date(2023, 7, 31)),
    ],
)
def test_a_start_then_ongoing_is_ongoing_from_that_date(cell, start):
    target = parse_target(cell, SOURCE)
    assert (target.date, target.kind, target.start) == (None, "ongoing", start)


def test_several_timescales_keep_each_and_the_last_is_the_target():
    target = parse_target("Oct 24; March 2025", SOURCE)
    assert target.timescales == (dt.date(2024, 10, 31), dt.date(2025, 3, 31))
    assert target.date == dt.date(2025, 3, 31)


def test_an_unreadable_target_suggests_a_correction():
    with pytest.raises(UnreadableTarget, match=r"data/corrections\.csv"):
        parse_target("when resources allow", SOURCE)


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


@settings(max_examples=200, deadline=None)
@given(
    month=st.integers(1, 12),
    year=st.integers(2019, 2035),
    style=st.sampled_from(["%B %Y", "%b %y", "%b %Y", "by end of %B %Y"]),
)
def test_any_month_the_vocabulary_reads_is_that_months_last_day(month, year, style):
    text = dt.date(year, month, 1).strftime(style)
    target = parse_target(text, SOURCE)
    assert target.kind == "month" and (target.date.year, target.date.month) == (year, month)
    assert (target.date + dt.timedelta(days=1)).day == 1


@settings(max_examples=100, deadline=None)
@given(quarter=st.integers(1, 4), year=st.integers(2019, 2035))
def test_any_financial_year_quarter_is_its_last_day(quarter, year):
    target = parse_target(f"Q{quarter} {year}/{str(year + 1)[2:]}", SOURCE)
    # Q1 = April to June, so Q1 ends 30 June, Q2 30 September, Q3 31 December (all in the first year), Q4 31 March.
    ends = {1: dt.date(year, 6, 30), 2: dt.date(year, 9, 30), 3: dt.date(year, 12, 31), 4: dt.date(year + 1, 3, 31)}
    assert (target.date, target.kind) == (ends[quarter], "quarter")


def test_the_workload_table_names_each_group_in_words_with_the_lead_first():
    # Groups of one status take that status's label from the vocabulary; the counts are carried unchanged.
    from helpers.leads import workload_table
    from helpers.vocabulary import status_labels

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
