"""The notebooks' parameters: the values each one takes, and the one check every notebook runs.

Each notebook's `parameters` cell declares its parameters typed and described, as
papermill reads them (`papermill --help-notebook notebooks/03-status-and-workload.ipynb`):

    QUARTER: str = "2023/24 Q4"  # financial-year quarter, for example "2023/24 Q4"

and its next code cell runs `parameters.check(globals())`. That stops the notebook,
in JupyterLab or under papermill, with one line naming the parameter and the values
it takes when a parameter name is unknown (`papermill ... -p quarter ...`) or a value
is one the rules refuse (a quarter that has not ended or comes before any action
plan, an unknown review id, a meeting date that is not a date). It also puts each
value in its usual form: one review id given as text (`-p REVIEWS 2021-finance`)
becomes a list of one. The report command (`python -m helpers.report`) checks its
options with the same functions, so a refusal reads the same wherever it happens.

A new parameter is one line in PARAMETERS (its name and its checking function) and
one line in the parameters cell of each notebook that takes it.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import re
from collections.abc import Callable, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from helpers import config
from helpers.errors import InputError

# papermill writes the cell it injects with this first line (papermill.translators: codify).
_INJECTED_HEADER = "# Parameters"


class ParameterError(InputError):
    """A parameter name or value the rules refuse. Shown as one line, in a notebook as on the command line."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback (JupyterLab, and papermill's error message).
        return [f"error: {self}"]


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _refuse(name: str, value: object, problem: str, allowed: str) -> ParameterError:
    return ParameterError(f"{name} {_shown(value)} {problem}; allowed: {allowed}")


# --- Reviews ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _tracked_from(path: Path, _stamp: tuple[int, int]) -> dict[str, dt.date]:
    from helpers.readers import read_csv

    frame = read_csv(path, required=["review_id", "tracked_from"], allow_extra=True, what="processed reviews table")
    try:
        return {r: dt.date.fromisoformat(d) for r, d in zip(frame["review_id"], frame["tracked_from"], strict=True)}
    except ValueError as err:
        raise InputError(f"not a processed reviews table ({err}); run `make extract`", path) from None


def tracked_from() -> dict[str, dt.date]:
    """review_id -> the day its actions are tracked from (the plan's approval, where known), from reviews.csv."""
    path = config.processed_dir() / "reviews.csv"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("missing; run `make extract` first", path) from None
    return _tracked_from(path, (info.st_mtime_ns, info.st_size))


def reviews(value: object) -> list[str] | None:
    """REVIEWS: None (every review), one review id, several ids in one text (spaces or commas), or a list of ids."""
    known = list(tracked_from())
    allowed = f"one or more of {', '.join(known)} (one id, or a list), or None for every review"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        ids = [part for part in re.split(r"[\s,]+", value) if part]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        ids = [v.strip() for v in value]
    else:
        raise _refuse("REVIEWS", value, "is not a review id or a list of them", allowed)
    if not ids:
        raise _refuse("REVIEWS", value, "names no review", allowed)
    unknown = [i for i in ids if i not in known]
    if unknown:
        what = "is not a known review id" if len(unknown) == 1 else "are not known review ids"
        raise ParameterError(f"REVIEWS {', '.join(map(repr, unknown))} {what}; allowed: {allowed}")
    return list(dict.fromkeys(ids))


@lru_cache(maxsize=4)
def _councils(path: Path, _stamp: tuple[int, int]) -> list[str]:
    from helpers.readers import read_csv

    frame = read_csv(path, required=["review_id", "council"], allow_extra=True, what="processed reviews table")
    return list(dict.fromkeys(frame["council"]))


def known_councils() -> list[str]:
    """The councils in data/processed/reviews.csv, in the order they first appear."""
    path = config.processed_dir() / "reviews.csv"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("missing; run `make extract` first", path) from None
    return _councils(path, (info.st_mtime_ns, info.st_size))


def councils(value: object) -> list[str] | None:
    """COUNCILS: None (every council in the workspace), one council's name, or a list of names."""
    known = known_councils()
    allowed = f"one or more of {'; '.join(known)} (a name, or a list), or None for every council"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        names = [value.strip()]
    elif isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        raise _refuse("COUNCILS", value, "is not a council's name or a list of them", allowed)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ParameterError(f"COUNCILS {', '.join(map(repr, unknown))} not in the workspace; allowed: {allowed}")
    return list(dict.fromkeys(names))


def first_quarter(review_ids: list[str] | None = None):
    """The quarter in which the first (chosen) action plan was approved: the first a report can cover."""
    from helpers import quarters

    dates = tracked_from()
    chosen = [d for r, d in dates.items() if not review_ids or r in review_ids]
    if not chosen:
        raise InputError("lists no review; run `make extract`", config.processed_dir() / "reviews.csv")
    return quarters.quarter_of(min(chosen))


# --- Quarters, dates and switches ----------------------------------------------------------------


def forecast(value: object) -> bool:
    """FORECAST: True allows a quarter that has not ended yet (the report is then a forecast, not progress)."""
    if not isinstance(value, bool):
        raise _refuse("FORECAST", value, "is not True or False", "True or False")
    return value


def quarter(
    value: object, review_ids: list[str] | None = None, allow_forecast: bool = False, today: dt.date | None = None
) -> str:
    """QUARTER: a completed financial-year quarter from the first with an action plan, as "2023/24 Q4"."""
    from helpers import quarters  # pandas: imported only when a quarter is checked

    first, latest = first_quarter(review_ids), quarters.latest_completed(today)
    span = f"{quarters.label(first)} to {quarters.label(latest)}" if first <= latest else quarters.label(first)
    allowed = f"a quarter like '2023/24 Q4' from {span}"
    allowed += (
        ", or a later one as a forecast"
        if allow_forecast
        else " (a later one only as a forecast: --forecast, or FORECAST = True in a notebook)"
    )
    if not isinstance(value, str):
        raise _refuse("QUARTER", value, "is not a quarter", allowed)
    try:
        chosen = quarters.parse_quarter(value)
    except quarters.BadQuarter:
        raise _refuse("QUARTER", value, "is not like '2023/24 Q4' (financial year, then Q1-Q4)", allowed) from None
    try:
        quarters.check_reportable(chosen, first, today, allow_forecast)  # the rule; the wording is ours
    except quarters.BadQuarter:
        problem = (
            f"is before {quarters.label(first)}, the first quarter with an action plan"
            if chosen < first
            else "has not ended yet"
        )
        raise _refuse("QUARTER", value, problem, allowed) from None
    return quarters.label(chosen)


def meeting_date(value: object) -> str | None:
    """MEETING_DATE: the committee meeting's date, "2024-05-14", or None while it is not set."""
    allowed = "a date like 2024-05-14, or None"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise _refuse("MEETING_DATE", value, "is not a date like 2024-05-14", allowed) from None


def similarity(value: object) -> float:
    """SIMILARITY: how alike (0 to 1) two recommendations' wording must be to be listed as recurring."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _refuse("SIMILARITY", value, "is not a number from 0 to 1", "a number from 0 to 1, like 0.23")
    return float(value)


# Every parameter a notebook may declare, checked in this order (QUARTER needs REVIEWS and FORECAST first).
# Each function takes the value and the parameters already checked, and returns the value in its usual form.
PARAMETERS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "REVIEWS": lambda value, checked: reviews(value),
    "FORECAST": lambda value, checked: forecast(value),
    "QUARTER": lambda value, checked: quarter(value, checked.get("REVIEWS"), checked.get("FORECAST", False)),
    "MEETING_DATE": lambda value, checked: meeting_date(value),
    "SIMILARITY": lambda value, checked: similarity(value),
    "COUNCILS": lambda value, checked: councils(value),
}


# --- The check a notebook runs -----------------------------------------------------------------


def _assigned(source: str) -> list[str]:
    """Names a cell assigns at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def injected(namespace: MutableMapping[str, Any]) -> list[str]:
    """The names papermill injected just before this cell ran (none in JupyterLab, or outside IPython).

    IPython keeps each executed cell's source in `In`; papermill's injected cell, which
    runs right after the `parameters` cell, starts with "# Parameters".
    """
    history = namespace.get("In")
    if not isinstance(history, list) or len(history) < 2 or not isinstance(history[-2], str):
        return []
    previous = history[-2]
    return _assigned(previous) if previous.lstrip().startswith(_INJECTED_HEADER) else []


def check(namespace: MutableMapping[str, Any]) -> None:
    """Check the parameters a notebook declares (annotated in its `parameters` cell) and any papermill injected;
    put each value in its usual form. ParameterError, shown as one line, for anything refused."""
    declared = list(namespace.get("__annotations__", {}))
    unknown = [name for name in injected(namespace) if name not in declared]
    if unknown:
        name = unknown[0]
        lowered = {d.lower(): d for d in declared}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=1)
        hint = f" (did you mean {lowered[close[0]]}?)" if close else ""
        raise ParameterError(
            f"unknown parameter {name!r}{hint}; allowed: {', '.join(declared) or 'none'} (names are case-sensitive)"
        )
    unruled = [name for name in declared if name not in PARAMETERS]
    if unruled:
        raise ParameterError(f"parameter {unruled[0]} has no rule; add it to PARAMETERS in src/helpers/parameters.py")
    checked: dict[str, Any] = {}
    for name, rule in PARAMETERS.items():
        if name in declared and name in namespace:
            checked[name] = rule(namespace[name], checked)
    namespace.update(checked)
