"""One council, one committee, one report: a workspace that holds several councils' plans.

A copy of the workspace gets two made-up councils, added as data files only (README,
"Adding a review"):
- Fenland Marsh Borough Council: one review titled "Corporate peer challenge 2019", as one of the
  shipped reviews may be, with three actions and its own committee, whose name has an ampersand;
- Upper Wharf District Council: one review with one action whose documents name no committee
  (and data/report.yaml gives none), approved in September 2023.

Expectations follow the stated rules, worked out here from the metadata files
themselves, never from the code under test: a review's report goes to its
`action_plan.monitored_by`, else to its council's `committee` in data/report.yaml, else
to a committee not named; every report is for one council and one committee; a
review counts from its `tracked_from` day. Nothing here names a shipped council.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import PROJECT, run_module
from made_up_reviews import add_document, expected_audiences, folder_part

pytestmark = pytest.mark.slow  # whole reports: `make check` leaves it out, `make test` runs it

FENLAND = "Fenland Marsh Borough Council"  # made up
FENLAND_COMMITTEE = "Scrutiny & Audit Panel"
FENLAND_ID = "2019-fenland-cpc"
WHARF = "Upper Wharf District Council"  # made up
WHARF_ID = "2023-upper-wharf-cpc"
QUARTER, SLUG = "2023/24 Q4", "2023-24-Q4"

FENLAND_PLAN = """Fenland Marsh Borough Council
Cabinet, 10 March 2020: corporate peer challenge action plan

No.\tRecommendation\tResponse\tLead\tTarget
1\tAgree a medium-term financial strategy.\tAgreed. A strategy will go to Council.\tChief Finance Officer\tSeptember 2020
2\tRefresh the council plan with members.\tAgreed.\tChief Executive\tMarch 2025
3\tImprove the way the council uses data.\tAgreed.\tHead of Digital\tDecember 2023

Background papers: none.
"""

FENLAND_META = f"""id: {FENLAND_ID}
title: Corporate peer challenge 2019
council: {FENLAND}
kind: corporate peer challenge
visit: {{start: 2019-11-05, end: 2019-11-08}}
action_plan:
  approved_on: 2020-03-10
  approved_by: Cabinet
  monitored_by: {FENLAND_COMMITTEE}
source_date: 2020-03-10
recommendations_expected: 3
documents:
  - file: 2020-03-10-fenland-marsh-cpc-action-plan.txt
action_plan_table:
  file: 2020-03-10-fenland-marsh-cpc-action-plan.txt
  header: "No.\\tRecommendation\\tResponse\\tLead\\tTarget"
  columns: [rec_ref, recommendation, response, lead, target]
"""

WHARF_PLAN = """Upper Wharf District Council
Cabinet, 12 September 2023: peer challenge action plan

Ref\tRecommendation\tAction\tLead\tTarget
1\tPublish a workforce strategy.\tDraft the strategy with staff.\tHead of People\tJune 2024

End of plan.
"""

WHARF_META = f"""id: {WHARF_ID}
title: Corporate peer challenge 2023
council: {WHARF}
kind: corporate peer challenge
visit: {{start: 2023-06-12, end: 2023-06-15}}
action_plan:
  approved_on: 2023-09-12
  approved_by: Cabinet
source_date: 2023-09-12
recommendations_expected: 1
documents:
  - file: 2023-09-12-upper-wharf-cpc-action-plan.txt
action_plan_table:
  file: 2023-09-12-upper-wharf-cpc-action-plan.txt
  header: "Ref\\tRecommendation\\tAction\\tLead\\tTarget"
  columns: [rec_ref, recommendation, action, lead, target]
"""

LEADS = (
    f"{FENLAND},Chief Finance Officer,,\n{FENLAND},Chief Executive,,\n{FENLAND},Head of Digital,,\n"
    f"{WHARF},Head of People,,\n"
)


def add_councils(data: Path) -> None:
    """Two made-up councils' plans, as data files only."""
    add_document(data, "2020-03-10-fenland-marsh-cpc-action-plan.txt", FENLAND_PLAN)
    add_document(data, "2023-09-12-upper-wharf-cpc-action-plan.txt", WHARF_PLAN)
    (data / "reviews" / f"{FENLAND_ID}.yaml").write_text(FENLAND_META, encoding="utf-8")
    (data / "reviews" / f"{WHARF_ID}.yaml").write_text(WHARF_META, encoding="utf-8")
    with (data / "leads.csv").open("a", encoding="utf-8") as f:
        f.write(LEADS)


def _env(data: Path, reports: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QUARTER", "COUNCIL", "REVIEWS", "MEETING_DATE")}
    return env | {"PEER_REVIEW_DATA": str(data), "PEER_REVIEW_REPORTS": str(reports)} | extra


def _report(data: Path, reports: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers.publishing.report", *args],
        cwd=PROJECT,
        env=_env(data, reports, **env),
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def workspace_of_three(tmp_path_factory) -> Path:
    """A copy of the data with the two made-up councils added and extracted."""
    data = tmp_path_factory.mktemp("councils") / "data"
    shutil.copytree(PROJECT / "data", data)
    add_councils(data)
    extracted = run_module("helpers.plans.extract", data=data)
    assert extracted.returncode == 0, extracted.stderr
    return data


@pytest.fixture(scope="module")
def made(workspace_of_three: Path, tmp_path_factory) -> Path:
    """`make report QUARTER="2023/24 Q4"` on that workspace: the reports folder."""
    reports = tmp_path_factory.mktemp("made") / "reports"
    result = _report(workspace_of_three, reports, "--from-env", "--no-pdf", QUARTER=QUARTER)
    assert result.returncode == 0, result.stderr
    return reports


def _about(page: str) -> dict[str, str]:
    soup = BeautifulSoup(page, "html.parser")
    table = soup.find("table", class_="front-matter")
    return {row.th.get_text(strip=True): row.td.get_text(" ", strip=True) for row in table.find_all("tr")}


# --- One report per council and committee ----------------------------------------------------------


def test_every_council_gets_its_own_report_naming_only_its_council_and_committee(workspace_of_three, made):
    audiences = expected_audiences(workspace_of_three, by="2024-03-31")
    assert (FENLAND, FENLAND_COMMITTEE) in audiences and (WHARF, "") in audiences
    folders = sorted(p.name for p in (made / SLUG).iterdir() if (p / "report.html").exists())
    expected = sorted(f"{folder_part(c)}--{folder_part(m) or 'committee-not-named'}" for c, m in audiences)
    assert folders == expected  # every review here counts by 31 March 2024
    councils = {c for c, _ in audiences}
    for (council, committee), _ in audiences.items():
        folder = made / SLUG / f"{folder_part(council)}--{folder_part(committee) or 'committee-not-named'}"
        page = (folder / "report.html").read_text(encoding="utf-8")
        about = _about(page)
        assert about["Council"] == council
        title = BeautifulSoup(page, "html.parser").title.get_text()
        assert council in title and f"progress report {QUARTER}" in title
        if committee:
            assert about["Committee"] == committee and committee in title
            assert f"That the {committee}" in BeautifulSoup(page, "html.parser").get_text(" ")
        else:
            assert about["Committee"].startswith("Not named in the review metadata")
            assert "data/report.yaml" in about["Committee"]  # and how to name one
            text = " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())
            assert "That the committee " in text and not re.search(r"(?i)\bthe the\b", text)
        others = councils - {council}
        assert [o for o in others if o in page] == []  # no other council's name anywhere in it


def _leaves(value) -> list[str]:
    """Every text in a block of settings, however deep."""
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _leaves(inner)]
    return [" ".join(str(value).split())] if isinstance(value, str) and value.strip() else []


def test_a_council_without_settings_of_its_own_has_neutral_words_and_no_other_councils(workspace_of_three, made):
    """Neither made-up council has settings in data/report.yaml: each report says so, names no author, and holds
    no text any other council's block gives (its author, its reason, its implications, its committee)."""
    import yaml

    settings = yaml.safe_load((workspace_of_three / "report.yaml").read_text(encoding="utf-8"))
    assert FENLAND not in settings["councils"] and WHARF not in settings["councils"]
    defaults = set(_leaves({k: v for k, v in settings.items() if k != "councils"}))
    others = {text for block in settings["councils"].values() for text in _leaves(block)} - defaults
    assert others  # some council has words of its own to leak
    for folder in (
        f"{folder_part(FENLAND)}--{folder_part(FENLAND_COMMITTEE)}",
        f"{folder_part(WHARF)}--committee-not-named",
    ):
        page = (made / SLUG / folder / "report.html").read_text(encoding="utf-8")
        about = _about(page)
        assert about["Report of"] == "Not set"  # the paper's words; what to give is the command's note
        assert about["Report settings"] == "This council has no settings of its own in data/report.yaml: defaults used"
        text = " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())
        assert [words for words in others if words in text] == []
        assert "Implications Not assessed for this report." in text and "give the council" not in text
    fenland = (made / SLUG / f"{folder_part(FENLAND)}--{folder_part(FENLAND_COMMITTEE)}" / "report.html").read_text()
    reason = BeautifulSoup(fenland, "html.parser").find(id="reason").find_next("p").get_text()
    assert reason.startswith(f"The {FENLAND_COMMITTEE} monitors the council's response")  # its own body, by name


def test_the_made_up_councils_figures_are_its_own(made):
    # Fenland's plan: September 2020 and December 2023 have passed by 31 March 2024 with nothing reported since
    # the plan; March 2025 has not. Three actions, none transcribed apart.
    page = (made / SLUG / f"{folder_part(FENLAND)}--{folder_part(FENLAND_COMMITTEE)}" / "report.html").read_text()
    text = " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())
    assert "As at 31 March 2024, 3 actions are tracked: 1 not yet due and 2 target passed, no update." in text


def test_the_index_groups_reports_by_council_and_tells_same_titled_reviews_apart(workspace_of_three, made):
    audiences = expected_audiences(workspace_of_three, by="2024-03-31")
    soup = BeautifulSoup((made / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    councils = sorted({c for c, _ in audiences}, key=str.casefold)
    assert headings == councils  # one heading per council
    for heading in soup.find_all("h2"):
        council = heading.get_text(strip=True)
        items = heading.find_next_sibling("ul", class_="reports").find_all("li", recursive=False)
        committees = {m for c, m in audiences if c == council}
        assert len(items) == len(committees)  # one report for each of its committees this quarter
        for item in items:
            link = item.find("a")
            assert link["href"].startswith(f"{SLUG}/{folder_part(council)}--")
            named = link.get_text()
            assert any((m or "committee not named") in named for m in committees), named
    # Two "Corporate peer challenge 2019" reviews from two councils sit under their own councils' headings.
    same = [li for li in soup.find_all("li") if "Corporate peer challenge 2019" in li.get_text()]
    owners = {li.find_parent("ul").find_previous_sibling("h2").get_text(strip=True) for li in same}
    assert FENLAND in owners and len(owners) == len(same)


def test_index_totals_are_each_reports_own_in_the_same_units(made):
    soup = BeautifulSoup((made / "index.html").read_text(encoding="utf-8"), "html.parser")
    entries = soup.select("ul.reports > li")
    assert entries
    for item in entries:
        href = item.find("a")["href"]
        report = " ".join(BeautifulSoup((made / href).read_text(), "html.parser").get_text(" ").split())
        actions = int(re.search(r"As at [^,]+, (\d+) actions? (?:are|is) tracked", report).group(1))
        listed = item.get_text(" ")
        assert re.search(rf"\b{actions} actions?(?::|$| A data gap)", listed.strip()), listed
        counts = [int(n) for n in re.findall(r": (\d+)", item.find(class_="counts").get_text())]
        assert sum(counts) == actions  # the statuses add up to the total, as in the report
        gap = re.search(
            r"A data gap, not counted in the actions: (\d+) recommendations? (?:is|are) not transcribed", report
        )
        if gap:
            assert f"Not transcribed (recommendations): {gap.group(1)}" in item.find(class_="gaps").get_text()
            assert f"total {actions + int(gap.group(1))}" not in listed  # never added into one number
        else:
            assert item.find(class_="gaps") is None


# --- Selections: one council, reviews within it, and refusals ------------------------------------------


def test_a_selection_that_spans_councils_is_refused_with_one_line(workspace_of_three, tmp_path):
    other = next(ids[0] for (c, _), ids in expected_audiences(workspace_of_three).items() if c != FENLAND)
    result = _report(workspace_of_three, tmp_path / "reports", "--reviews", FENLAND_ID, other, "--no-pdf")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: REVIEWS") and "span 2 councils" in lines[0]
    assert FENLAND in lines[0] and "choose reviews of one council, or COUNCIL" in lines[0]
    assert not (tmp_path / "reports").exists()


def test_a_council_and_reviews_of_another_are_refused_with_one_line(workspace_of_three, tmp_path):
    other = next(ids[0] for (c, _), ids in expected_audiences(workspace_of_three).items() if c != FENLAND)
    result = _report(workspace_of_three, tmp_path / "r", "--from-env", COUNCIL=FENLAND, REVIEWS=other)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert f"is not reviews of COUNCIL '{FENLAND}'" in result.stderr and FENLAND_ID in result.stderr


def test_reviews_that_go_to_two_committees_of_one_council_are_refused(workspace_of_three, tmp_path):
    from helpers.committee import report_audiences

    data = tmp_path / "data"
    shutil.copytree(workspace_of_three, data)
    council, ids = next((c, ids) for (c, _), ids in expected_audiences(data).items() if len(ids) >= 2)
    reviews = data / "processed" / "reviews.csv"
    text = reviews.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    at = header.index("monitored_by")
    for n, line in enumerate(text):
        if line.startswith(f"{ids[0]},"):
            cells = line.split(",")  # this review's row has no quoted commas before monitored_by
            cells[at] = "Cabinet Sub-Committee"
            text[n] = ",".join(cells)
    reviews.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(data))
        with pytest.raises(report_audiences.ParameterError) as err:
            report_audiences.one_audience(ids[:2])
        assert f"go to 2 committees of {council}" in str(err.value)
        assert "choose the reviews of one committee" in str(err.value)
        # A council alone is every one of its committees: one report each.
        from helpers.publishing.report import runs

        planned = runs(QUARTER, False, None, tmp_path / "reports", council=council)
        assert len({(r.council, r.committee) for r in planned}) == 2 and {r.council for r in planned} == {council}


def test_what_to_run_follows_the_councils_and_when_their_reviews_count(workspace_of_three, tmp_path, monkeypatch):
    from helpers.publishing.report import runs

    monkeypatch.setenv("PEER_REVIEW_DATA", str(workspace_of_three))
    audiences = expected_audiences(workspace_of_three, by="2024-03-31")  # QUARTER's end
    everything = expected_audiences(workspace_of_three)
    now = runs(QUARTER, False, None, tmp_path)
    assert {(r.council, r.committee) for r in now} == set(audiences)
    assert all(set(r.reviews) == set(everything[(r.council, r.committee)]) for r in now)
    # Upper Wharf's plan was approved on 12 September 2023: no report for it at the end of 2022/23 Q4.
    before = runs("2022/23 Q4", False, None, tmp_path)
    assert WHARF not in {r.council for r in before} and FENLAND in {r.council for r in before}
    # COUNCIL, in any capitalisation, keeps one council's reports, in the same folders as the full run.
    [one] = runs(QUARTER, False, None, tmp_path, council=FENLAND.upper())
    assert one.council == FENLAND and one.folder in {r.folder for r in now}
    # Some of a council's reviews are a report of their own, beside its full report, never over it.
    other = next((c, m, ids) for (c, m), ids in audiences.items() if len(ids) >= 2)
    [some] = runs(QUARTER, False, other[2][:1], tmp_path)
    full = next(r for r in now if (r.council, r.committee) == other[:2])
    assert some.selection and some.reviews == tuple(other[2][:1])
    assert some.folder.parent == full.folder.parent and some.folder != full.folder
    assert some.folder.name.startswith(full.folder.name + "--")
    # All of them is the full report.
    [every] = runs(QUARTER, False, other[2], tmp_path)
    assert every.folder == full.folder and not every.selection


# --- The data behind each report -----------------------------------------------------------------------


def _stale(index: Path) -> dict[str, str]:
    """{report link: the stale mark's text} for the entries the index marks."""
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    return {
        li.find("a")["href"]: " ".join(li.find(class_="stale").get_text(" ").split())
        for li in soup.select("ul.reports > li")
        if li.find(class_="stale")
    }


def test_a_report_whose_data_changed_is_marked_until_it_is_refreshed(workspace_of_three, tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(workspace_of_three, data)
    assert _report(data, reports, "--from-env", "--no-pdf", QUARTER=QUARTER).returncode == 0
    index = reports / "index.html"
    assert _stale(index) == {}
    fenland = f"{SLUG}/{folder_part(FENLAND)}--{folder_part(FENLAND_COMMITTEE)}/report.html"
    others = {p.relative_to(reports).as_posix() for p in reports.glob("*/*/report.html")} - {fenland}
    kept = {name: (reports / name).stat().st_mtime_ns for name in others}

    # Updates of a later quarter cannot change a 2023/24 Q4 report: nothing is marked.
    (data / "updates" / "2024-25-Q1.csv").write_text(
        f"review_id,action_ref,status,comment,updated_on\n{FENLAND_ID},2,In progress,Drafting.,2024-05-01\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "helpers.publishing.index"], cwd=PROJECT, env=_env(data, reports), check=True)
    assert _stale(index) == {}

    # A late update in 2023/24 Q3 on Fenland's action 3 changes its report only.
    (data / "updates" / "2023-24-Q3.csv").write_text(
        f"review_id,action_ref,status,comment,updated_on\n{FENLAND_ID},3,In progress,Data strategy drafted.,"
        "2023-12-01\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "helpers.publishing.index"], cwd=PROJECT, env=_env(data, reports), check=True)
    marked = _stale(index)
    assert list(marked) == [fenland]
    assert "data/updates/2023-24-Q3.csv" in marked[fenland]
    assert f'make report QUARTER="{QUARTER}" COUNCIL="{FENLAND}"' in marked[fenland]

    # The command the index gives brings it up to date, and the mark goes; the other reports are not touched.
    result = _report(data, reports, "--from-env", "--no-pdf", QUARTER=QUARTER, COUNCIL=FENLAND)
    assert result.returncode == 0, result.stderr
    assert _stale(index) == {}
    assert {name: (reports / name).stat().st_mtime_ns for name in others} == kept
    page = " ".join(BeautifulSoup((reports / fenland).read_text(), "html.parser").get_text(" ").split())
    assert "1 overdue" in page  # the late update says "in progress" on an action past its December 2023 target
    summary = json.loads((reports / fenland).with_name("summary.json").read_text())
    assert summary["inputs"]["files"]["data/updates/2023-24-Q3.csv"]


def test_with_default_parameters_notebook_04_shows_one_council_and_committee(workspace_of_three, tmp_path):
    import csv

    import papermill as pm

    from helpers.base import config

    # The stated default: the council and committee with the most actions tracked by the quarter end.
    with (workspace_of_three / "processed" / "reviews.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["review_id"]: r for r in csv.DictReader(f)}
    audiences = expected_audiences(workspace_of_three)
    tracked = {
        key: sum(int(rows[r]["actions_transcribed"]) for r in ids if rows[r]["tracked_from"] <= "2024-03-31")
        for key, ids in audiences.items()
    }
    most = max(tracked.values())
    assert list(tracked.values()).count(most) == 1, "test set-up: the default must not depend on a tie"
    expected = next(key for key, n in tracked.items() if n == most)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(workspace_of_three))
        nb = pm.execute_notebook(
            str(config.REPORT_NOTEBOOK),
            str(tmp_path / "out.ipynb"),
            parameters={},
            progress_bar=False,
            engine_name="reuse-kernel",
            cwd=str(config.NOTEBOOKS_DIR),
        )
    front = next(
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code" and "front_matter.front_matter(" in c.source
        for o in c.outputs
        if "text/html" in o.get("data", {})
    )
    about = _about(front)
    assert (about["Council"], about["Committee"]) == expected
    shown = " ".join(str(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert [c for c, _ in audiences if c != expected[0] and c in shown] == []  # no other council in it
