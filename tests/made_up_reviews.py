"""Made-up reviews of another council, as data files: the shapes the tests add to a copy of data/.

Shared by the tests of plans, tracking, publishing and the two-council run, so no test file imports another.
Each document is a real shape councils publish (see tests/plans/test_reviews.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

COUNCIL = "Wessex Vale District Council"  # made up

TAB_PLAN = """Wessex Vale District Council
Cabinet, 4 March 2024: Corporate Peer Challenge action plan

Ref\tRecommendation\tPosition\tAccountable\tResponsible\tTimescale\tStatus
R1\tAgree a clear set of priorities for the council plan.\tAgreed. A new council plan will be drafted with members.\tChief Executive\tHead of Policy\tOct 24\tIn progress
R2\tStrengthen budget monitoring and forecasting.\tAgreed. Monthly monitoring reports go to Cabinet.\tSection 151 Officer\tHead of Finance\tDec 2024\tComplete
R3\tPublish monthly finance figures for members.\tTo be addressed through 2, above\tSection 151 Officer\t\t\t
R4\tReview the member development programme.\tAgreed.\tMonitoring Officer\tHead of Democratic Services\tJune 2020 onwards\tNot started
R5\tKeep the corporate risk register under review.\tAgreed.\tChief Executive\tHead of Policy\tBusiness as Usual\tIn progress

Background papers: none.
"""

TAB_META = f"""id: 2024-wessex-cpc
title: Wessex Vale corporate peer challenge 2024
council: {COUNCIL}
kind: corporate peer challenge
visit: {{start: unknown, end: unknown, note: No document gives the visit dates.}}
action_plan:
  approved_on: unknown
  approved_by: Cabinet
  monitored_by: Overview and Scrutiny Committee
  note: The plan was published on 4 March 2024; the approving decision is not in the documents.
tracked_from: 2024-03-04
source_date: 2024-03-04
recommendations_expected: 5
documents:
  - file: 2024-03-04-wessex-vale-cpc-action-plan.txt
action_plan_table:
  file: 2024-03-04-wessex-vale-cpc-action-plan.txt
  header: "Ref\\tRecommendation\\tPosition\\tAccountable\\tResponsible\\tTimescale\\tStatus"
  columns: [rec_ref, recommendation, response, accountable, responsible, target, status]
"""

WEB_PAGE = """Wessex Vale District Council - Planning peer challenge: our response (web page, June 2024)
1. Speed up the determination of planning applications.
Actions: 1.1 New validation checklist (Head of Planning, Oct 24). 1.2 Recruit two planning officers (Head of HR, Dec 2024).
2. Agree a timetable for the local plan.
Action: publish a local development scheme (Head of Planning, by end of March 2025).
3. Improve engagement with parish councils.
Action: [text cut off in the published page]
"""

TRANSCRIPTION = """rec_ref,recommendation,response,section,action_ref,action,accountable,responsible,lead,target,status,progress,source,incomplete,note
1,Speed up the determination of planning applications.,Agreed,Development management,1.1,New validation checklist,,,Head of Planning,Oct 24,,,lines 2-3,,
1,,,,1.2,Recruit two planning officers,,,Head of HR,Dec 2024,,,lines 2-3,,
2,Agree a timetable for the local plan.,Agreed,Local plan,,Publish a local development scheme,,,Head of Planning,by end of March 2025,,,lines 4-5,,
3,Improve engagement with parish councils.,,Place,,,,,,,,,lines 6-7,the action text is cut off in the published page,
"""

WEB_META = f"""id: 2024-wessex-planning
title: Wessex Vale planning peer challenge 2024
council: {COUNCIL}
kind: planning peer challenge
visit: {{start: 2024-02-05, end: 2024-02-08}}
action_plan: {{approved_on: 2024-06-11, approved_by: Planning Committee}}
source_date: 2024-06-11
recommendations_expected: 3
documents:
  - file: 2024-06-wessex-vale-planning-response.txt
transcription:
  file: transcriptions/2024-wessex-planning.csv
  document: 2024-06-wessex-vale-planning-response.txt
"""

LEADS = "".join(
    f"{COUNCIL},{name},,\n"
    for name in [
        "Chief Executive",
        "Head of Policy",
        "Section 151 Officer",
        "Head of Finance",
        "Monitoring Officer",
        "Head of Democratic Services",
        "Head of Planning",
        "Head of HR",
        "Head of Housing",
    ]
)


# Recommendations without numbers; timescales in a list of their own, after the actions; cut off at the foot.
HOUSING_PAGE = """Wessex Vale District Council - Housing peer review: our response (web page, July 2024)
Recommendation: Publish a housing delivery plan.
Action: draft the plan with registered providers.
Recommendation: Bring empty homes back into use.
Actions: appoint an empty homes officer; review council tax premiums on empty homes.
Recommendation: Improve the housing register.
Action: move the register online.
Timescales: housing delivery plan - March 2025; empty homes officer - Sept 2024; council tax premiums -
Business as Usual; housing register - Q3 2024/25.
Recommendation: Review temporary accommo
"""

HOUSING_TRANSCRIPTION = """rec_ref,recommendation,action,lead,target,source,note
,Publish a housing delivery plan.,Draft the plan with registered providers,Head of Housing,March 2025,"lines 2-3, timescale line 8",timescale listed apart from the action
,Bring empty homes back into use.,Appoint an empty homes officer,Head of Housing,Sept 2024,"lines 4-5, timescale line 8",
,,Review council tax premiums on empty homes,Head of Finance,Business as Usual,"lines 4-5, timescales lines 8-9",
,Improve the housing register.,Move the register online,Head of Housing,Q3 2024/25,"lines 6-7, timescale line 9",
"""

HOUSING_META = f"""id: 2024-wessex-housing
title: Wessex Vale housing peer review 2024
council: {COUNCIL}
kind: other peer review
visit: {{start: 2024-05, end: 2024-05, note: The page says the peers visited in May 2024.}}
action_plan: {{approved_on: unknown, approved_by: unknown, note: The page does not say who approved the plan or when.}}
tracked_from: 2024-07-01
source_date: 2024-07-01
recommendations_expected: unknown
recommendations_note: the published page is cut off during a fourth recommendation
documents:
  - file: 2024-07-wessex-vale-housing-response.txt
transcription:
  file: transcriptions/2024-wessex-housing.csv
  document: 2024-07-wessex-vale-housing-response.txt
"""


def add_document(data: Path, name: str, text: str) -> None:
    """A raw document with its manifest line, as the README's 'Adding a review' says."""
    (data / "raw" / name).write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    manifest = data / "raw" / "manifest.csv"
    if f"\n{name}," in manifest.read_text(encoding="utf-8"):
        return  # already added (this suite also runs inside a workspace these reviews were added to)
    with manifest.open("a", encoding="utf-8") as f:
        f.write(f"{name},{name},,source,{digest},{len(text.encode())},made up for a test\n")


def add_both_reviews(data: Path) -> None:
    add_document(data, "2024-03-04-wessex-vale-cpc-action-plan.txt", TAB_PLAN)
    add_document(data, "2024-06-wessex-vale-planning-response.txt", WEB_PAGE)
    (data / "reviews" / "2024-wessex-cpc.yaml").write_text(TAB_META, encoding="utf-8")
    (data / "reviews" / "2024-wessex-planning.yaml").write_text(WEB_META, encoding="utf-8")
    (data / "transcriptions" / "2024-wessex-planning.csv").write_text(TRANSCRIPTION, encoding="utf-8")
    add_leads(data, LEADS)


def add_leads(data: Path, rows: str) -> None:
    """Append the lead rows data/leads.csv does not hold yet."""
    path = data / "leads.csv"
    held = set(path.read_text(encoding="utf-8").splitlines())
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in rows.splitlines() if line not in held))


def add_housing_review(data: Path) -> None:
    add_document(data, "2024-07-wessex-vale-housing-response.txt", HOUSING_PAGE)
    (data / "reviews" / "2024-wessex-housing.yaml").write_text(HOUSING_META, encoding="utf-8")
    (data / "transcriptions" / "2024-wessex-housing.csv").write_text(HOUSING_TRANSCRIPTION, encoding="utf-8")


def expected_audiences(data: Path, by: str | None = None) -> dict[tuple[str, str], list[str]]:
    """{(council, committee): [review ids]} from the metadata files and data/report.yaml, by the stated rule;
    with `by` (an ISO date), only reviews that count by then: tracked from the plan's approval, else from
    `tracked_from`."""
    settings = yaml.safe_load((data / "report.yaml").read_text(encoding="utf-8"))
    councils = settings.get("councils") or {}
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted((data / "reviews").glob("*.yaml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        plan = meta.get("action_plan") or {}
        approved = plan.get("approved_on")
        start = str(approved if approved not in (None, "unknown") else meta.get("tracked_from"))
        if by is not None and start > by:
            continue
        council = meta["council"]
        committee = (meta.get("action_plan") or {}).get("monitored_by") or (councils.get(council) or {}).get(
            "committee", ""
        )
        found.setdefault((council, committee), []).append(meta["id"])
    return found


def folder_part(text: str) -> str:
    """The folder-name rule as reports/README.md states it: letters and digits, "&" as "and", hyphens between."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text.replace("&", " and ")).strip("-")


def extract_refuses(data: Path, breaks, where: str, what: str) -> None:
    """Extraction, run as a user would on `data` after `breaks(data)`, stops with one plain line naming `where` and
    saying `what`, and leaves the processed tables exactly as they were (nothing half-written, no temporary files).

    Shared by the bad-input cases of each reader and loader, each kept beside the tests of the rule it pins.
    """
    from conftest import run_module

    good = run_module("helpers.plans.extract", data=data)
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in (data / "processed").glob("*.csv")}
    assert before

    breaks(data)
    bad = run_module("helpers.plans.extract", data=data)

    assert bad.returncode == 1
    message = bad.stderr.strip()
    assert "Traceback" not in bad.stderr
    assert len(message.splitlines()) == 1, message
    assert where in message and what in message, message
    after = {p.name: p.read_bytes() for p in (data / "processed").glob("*")}
    assert after == before  # nothing half-written, no temporary files left behind


# A council whose only review's plan is not held: nothing transcribed, monitored by its Cabinet.
NOTHING_COUNCIL = "Kennet Down Borough Council"  # made up
NOTHING_DOC = "2023-02-01-kennet-down-cabinet-peer-challenge-progress.txt"
NOTHING_META = f"""id: 2022-kennet-down-cpc
title: Corporate peer challenge 2022
council: {NOTHING_COUNCIL}
kind: corporate peer challenge
visit: {{start: 2022-10, end: 2022-10, note: The report gives the month of the visit only.}}
action_plan:
  approved_on: unknown
  approved_by: Cabinet
  monitored_by: Cabinet
  note: Cabinet approved the plan in December 2022; the day is not given.
  not_obtained: Annex 1 of the Cabinet report, not in the published text
tracked_from: 2022-12-31
source_date: 2023-02-01
recommendations_expected: 6
documents:
  - file: {NOTHING_DOC}
"""


def add_review_with_nothing_transcribed(data: Path) -> None:
    """NOTHING_COUNCIL's review, as data files only (its metadata and the document it cites)."""
    add_document(data, NOTHING_DOC, f"{NOTHING_COUNCIL}\nCabinet, 1 February 2023: progress on the action plan.\n")
    (data / "reviews" / "2022-kennet-down-cpc.yaml").write_text(NOTHING_META, encoding="utf-8")
