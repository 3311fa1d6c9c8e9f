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
becomes a list of one. The report command (`python -m helpers.publishing.report`) checks its
options with the same functions, so a refusal reads the same wherever it happens.

A new parameter is one line in PARAMETERS (its name and its checking function) and
one line in the parameters cell of each notebook that takes it.

Who a report is for (COUNCIL and REVIEWS for one council and committee) is decided in
helpers.committee.report_audiences, for the report command and notebook 04 alike.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import re
from collections.abc import Callable, MutableMapping
from typing import Any

from helpers.base import config
from helpers.base.errors import InputError
from helpers.committee.report_audiences import ParameterError, audience, councils, review_table, tracked_from

# papermill writes the cell it injects with this first line (papermill.translators: codify).
_INJECTED_HEADER = "# Parameters"


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _refuse(name: str, value: object, problem: str, allowed: str) -> ParameterError:
    return ParameterError(f"{name} {_shown(value)} {problem}; allowed: {allowed}")


def _blank(value: object) -> bool:
    """None or blank text: a parameter left unset."""
    return value is None or (isinstance(value, str) and not value.strip())


def reviews(value: object, council_name: str | None = None) -> list[str] | None:
    """REVIEWS: None (every review), one review id, several ids in one text (spaces or commas), or a list of ids.

    With a council chosen (COUNCIL), the ids must be that council's, and None means all of its reviews.
    """
    table = review_table()
    known = [r.review_id for r in table if council_name is None or r.council == council_name]
    within = f" of {council_name}" if council_name else ""
    allowed = (
        f"one or more of {', '.join(known)} (one id, or a list), or None for every review{within}"
        if council_name is None or known
        else "None"
    )
    if _blank(value):
        return known if council_name else None
    if isinstance(value, str):
        ids = [part for part in re.split(r"[\s,]+", value) if part]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        ids = [v.strip() for v in value]
    else:
        raise _refuse("REVIEWS", value, "is not a review id or a list of them", allowed)
    if not ids:
        raise _refuse("REVIEWS", value, "names no review", allowed)
    everywhere = {r.review_id: r.council for r in table}
    unknown = [i for i in ids if i not in everywhere]
    if unknown:
        what = "is not a known review id" if len(unknown) == 1 else "are not known review ids"
        raise ParameterError(f"REVIEWS {', '.join(map(repr, unknown))} {what}; allowed: {allowed}")
    elsewhere = [i for i in ids if i not in known]
    if elsewhere:
        whose = "; ".join(f"{i} is {everywhere[i]}'s" for i in elsewhere)
        raise ParameterError(
            f"REVIEWS {', '.join(map(repr, elsewhere))} {'is' if len(elsewhere) == 1 else 'are'} not reviews "
            f"of COUNCIL {council_name!r} ({whose}): a report is for one council; allowed: {allowed}"
        )
    return list(dict.fromkeys(ids))


def council(value: object) -> str | None:
    """COUNCIL: None, or a council named in the review metadata (any capitalisation or spacing), as named there."""
    known = councils()
    allowed = f"one of {', '.join(repr(c) for c in known)}, or None"
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise _refuse("COUNCIL", value, "is not a council's name", allowed)
    folded = {" ".join(c.split()).casefold(): c for c in known}
    typed = " ".join(value.split()).casefold()
    if typed in folded:
        return folded[typed]
    close = difflib.get_close_matches(typed, list(folded), n=1, cutoff=0.6)
    hint = f" (did you mean {folded[close[0]]!r}?)" if close else ""
    raise _refuse("COUNCIL", value, f"is not a council in the review metadata{hint}", allowed)


def council_list(value: object) -> list[str] | None:
    """COUNCILS: None (every council in the workspace), one council's name, or a list of names (each read as
    COUNCIL reads one)."""
    if _blank(value):
        return None
    if isinstance(value, str):
        names = [value]
    elif isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        names = list(value)
    else:
        allowed = f"one or more of {'; '.join(councils())} (a name, or a list), or None for every council"
        raise _refuse("COUNCILS", value, "is not a council's name or a list of them", allowed)
    try:
        return list(dict.fromkeys(council(n) for n in names))
    except ParameterError as err:
        raise ParameterError(str(err).replace("COUNCIL ", "COUNCILS ", 1)) from None


def first_quarter(review_ids: list[str] | None = None):
    """The first quarter a report on these reviews (None: every review) can cover
    (helpers.base.quarters.first_reportable)."""
    from helpers.base import quarters

    dates = tracked_from()
    chosen = [d for r, d in dates.items() if not review_ids or r in review_ids]
    if not chosen:
        raise InputError("lists no review; run `make extract`", config.processed_dir() / "reviews.csv")
    return quarters.first_reportable(chosen)


def interim(value: object, name: str = "INTERIM") -> bool:
    """INTERIM (FORECAST, its earlier name): True reports a quarter that has not ended yet, as an interim
    report of the progress known on REPORT_DATE."""
    if not isinstance(value, bool):
        raise _refuse(name, value, "is not True or False", "True or False")
    return value


def report_date(value: object) -> str:
    """REPORT_DATE: the day the report is made, "2026-12-07" (None: today); a quarter has ended, or not, by it."""
    if _blank(value):
        return dt.date.today().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        allowed = "a date like 2026-12-07, or None"
        raise _refuse("REPORT_DATE", value, "is not a date like 2026-12-07", allowed) from None


def quarter(
    value: object, review_ids: list[str] | None = None, allow_interim: bool = False, today: dt.date | None = None
) -> str:
    """QUARTER: a completed financial-year quarter from the first with an action plan, as "2023/24 Q4"; with
    `allow_interim`, a quarter not ended by `today` (default: today) only."""
    from helpers.base import quarters  # pandas: imported only when a quarter is checked

    today = today or dt.date.today()
    first, latest = first_quarter(review_ids), quarters.latest_completed(today)
    span = f"{quarters.label(first)} to {quarters.label(latest)}" if first <= latest else quarters.label(first)
    allowed = (
        f"a quarter like '2023/24 Q4' not ended by {today.isoformat()}, from {quarters.label(first)} "
        "(INTERIM is for a quarter not yet ended)"
        if allow_interim
        else f"a quarter like '2023/24 Q4' from {span}"
    )
    if not isinstance(value, str):
        raise _refuse("QUARTER", value, "is not a quarter", allowed)
    try:
        chosen = quarters.parse_quarter(value)
    except quarters.BadQuarter:
        raise _refuse("QUARTER", value, "is not like '2023/24 Q4' (financial year, then Q1-Q4)", allowed) from None
    if allow_interim and quarters.has_ended(chosen, today):
        raise _refuse("QUARTER", value, "has ended: report it without INTERIM", allowed)
    try:
        quarters.check_reportable(chosen, first, today, allow_interim)  # the rule; the wording is ours
    except quarters.BadQuarter:
        if chosen < first:
            raise _refuse(
                "QUARTER", value, f"is before {quarters.label(first)}, the first quarter with an action plan", allowed
            ) from None
        raise ParameterError(
            f"QUARTER {_shown(value)} has not ended yet; allowed: {allowed}, or this one as an interim report: "
            f'make report QUARTER="{quarters.label(chosen)}" INTERIM=1 (INTERIM = True in a notebook)'
        ) from None
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


def from_quarter(value: object, last: str | None) -> str | None:
    """FROM_QUARTER: None (from the first quarter end a chosen plan counts), or a quarter like "2021/22 Q4" no later
    than QUARTER."""
    from helpers.base import quarters

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    allowed = "None, or a quarter like '2021/22 Q4' no later than QUARTER"
    try:
        chosen = quarters.parse_quarter(str(value))
    except quarters.BadQuarter:
        raise _refuse("FROM_QUARTER", value, "is not like '2023/24 Q4' (financial year, then Q1-Q4)", allowed) from None
    if last is not None and chosen > quarters.parse_quarter(last):
        raise _refuse("FROM_QUARTER", value, f"is after QUARTER ({last})", allowed)
    return quarters.label(chosen)


def similarity(value: object) -> float:
    """SIMILARITY: how alike (0 to 1) two recommendations' wording must be to be listed as recurring."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _refuse("SIMILARITY", value, "is not a number from 0 to 1", "a number from 0 to 1, like 0.23")
    return float(value)


# Every parameter a notebook may declare, checked in this order (REVIEWS needs COUNCIL; QUARTER needs REVIEWS,
# INTERIM and REPORT_DATE first). Each function takes the value and the parameters already checked, and returns
# the value in its usual form. QUARTER's first quarter is of the reviews chosen (FIRST_FROM, kept by `check`).
PARAMETERS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "COUNCIL": lambda value, checked: council(value),
    "REVIEWS": lambda value, checked: reviews(value, checked.get("COUNCIL")),
    "FORECAST": lambda value, checked: interim(value, "FORECAST"),
    "INTERIM": lambda value, checked: interim(value),
    "REPORT_DATE": lambda value, checked: report_date(value),
    "QUARTER": lambda value, checked: quarter(
        value,
        checked.get(_FIRST_FROM, checked.get("REVIEWS")),
        checked.get("INTERIM", False) or checked.get("FORECAST", False),
        dt.date.fromisoformat(checked["REPORT_DATE"]) if "REPORT_DATE" in checked else None,
    ),
    "FROM_QUARTER": lambda value, checked: from_quarter(value, checked.get("QUARTER")),
    "MEETING_DATE": lambda value, checked: meeting_date(value),
    "SIMILARITY": lambda value, checked: similarity(value),
    "COUNCILS": lambda value, checked: council_list(value),
}
_FIRST_FROM = "_first_from"  # the reviews chosen, before `check` narrows them to one audience's


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


def _quarter_end(value: object) -> dt.date | None:
    """The end of the quarter a QUARTER value names, or None if it does not read (its own check says why)."""
    from helpers.base import quarters

    try:
        return quarters.end(quarters.parse_quarter(str(value)))
    except quarters.BadQuarter:
        return None


def check(namespace: MutableMapping[str, Any], one_audience: bool = False) -> None:
    """Check the parameters a notebook declares (annotated in its `parameters` cell) and any papermill injected;
    put each value in its usual form. ParameterError, shown as one line, for anything refused.

    `one_audience` (the report notebook): COUNCIL and REVIEWS become one council and committee's (`audience`),
    and REVIEWS that span councils or committees are refused."""
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
        raise ParameterError(
            f"parameter {unruled[0]} has no rule; add it to PARAMETERS in src/helpers/committee/parameters.py"
        )
    checked: dict[str, Any] = {}
    for name, rule in PARAMETERS.items():
        if name in declared and name in namespace:
            checked[name] = rule(namespace[name], checked)
        if name == "REVIEWS" and one_audience:
            # The first quarter is the chosen reviews' (all, with none chosen), as for the report command: the
            # audience shown depends on the quarter, so its own reviews would start the range too late.
            checked[_FIRST_FROM] = checked.get("REVIEWS")
            given = None if _blank(namespace.get("REVIEWS")) else checked.get("REVIEWS")
            chosen = audience(checked.get("COUNCIL"), given, _quarter_end(namespace.get("QUARTER")))
            checked["COUNCIL"], checked["REVIEWS"] = chosen.council, list(chosen.reviews)
    checked.pop(_FIRST_FROM, None)
    namespace.update(checked)
