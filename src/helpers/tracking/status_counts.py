"""Counts and lists made from a quarter's status table: actions by review and status, those due next quarter,
those whose status came from following another recommendation, and when each review last reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.base import quarters
from helpers.base.vocabulary import NOT_TRANSCRIBED, NOT_YET_DUE, STATUS_IDS, TOTAL_ACTIONS, status_order
from helpers.tracking.status_table import as_at_day


def status_counts(status: pd.DataFrame, reviews: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Review x status id counts of actions (display order) and their total; untranscribed recommendations beside.

    See counts_from_codes.
    """
    review_codes, review_ids = pd.factorize(status["review_id"])
    status_codes = pd.Categorical(status["status"], categories=list(STATUS_IDS)).codes
    return counts_from_codes(review_codes, review_ids, status_codes, reviews, quarter)


def counts_from_codes(
    review_codes: np.ndarray, review_ids: object, status_codes: np.ndarray, reviews: pd.DataFrame, quarter: pd.Period
) -> pd.DataFrame:
    """Review x status counts from integer codes (status code -1: not counted), so a backfill encodes its strings once.

    Every column counts actions except not-transcribed, which counts recommendations nobody has transcribed
    (a data gap; 0 where the review's expected count is unknown). TOTAL_ACTIONS adds up the actions only.
    """
    # bincount over codes: pandas' crosstab aggregates each group in Python, 4 s a backfill at national scale.
    known = status_codes >= 0
    width = len(STATUS_IDS)
    grid = np.bincount(review_codes[known] * width + status_codes[known], minlength=len(review_ids) * width)
    grid = grid.reshape(len(review_ids), width)
    quarter_end = pd.Timestamp(quarters.end(quarter))
    counted = reviews[reviews["tracked_from"] <= quarter_end]
    at = pd.Index(list(review_ids)).get_indexer(counted["review_id"])
    rows = np.where((at >= 0)[:, None], grid[np.maximum(at, 0)], 0) if len(grid) else np.zeros((len(at), width), int)
    shown = [s for s in status_order() if s != NOT_TRANSCRIBED]
    actions = rows[:, [STATUS_IDS.index(s) for s in shown]]
    expected = counted["recommendations_expected"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    gap = np.nan_to_num(np.clip(expected - counted["recommendations_transcribed"].to_numpy(), 0, None))
    table = pd.DataFrame(
        np.column_stack([actions, actions.sum(axis=1), gap.astype(int)]).astype(int),
        index=pd.Index(list(counted["review_id"]), name="review"),
        columns=[*shown, TOTAL_ACTIONS, NOT_TRANSCRIBED],
    )
    return table


def following_counts(status: pd.DataFrame) -> dict[str, dict[str, int]]:
    """{status id: {recommendation followed: actions}} for actions whose status came only from following another."""
    found: dict[str, dict[str, int]] = {}
    if "as_recommendation" not in status:  # a frame without the column (not from StatusTracker) follows nothing
        return found
    moved = status[status["as_recommendation"] != ""]
    for sid, ref in zip(moved["status"], moved["as_recommendation"], strict=True):
        found.setdefault(sid, {})
        found[sid][ref] = found[sid].get(ref, 0) + 1
    return found


def due_next_quarter(status: pd.DataFrame, quarter: pd.Period) -> pd.DataFrame:
    """Open actions due at this quarter's end (DUE_RULE) or during the next quarter, soonest first; in an interim
    report, also those due from its day to the quarter end (not yet due on that day)."""
    nxt = quarter + 1
    start, end = as_at_day(status, quarter), pd.Timestamp(quarters.end(nxt))
    mask = (status["status"] == NOT_YET_DUE) & status["current_target_date"].between(start, end)
    return status[mask].sort_values(["current_target_date", "review_id", "action_order"]).reset_index(drop=True)


def last_reported(status: pd.DataFrame) -> pd.Series:
    """Per review, the date progress was last reported since its plan (NaT where never)."""
    return status.groupby("review_id")["last_reported_on"].max()
