"""Made-up rows, tables and workspaces the committee report's tests share (see each test file)."""

from __future__ import annotations

from pathlib import Path

from helpers.base.quarters import parse_quarter

Q4 = parse_quarter("2023/24 Q4")


class Tables:
    """The workspace tables a committee function reads, given directly (made-up reviews and leads)."""

    def __init__(self, **tables):
        self.titles = {"vale-2021": "Vale peer challenge 2021"}
        self.decisions = None
        self.__dict__.update(tables)


UPDATE_HEADER = (
    "review_id,action_ref,status,comment,updated_on,revised_target,revision_reason,revision_approved_by,"
    "revision_approved_on,lead\n"
)


def reported_workspace(data_copy: Path):
    """2021-finance as at 2023/24 Q4, with four updates dated in that quarter (nothing reported before it), in
    the data folder `data_copy` (the `reported` fixture of the tests that use it)."""
    from helpers.tracking import workspace

    (data_copy / "updates" / "2023-24-Q4.csv").write_text(
        UPDATE_HEADER
        + "2021-finance,31,In progress,Survey designed.,2024-02-28,,,,,\n"
        + "2021-finance,33,,Trainer on leave.,2024-02-28,December 2024,Trainer on leave,,,\n"
        + "2021-finance,5,In progress,Fieldwork moved.,2024-02-28,September 2024,Contractor changed,"
        "Audit and Governance Committee,2024-03-20,\n" + "2021-finance,31,Complete,Survey published.,2024-03-15,,,,,\n",
        encoding="utf-8",
    )
    return workspace.load_workspace(["2021-finance"])


DECISIONS_HEADER = (
    "review_id,action_ref,kind,decision,decided_on,requested_on,lead,decided_by,minute,amended_target,note\n"
)


SLT = "Corporate Services Leadership Team"


def _role(ws, ref: str, lead: str) -> str:
    leads = ws.action_leads
    found = leads[(leads["action_ref"] == ref) & (leads["lead"] == lead)]["role"]
    return f"{lead} ({found.iloc[0]})" if len(found) else lead
