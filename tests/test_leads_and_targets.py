"""Lead aliases and target dates, on cells exactly as the documents write them."""
import datetime as dt

import pytest

from helpers.leads import UnknownLead, split_leads
from helpers.targets import UnreadableTarget, parse_target

SLT = "Senior Leadership Team (SLT)"


@pytest.mark.parametrize("cell, leads", [
    ("SLT", [SLT]),
    ("Senior Leadership Team (SLT)", [SLT]),
    ("SLT, Cabinet and Budget Holders", [SLT, "Cabinet", "Budget Holders"]),
    ("Cabinet and SLT", ["Cabinet", SLT]),
    ("Chief Executive / Service Manager Change, Transformation, Innovation and Digital",
     ["Chief Executive", "Service Manager Change, Transformation, Innovation and Digital"]),
    ("Corporate Director for Economic Growth and Infrastructure",
     ["Corporate Director for Economic Growth and Infrastructure"]),
    ("Executive Director for Corporate Development / Corporate Director for Finance and Commercial",
     ["Executive Director Corporate Development", "Corporate Director Finance & Commercial"]),
    ("Children's Services, Children's Accountancy Team", ["Children's Services", "Children's Accountancy Team"]),
    ("Business Partner \u2013 Communities and Partnerships", ["Business Partner \u2013 Communities and Partnerships"]),
    ("", []),
])
def test_joint_leads_split_into_canonical_names(cell, leads):
    assert split_leads(cell) == leads


def test_the_two_spellings_of_the_finance_director_are_one_lead():
    assert split_leads("Corporate Director Finance & Commercial") == \
        split_leads("Corporate Director for Finance and Commercial")


def test_an_unknown_lead_is_reported_not_kept_as_a_new_person():
    with pytest.raises(UnknownLead, match="Head of Parks"):
        split_leads("SLT and Head of Parks")


SOURCE = dt.date(2021, 10, 5)


@pytest.mark.parametrize("cell, date, kind", [
    ("October 2021", dt.date(2021, 10, 31), "month"),
    ("February 2022", dt.date(2022, 2, 28), "month"),
    ("Autumn 2021", dt.date(2021, 11, 30), "season"),
    ("Ongoing", None, "ongoing"),
    ("On-going", None, "ongoing"),
    ("Complete", SOURCE, "complete"),
    ("", None, "none"),
    ("31/03/2024", dt.date(2024, 3, 31), "day"),
])
def test_targets_are_typed(cell, date, kind):
    target = parse_target(cell, SOURCE)
    assert (target.date, target.kind) == (date, kind)


@pytest.mark.parametrize("cell", ["Children's Services, Children's Accountancy Team", "Octember 2021", "soon"])
def test_unreadable_targets_raise(cell):
    with pytest.raises(UnreadableTarget, match="cannot read target"):
        parse_target(cell, SOURCE)
