"""The next quarter's forms after the committee decided on requests: Q1 updates that ask for revisions and closures,
the decisions on them (recorded by hand here), and the Q2 and Q3 forms made from them once per test module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import PROJECT
from helpers.cycle.form_layout import ABOUT_SHEET, FIRST_ROW, column_letter

Q1, Q2, Q3 = "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"
# The day each quarter's forms are made (after the quarter ends), as the forms record keeps it.
SENT_ON = {Q2: "2024-10-01", Q3: "2025-01-02"}


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


def slug(quarter: str) -> str:
    return quarter.replace("/", "-").replace(" ", "-")


def forms_by_lead(root: Path, quarter: str) -> dict[str, Path]:
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


def forms_after_decisions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ with the Q1 updates and the decisions on them, and reports/ with the Q2 and Q3 forms."""
    root = tmp_path_factory.mktemp("forms-decisions")
    shutil.copytree(PROJECT / "data", root / "data")
    (root / "data" / "updates" / f"{slug(Q1)}.csv").write_text(UPDATES, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q1)}.csv").write_text(DECISIONS_Q1, encoding="utf-8")
    (root / "data" / "decisions" / f"{slug(Q2)}.csv").write_text(DECISIONS_Q2, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(root / "data"))
        mp.setenv("PEER_REVIEW_REPORTS", str(root / "reports"))
        from helpers.cycle import forms

        for quarter in (Q2, Q3):
            assert forms.main(["--quarter", quarter, "--sent-on", SENT_ON[quarter]]) == 0
    return root
