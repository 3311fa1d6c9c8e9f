"""The committee's decisions (helpers.tracking.decisions, helpers.cycle.decision_sheets, the report's decision section).

Expectations come from the stated rules (README "The committee decides", the
docstring of helpers.tracking.decisions) and the action plans in data/raw, not from the
code's output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.base import quarters
from helpers.base.errors import InputError
from helpers.base.quarters import parse_quarter
from helpers.committee import covering, decision_tables, front_matter, report_audiences
from helpers.tracking import council_settings as report_settings
from helpers.tracking import decisions, requests, workspace

UPDATE_HEADER = "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,evidence,lead\n"
DECISION_HEADER = (
    "review_id,action_ref,kind,decision,decided_on,requested_on,lead,decided_by,minute,amended_target,note\n"
)


def _write(data: Path, folder: str, name: str, text: str) -> Path:
    path = data / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _status(ws: workspace.Workspace, label: str) -> pd.DataFrame:
    return ws.status(parse_quarter(label)).set_index(["review_id", "action_ref"])


# 2021-finance 31 ("Carry out a staff survey ...", target March 2022, lead Corporate Services Leadership Team).
REQUEST = (
    "2021-finance,31,In progress,Survey designed; fieldwork delayed.,2024-06-20,March 2025,"
    "Fieldwork delayed by the restructure.,,Corporate Services Leadership Team\n"
)
# 2021-finance 33 (target November 2021, lead Corporate Director Finance & Commercial).
CLAIM = (
    "2021-finance,33,Complete,Training delivered to all budget managers.,2024-06-14,,,"
    "https://example.org/training-log,Corporate Director Finance & Commercial\n"
)


@pytest.fixture
def requested(data_copy: Path) -> Path:
    """A copy of data/ with a revision request (31) and a completion claim (33) in 2024/25 Q1."""
    _write(data_copy, "updates", "2024-25-Q1.csv", UPDATE_HEADER + REQUEST + CLAIM)
    return data_copy


# --- The effect of a decision on status -------------------------------------------------------------


def test_a_request_is_pending_until_the_committee_decides(requested: Path):
    ws = workspace.load_workspace()
    row = _status(ws, "2024/25 Q2").loc[("2021-finance", "31")]
    assert row["revision_requested"]
    assert row["current_target_date"] == pd.Timestamp("2022-03-31")  # the plan's "March 2022" still stands


def test_an_agreed_revision_moves_the_target_from_the_meeting_day(requested: Path):
    _write(
        requested,
        "decisions",
        "2024-25-Q1.csv",
        DECISION_HEADER + "2021-finance,31,revision,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,"
        "Audit and Governance Committee,45/24,,\n",
    )
    ws = workspace.load_workspace()
    # The meeting (12 Sep 2024) falls in 2024/25 Q2: the 2024/25 Q1 report still shows the request.
    q1, q2 = (
        _status(ws, "2024/25 Q1").loc[("2021-finance", "31")],
        _status(ws, "2024/25 Q2").loc[("2021-finance", "31")],
    )
    assert q1["revision_requested"] and q1["current_target_date"] == pd.Timestamp("2022-03-31")
    assert not q2["revision_requested"]
    assert q2["current_target_date"] == pd.Timestamp("2025-03-31")  # "March 2025" is the month's last day
    assert q2["status"] == "not-yet-due" and q2["target_revisions"] == 1


def test_an_amended_date_set_by_the_committee_is_the_one_that_counts(requested: Path):
    _write(
        requested,
        "decisions",
        "2024-25-Q1.csv",
        DECISION_HEADER + "2021-finance,31,revision,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,"
        ",45/24,December 2024,The committee would not wait until March.\n",
    )
    row = _status(workspace.load_workspace(), "2024/25 Q2").loc[("2021-finance", "31")]
    assert row["current_target_date"] == pd.Timestamp("2024-12-31")


def test_a_refused_revision_is_no_longer_pending_and_the_target_stands(requested: Path):
    _write(
        requested,
        "decisions",
        "2024-25-Q1.csv",
        DECISION_HEADER + "2021-finance,31,revision,refused,2024-09-12,2024-06-20,Corporate Services Leadership Team,"
        ",45/24,,\n",
    )
    row = _status(workspace.load_workspace(), "2024/25 Q2").loc[("2021-finance", "31")]
    assert not row["revision_requested"]
    assert row["current_target_date"] == pd.Timestamp("2022-03-31")
    assert row["status"] == "overdue"  # past target, and the lead's update says not complete


def test_a_deferred_revision_stays_pending(requested: Path):
    _write(
        requested,
        "decisions",
        "2024-25-Q1.csv",
        DECISION_HEADER + "2021-finance,31,revision,deferred,2024-09-12,2024-06-20,Corporate Services Leadership Team,"
        ",45/24,,\n",
    )
    ws = workspace.load_workspace()
    assert _status(ws, "2024/25 Q2").loc[("2021-finance", "31"), "revision_requested"]
    asked = requests.revision_requests(ws.updates, ws.status(parse_quarter("2024/25 Q2")), parse_quarter("2024/25 Q2"))
    assert list(asked["action_ref"]) == ["31"]


def test_a_refused_closure_reopens_the_action_from_the_meeting_day(requested: Path):
    _write(
        requested,
        "decisions",
        "2024-25-Q1.csv",
        DECISION_HEADER
        + "2021-finance,33,closure,refused,2024-09-12,2024-06-14,Corporate Director Finance & Commercial,"
        ",46/24,,The training log does not cover Place directorate.\n",
    )
    ws = workspace.load_workspace()
    assert _status(ws, "2024/25 Q1").loc[("2021-finance", "33"), "status"] == "complete"
    # From 12 Sep 2024 the claim no longer closes it: past its November 2021 target, with an update since the plan.
    assert _status(ws, "2024/25 Q2").loc[("2021-finance", "33"), "status"] == "overdue"


def test_an_approval_typed_into_the_update_file_is_an_agreed_decision(data_copy: Path):
    _write(
        data_copy,
        "updates",
        "2024-25-Q1.csv",
        "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_by,"
        "revision_approved_on,lead\n"
        "2021-finance,31,In progress,Survey designed.,2024-06-20,March 2025,Delayed.,Audit and Governance Committee,"
        "2024-09-12,Corporate Services Leadership Team\n",
    )
    ws = workspace.load_workspace()
    [made] = ws.decisions.to_dict("records")
    assert (made["kind"], made["decision"], made["decided_on"]) == ("revision", "agreed", pd.Timestamp("2024-09-12"))
    assert _status(ws, "2024/25 Q2").loc[("2021-finance", "31"), "current_target_date"] == pd.Timestamp("2025-03-31")


# --- Bad decision files: one line naming the file and row --------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "2021-finance,31,revision,approved,2024-09-12,2024-06-20,Corporate Services Leadership Team,,,,",
            "decision 'approved' is not one for a revision; use one of agreed, refused, deferred",
        ),
        (
            "2021-finance,31,extension,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,,,,",
            "unknown kind 'extension'",
        ),
        (
            "2021-finance,31,revision,agreed,2024-09-12,2024-06-21,Corporate Services Leadership Team,,,,",
            "no revised target was reported by Corporate Services Leadership Team on 2024-06-21",
        ),
        (
            "2021-finance,31,revision,agreed,2024-06-01,2024-06-20,Corporate Services Leadership Team,,,,",
            "decided_on 2024-06-01 is before the request (2024-06-20)",
        ),
        (
            "2021-finance,31,revision,refused,2024-09-12,2024-06-20,Corporate Services Leadership Team,,,March 2026,",
            "amended_target is only for an agreed revision",
        ),
        (
            "2021-finance,31,revision,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,,,soon,",
            "amended_target",
        ),
        ("2021-finance,99,escalation,noted,2024-09-12,,,,,,", "2021-finance has no action '99'"),
        (
            "2021-finance,33,closure,agreed,12/13/2024,2024-06-14,Corporate Director Finance & Commercial,,,,",
            "12/13/2024 is not a real date",
        ),
    ],
)
def test_a_bad_decision_names_its_file_and_row(requested: Path, row: str, message: str):
    path = _write(requested, "decisions", "2024-25-Q1.csv", DECISION_HEADER + row + "\n")
    with pytest.raises(InputError) as caught:
        workspace.load_workspace()
    assert Path(caught.value.file) == path and caught.value.line == 2
    assert message in caught.value.message


def test_a_request_gets_one_final_decision(requested: Path):
    agreed = "2021-finance,31,revision,agreed,2024-09-12,2024-06-20,Corporate Services Leadership Team,,45/24,,\n"
    refused = "2021-finance,31,revision,refused,2024-12-05,2024-06-20,Corporate Services Leadership Team,,61/24,,\n"
    path = _write(requested, "decisions", "2024-25-Q1.csv", DECISION_HEADER + agreed + refused)
    with pytest.raises(InputError) as caught:
        workspace.load_workspace()
    assert Path(caught.value.file) == path and caught.value.line == 3
    assert "was already agreed on 2024-09-12" in caught.value.message


def test_a_deferral_then_a_decision_is_a_history_not_a_conflict(requested: Path):
    deferred = "2021-finance,31,revision,deferred,2024-09-12,2024-06-20,Corporate Services Leadership Team,,45/24,,\n"
    agreed = "2021-finance,31,revision,agreed,2024-12-05,2024-06-20,Corporate Services Leadership Team,,61/24,,\n"
    _write(requested, "decisions", "2024-25-Q1.csv", DECISION_HEADER + deferred + agreed)
    ws = workspace.load_workspace()
    assert list(ws.decisions["decision"]) == ["deferred", "agreed"]
    assert _status(ws, "2024/25 Q2").loc[("2021-finance", "31"), "revision_requested"]  # deferred on 12 Sep
    assert _status(ws, "2024/25 Q3").loc[("2021-finance", "31"), "current_target_date"] == pd.Timestamp("2025-03-31")


# --- What the report asks the committee to decide -----------------------------------------------------


def _status_row(**values) -> dict:
    base = {
        "review_id": "r",
        "action_ref": "1",
        "status": "not-reported",
        "current_target_date": pd.NaT,
        "last_reported_on": pd.NaT,
        "target_revisions": 0,
    }
    return {**base, **values}


@pytest.mark.parametrize(
    ("target", "reported", "quarter", "expected"),
    [
        # Target October 2023 falls in 2023/24 Q3; whole quarters since: Q4, then 2024/25 Q1.
        ("2023-10-31", None, "2024/25 Q1", 2),
        # A target on a quarter's last day: the quarter after it is the first silent one.
        ("2023-12-31", None, "2024/25 Q1", 2),
        ("2024-01-01", None, "2024/25 Q1", 1),
        # A report after the target resets the count: reported in 2024/25 Q1 itself, so none silent.
        ("2023-10-31", "2024-05-15", "2024/25 Q1", 0),
        ("2023-10-31", "2024-02-01", "2024/25 Q2", 2),
    ],
)
def test_quarters_silent_counts_whole_quarters_since_the_target_or_last_report(target, reported, quarter, expected):
    frame = pd.DataFrame(
        [
            _status_row(
                current_target_date=pd.Timestamp(target),
                last_reported_on=pd.Timestamp(reported) if reported else pd.NaT,
            )
        ]
    )
    assert requests.quarters_silent(frame, parse_quarter(quarter)).iloc[0] == expected


def test_escalation_thresholds_come_from_the_rules():
    frame = pd.DataFrame(
        [
            _status_row(action_ref="quiet", current_target_date=pd.Timestamp("2023-10-31")),  # 2 quarters at Q1
            _status_row(action_ref="recent", current_target_date=pd.Timestamp("2024-02-29")),  # 1 quarter at Q1
            _status_row(
                action_ref="moved",
                status="not-yet-due",
                current_target_date=pd.Timestamp("2025-03-31"),
                target_revisions=3,
            ),
            _status_row(
                action_ref="moved-twice",
                status="not-yet-due",
                target_revisions=2,
                current_target_date=pd.Timestamp("2025-03-31"),
            ),
            _status_row(action_ref="done", status="complete", target_revisions=5),
        ]
    )
    q1 = parse_quarter("2024/25 Q1")
    default = requests.escalations(frame, q1, decisions.DecisionRules())
    assert list(default["action_ref"]) == ["quiet", "moved"]
    stricter = requests.escalations(
        frame, q1, decisions.DecisionRules(escalate_after_quarters=1, escalate_after_revisions=1)
    )
    assert list(stricter["action_ref"]) == ["quiet", "recent", "moved", "moved-twice"]


def _committee(review_id: str) -> str:
    """The committee a review's progress goes to, as its metadata names it."""
    return report_audiences.one_audience([review_id]).committee


def test_the_recommendation_lists_each_kind_of_decision_with_its_table(requested: Path):
    ws = workspace.load_workspace(["2021-finance"])
    q1 = parse_quarter("2024/25 Q1")
    asked = requests.for_quarter(ws, q1)
    assert list(asked.revisions["action_ref"]) == ["31"] and list(asked.closures["action_ref"]) == ["33"]
    letters = requests.table_letters(asked)
    assert letters == {"revision": "Table A", "closure": "Table B", "escalation": "Table C"}
    text = front_matter.recommendation(ws, q1)
    # One of each is worded in the singular.
    assert text.startswith(f"That the {_committee('2021-finance')}: (a) agrees or refuses the revised target date ")
    assert "in Table A; (b) agrees that the action in Table B is complete" in text
    escalated = "the action" if len(asked.escalations) == 1 else f"the {len(asked.escalations)} actions"
    assert f"(c) considers {escalated} escalated in Table C" in text
    assert text.endswith(
        "; and (d) notes the progress made on the actions agreed in response to the council's LGA "
        "peer reviews as at 30 June 2024 (2024/25 Q1)."
    )


def test_with_nothing_to_decide_the_recommendation_only_notes(data_copy: Path):
    (data_copy / "report.yaml").write_text(
        (data_copy / "report.yaml")
        .read_text(encoding="utf-8")
        .replace("escalate_after_quarters: 2", "escalate_after_quarters: 1000"),
        encoding="utf-8",
    )
    report_settings._load.cache_clear()
    ws = workspace.load_workspace(["2021-finance"])
    q = parse_quarter("2023/24 Q4")
    assert requests.for_quarter(ws, q).empty
    assert front_matter.recommendation(ws, q) == (
        f"That the {_committee('2021-finance')} notes the progress made on the actions agreed in response to the "
        "council's LGA peer reviews as at 31 March 2024 (2023/24 Q4)."
    )
    assert "Nothing needs a decision this quarter" in decision_tables.decisions_html(ws, q).data


def test_closures_are_not_asked_for_where_the_council_does_not_close_on_evidence(requested: Path):
    path = requested / "report.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("close_on_evidence: true", "close_on_evidence: false"),
        encoding="utf-8",
    )
    report_settings._load.cache_clear()
    asked = requests.for_quarter(workspace.load_workspace(), parse_quarter("2024/25 Q1"))
    assert asked.closures.empty and list(asked.revisions["action_ref"]) == ["31"]


# --- Settings per council and committee ---------------------------------------------------------------


def test_council_and_committee_settings_override_the_defaults(data_copy: Path):
    from made_up_reviews import COUNCIL, add_both_reviews

    add_both_reviews(data_copy)  # a council the review metadata knows, its CPC monitored by Overview and Scrutiny
    path = data_copy / "report.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + f"  {COUNCIL}:\n"
        "    author_role: Head of Strategy\n"
        "    decisions:\n"
        "      close_on_evidence: true\n"
        "    covering:\n"
        "      implications:\n"
        "        legal: Checked by the monitoring officer.\n"
        "    committees:\n"
        "      Overview and Scrutiny Committee:\n"
        "        contact: scrutiny@example.gov.uk\n",
        encoding="utf-8",
    )
    report_settings._load.cache_clear()
    base = report_settings.settings()
    council = report_settings.settings(COUNCIL, "Cabinet")
    committee_level = report_settings.settings(COUNCIL, "Overview and Scrutiny Committee")
    assert council["author_role"] == "Head of Strategy" and council["decisions"]["close_on_evidence"] is True
    assert base["decisions"]["close_on_evidence"] is False  # the documented default
    # A mapping merges key by key: the other decision rules keep their defaults.
    assert council["covering"]["implications"] == {"legal": "Checked by the monitoring officer."}
    assert council["decisions"]["escalate_after_quarters"] == base["decisions"]["escalate_after_quarters"]
    assert committee_level["contact"] == "scrutiny@example.gov.uk" and council["contact"] == base["contact"]
    assert report_settings.decision_rules(COUNCIL).close_on_evidence


def test_an_unknown_setting_names_its_line(data_copy: Path):
    path = data_copy / "report.yaml"
    text = path.read_text(encoding="utf-8").replace("  escalate_after_revisions: 2", "  escalate_after_revisons: 2", 1)
    path.write_text(text, encoding="utf-8")
    report_settings._load.cache_clear()
    with pytest.raises(InputError) as caught:
        report_settings.settings()
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if t.startswith("  escalate_after_revisons"))
    assert Path(caught.value.file) == path and caught.value.line == line
    assert "unknown setting 'escalate_after_revisons'" in caught.value.message


@pytest.fixture(autouse=True)
def _fresh_settings():
    report_settings._load.cache_clear()
    yield
    report_settings._load.cache_clear()


def test_background_papers_are_the_covered_reviews_documents(data_copy: Path):
    ws = workspace.load_workspace(["2021-finance"])
    papers = covering.background_papers(ws.reviews["documents"])
    assert list(papers["File (data/raw)"]) == ["2021-10-05-cabinet-finance-peer-challenge-action-plan.txt"]
    assert papers["Document"].iloc[0].startswith("Dorset Council Cabinet 5 October 2021")


def test_lateness_is_in_calendar_months():
    # Target 30 November 2021 (a month's last day): 30 months later is 31 May 2024, then 14 days to 14 June.
    late = decision_tables._lateness(pd.Timestamp("2024-06-14"), pd.Timestamp("2021-11-30"))
    assert late == "30 months and 14 days after its target"
    assert decision_tables._lateness(pd.Timestamp("2021-11-30"), pd.Timestamp("2021-11-30")) == "by its target"
    assert (
        decision_tables._lateness(pd.Timestamp("2021-12-10"), pd.Timestamp("2021-11-30")) == "10 days after its target"
    )
    assert decision_tables._lateness(pd.Timestamp("2021-12-10"), pd.NaT) == "no target date to judge against"


def test_meeting_dates_read_day_first():
    from helpers.cycle.decision_sheet_reader import read_meeting_date
    from helpers.cycle.typed_values import TypedDateError

    assert read_meeting_date("14/05/2024") == dt.date(2024, 5, 14)  # day first
    with pytest.raises(TypedDateError, match="'06/05/2024' could be 6 May 2024 or 5 June 2024"):
        read_meeting_date("06/05/2024")  # as on the lead's forms: never guessed
    assert read_meeting_date("12 September 2024") == dt.date(2024, 9, 12)
    assert read_meeting_date("") is None
    assert read_meeting_date(dt.datetime(2024, 9, 12)) == dt.date(2024, 9, 12)
    assert quarters.long_date(read_meeting_date("2024-09-12")) == "12 September 2024"


def test_a_typo_in_the_recommendations_wording_is_one_line_naming_the_line(data_copy: Path):
    path = data_copy / "report.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith("revisions:"))
    path.write_text(text.replace("requested in {table}", "requested in {tabel}"), encoding="utf-8")
    report_settings._load.cache_clear()
    with pytest.raises(InputError) as caught:
        report_settings.settings()
    assert str(caught.value).startswith(f"{path}:{line}: recommendation.revisions: {{tabel}} is not something")
    assert "{table}" in str(caught.value) and "{actions}" in str(caught.value)


def test_the_recommendation_reads_right_for_one_and_for_many():
    one = covering._counted(1)
    many = covering._counted(3)
    assert (one["actions"], one["dates"], one["are"]) == ("the action", "the revised target date", "is")
    assert (many["actions"], many["dates"], many["are"]) == ("the 3 actions", "the 3 revised target dates", "are")


def test_each_escalation_says_why_in_words_the_rules_state():
    # At 2024/25 Q1 (default rules: two whole silent quarters, more than two revisions):
    # - "plan": target Oct 2023, nothing ever reported -> 2 silent quarters, nothing since the plan;
    # - "lapsed": last reported 15 Jun 2023, target Oct 2023 -> silent since the later, the target: 2 quarters;
    # - "both": as "lapsed", and its target moved 3 times.
    frame = pd.DataFrame(
        [
            _status_row(action_ref="plan", current_target_date=pd.Timestamp("2023-10-31")),
            _status_row(
                action_ref="lapsed",
                current_target_date=pd.Timestamp("2023-10-31"),
                last_reported_on=pd.Timestamp("2023-06-15"),
            ),
            _status_row(
                action_ref="both",
                current_target_date=pd.Timestamp("2023-10-31"),
                last_reported_on=pd.Timestamp("2023-06-15"),
                target_revisions=3,
            ),
        ]
    )
    found = requests.escalations(frame, parse_quarter("2024/25 Q1"), decisions.DecisionRules())
    assert dict(zip(found["action_ref"], found["escalation_reason"], strict=True)) == {
        "plan": "nothing reported since the plan; past target for 2 whole quarters",
        "lapsed": "nothing reported for 2 whole quarters since 15 Jun 2023",
        "both": "nothing reported for 2 whole quarters since 15 Jun 2023; target moved 3 times",
    }


def test_an_agreed_revision_records_who_agreed_it_and_keeps_the_log_s_name_where_the_decision_names_none():
    # Two revisions asked on 20 May 2024, both agreed on 12 Sep 2024: the first decision names who decided, the
    # second does not, so its update row keeps the approver already recorded there.
    asked_on = pd.Timestamp("2024-05-20")
    log = pd.DataFrame(
        {
            "review_id": ["2021-finance", "2021-finance"],
            "action_ref": ["31", "32"],
            "origin": ["return", "return"],
            "status": ["In progress", "In progress"],
            "updated_on": [asked_on, asked_on],
            "lead": ["Finance Team", "Finance Team"],
            "revised_target": ["March 2025", "June 2025"],
            "revision_approved_on": [pd.NaT, pd.NaT],
            "revision_approved_by": ["", "Head of Finance"],
        }
    )
    made = pd.DataFrame(
        {
            "review_id": ["2021-finance", "2021-finance"],
            "action_ref": ["31", "32"],
            "kind": [decisions.REVISION, decisions.REVISION],
            "requested_on": [asked_on, asked_on],
            "lead": ["Finance Team", "Finance Team"],
            "decision": [decisions.AGREED, decisions.AGREED],
            "decided_on": [pd.Timestamp("2024-09-12")] * 2,
            "decided_by": ["Audit and Governance Committee", ""],
            "amended_target": ["", ""],
        }
    )
    applied = decisions.apply_decisions(log, made)
    assert list(applied["revision_approved_by"]) == ["Audit and Governance Committee", "Head of Finance"]
    assert list(applied["revision_approved_on"]) == [pd.Timestamp("2024-09-12")] * 2
