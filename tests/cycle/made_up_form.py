"""A made-up lead and two made-up rows for one form, where a test does not need the real plans."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.base import quarters
from helpers.cycle.form_layout import REFERENCE
from helpers.cycle.form_rows import Lead

Q = quarters.parse_quarter("2024/25 Q1")


DUE = dt.date(2024, 7, 12)


LEAD = Lead("Wessex Vale District Council", "Head of Policy")


def reference_row(n: int, **cells: str) -> dict[str, str]:
    row = {key: f"{key} {n}" for key, _, _ in REFERENCE}
    return row | {"council": LEAD.council, "lead": LEAD.lead, "review_id": "2023-cpc", "action_ref": str(n)} | cells


ROWS = pd.DataFrame(
    [
        reference_row(1, role="Lead", action="Line one\nLine two\nLine three", latest_comment="=SUM(A1:A2)"),
        reference_row(2, role="Accountable, Responsible", recommendation="R" * 100 + "\x07"),
    ]
)
