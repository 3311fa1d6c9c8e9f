"""The committee report's chart of each lead's workload: complete, open, overdue and not-reported actions."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers.committee.chart_parts import _check_columns, _empty, _stacked_barh
from helpers.committee.chart_style import WORKLOAD_ORDER, WORKLOAD_STYLES, _labels_for, _n, _series
from helpers.committee.svg import Chart


def lead_workload(
    table: pd.DataFrame, as_at: str, top: int | None = None, labels: Mapping[str, str] | None = None
) -> Chart:
    """Stacked bars of complete, open, overdue and not-reported actions per lead (every lead, or the `top` busiest).

    `table`: index = lead display name; columns any of 'complete', 'open', 'overdue',
    'not-reported', 'total' (total = the sum of the others when absent).
    """
    _check_columns(table.columns, (*WORKLOAD_ORDER, "total"), "lead_workload")
    parts = [c for c in WORKLOAD_ORDER if c in table.columns]
    counts = table[parts].fillna(0).astype(int)
    total = (table["total"] if "total" in table.columns else counts.sum(axis=1)).fillna(0).astype(int)
    order = total.sort_values(ascending=False, kind="stable").index
    counts, total = counts.loc[order], total.loc[order]
    keep = total > 0
    counts, total = counts[keep], total[keep]
    if counts.empty:
        return _empty(
            f"No actions with a named lead as at {as_at}",
            "Nothing to show for this selection.",
            f"Nothing to show: no actions with a named lead as at {as_at}.",
        )
    names = _labels_for(parts, labels)
    shown = counts if top is None else counts.head(top)
    shown.index = pd.Index([str(i) for i in shown.index], name="Lead")
    title = f"{shown.index[0]} leads the most actions ({_n(total.iloc[0])}) as at {as_at}"
    fig, _ = _stacked_barh(
        shown, WORKLOAD_STYLES, names, title, "Actions (a joint action counts once for each of its leads)", 40
    )
    data = shown.rename(columns=names)
    data["Total"] = total.iloc[: len(shown)].to_numpy()  # shown keeps counts' busiest-first order
    per_lead = []
    for (name, row), row_total in zip(shown.iterrows(), data["Total"], strict=False):
        bits = "; ".join(f"{_n(v)} {names[c]}" for c, v in row.items() if v > 0)
        per_lead.append(f"{name}: {bits} ({_n(row_total)} in total).")
    scope = (
        f"the {len(shown)} leads with the most actions, of {len(counts)}"
        if len(counts) > len(shown)
        else f"{len(shown)} leads"
    )
    alt = f"Stacked bar chart of actions per lead as at {as_at}, {scope}. {title}. " + _series(
        per_lead, 10, "Figures for the other {n} leads shown are in the data table."
    )
    shown_note = f"The {len(shown)} busiest of {len(counts)} leads are shown. " if len(counts) > len(shown) else ""
    caption = shown_note + (
        "One bar per lead, busiest first; segments show complete, open, overdue and not-reported "
        "actions, each with its own colour and pattern. A joint action counts once for each of its "
        "leads, so totals add up to more than the number of actions."
    )
    return Chart(fig, title=title, alt=alt, data=data, caption=caption, table_caption=f"Actions per lead as at {as_at}")
