"""Array steps the status rules and the status table share: a value at each action's position, a date column."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAT = np.datetime64("NaT", "ns")


def dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column of the update log as datetime64 (all NaT where the log has no such column)."""
    if column not in frame:
        return np.full(len(frame), np.datetime64("NaT", "ns"))
    return frame[column].to_numpy("datetime64[ns]")


def pick(values: np.ndarray, positions: np.ndarray, present: np.ndarray, default: object) -> np.ndarray:
    """values[positions] where present, else default; safe when there are no values at all."""
    if len(values) == 0:
        return np.full(len(positions), default)
    return np.where(present, values[np.maximum(positions, 0)], default)
