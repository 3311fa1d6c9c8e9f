"""The committee report's changes in the quarter: statuses that moved since the previous quarter end, targets
revised, and every update reported in the quarter.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from helpers.base import quarters
from helpers.base.vocabulary import status_labels
from helpers.committee.action_tables import _status, action_table
from helpers.committee.presentation import table_html
from helpers.tracking.changes import changes
from helpers.tracking.history import reported_by
from helpers.tracking.workspace import Workspace


def _update_table(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Review": frame["review_id"].map(ws.titles),
            "Ref": frame["action_ref"],
            "Reported by": reported_by(ws, frame),
            "Status given": frame["status"].replace("", "none (comment only)"),
            "Comment": frame["comment"],
            "Evidence": frame["evidence"],
            "Revised target asked for": [
                f"{t} (reason: {r})" if t else ""
                for t, r in zip(frame["revised_target"], frame["revision_reason"], strict=True)
            ],
            "Dated": frame["updated_on"],
        }
    )


def changes_html(ws: Workspace, quarter: pd.Period) -> HTML:
    """Status changes since the previous quarter end, targets revised, and every update reported in the quarter."""
    found = changes(ws, quarter)
    previous = quarters.label(quarter - 1)
    labels = status_labels()
    parts = []
    for name, frame in found.items():
        parts.append(f"<h3>{html.escape(name.capitalize())} ({len(frame)})</h3>")
        if frame.empty:
            parts.append(f"<p>None since {html.escape(previous)}.</p>")
            continue
        if name == "updates reported":
            shown = _update_table(ws, frame)
        elif name == "status changes":
            shown = pd.DataFrame(
                {
                    "Review": frame["review_id"].map(ws.titles).to_numpy(),
                    "Ref": frame["action_ref"].to_numpy(),
                    "Lead": frame["lead"].replace("", "none named").to_numpy(),
                    f"Status at the end of {previous}": frame["previous_status"].map(labels).to_numpy(),
                    f"Status at the end of {quarters.label(quarter)}": [_status(r) for r in frame.to_dict("records")],
                }
            )
        else:
            shown = action_table(frame, short=True)[["Ref", "Recommendation", "Lead", "Current target", "Status"]]
            shown.insert(0, "Review", frame["review_id"].map(ws.titles).to_numpy())
        parts.append(table_html(shown, caption=f"{name.capitalize()} in {quarters.label(quarter)}"))
    return HTML("".join(parts))
