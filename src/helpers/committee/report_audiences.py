"""Who each committee report is for, for the report command and notebook 04 alike, and the reviews it may cover.

Every report is for one council and one committee (an *audience*:
helpers.tracking.council_settings.audiences). COUNCIL selects a council, REVIEWS reviews
within it (helpers.committee.parameters); a selection that spans councils, or a council's
committees, is refused with one line (ParameterError, as every parameter's refusal). With
neither set, the report notebook shows the audience with the most actions tracked by the
quarter end (`default_audience`), and the report command writes one report per audience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError


class ParameterError(InputError):
    """A parameter name or value the rules refuse. Shown as one line, in a notebook as on the command line."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback (JupyterLab, and papermill's error message).
        return [f"error: {self}"]


@dataclass(frozen=True)
class Review:
    """What choosing reviews needs from data/processed/reviews.csv."""

    review_id: str
    council: str
    monitored_by: str
    tracked_from: dt.date
    actions: int  # actions transcribed


@lru_cache(maxsize=4)
def _read_reviews(path: Path, _stamp: tuple[int, int]) -> tuple[Review, ...]:
    from helpers.base.readers import read_csv

    frame = read_csv(
        path,
        required=["review_id", "council", "tracked_from"],
        optional=["monitored_by", "actions_transcribed"],
        allow_extra=True,
        what="processed reviews table",
    )
    try:
        return tuple(
            Review(r, c, m, dt.date.fromisoformat(d), int(n or 0))
            for r, c, m, d, n in zip(
                frame["review_id"],
                frame["council"],
                frame["monitored_by"],
                frame["tracked_from"],
                frame["actions_transcribed"],
                strict=True,
            )
        )
    except ValueError as err:
        raise InputError(f"not a processed reviews table ({err}); run `make extract`", path) from None


def review_table() -> tuple[Review, ...]:
    """Every review in data/processed/reviews.csv, in its order (read again only when the file changes)."""
    path = config.processed_dir() / "reviews.csv"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("missing; run `make extract` first", path) from None
    return _read_reviews(path, (info.st_mtime_ns, info.st_size))


def tracked_from() -> dict[str, dt.date]:
    """review_id -> the day its actions are tracked from (the plan's approval, where known), from reviews.csv."""
    return {r.review_id: r.tracked_from for r in review_table()}


@dataclass(frozen=True)
class Audience:
    """Who a report is for: one council and the committee its reviews' progress goes to ("" if none is named),
    with those reviews' ids in data/processed/reviews.csv order."""

    council: str
    committee: str
    reviews: tuple[str, ...]

    @property
    def name(self) -> str:
        """ "Vale District Council, Audit and Governance Committee" (or "..., committee not named")."""
        return f"{self.council}, {self.committee or 'committee not named'}"


def councils() -> list[str]:
    """Every council with a review, in order of first appearance in data/processed/reviews.csv."""
    return list(dict.fromkeys(r.council for r in review_table()))


def audiences(review_ids: list[str] | None = None) -> list[Audience]:
    """Every (council, committee) the chosen reviews (None: all) report to, in reviews.csv order
    (helpers.tracking.council_settings.audiences: a review's `monitored_by`, else the council's committee in
    data/report.yaml)."""
    import pandas as pd

    from helpers.tracking.council_settings import audiences as grouped

    table = [r for r in review_table() if review_ids is None or r.review_id in review_ids]
    frame = pd.DataFrame(
        {
            "review_id": [r.review_id for r in table],
            "council": [r.council for r in table],
            "monitored_by": [r.monitored_by for r in table],
        }
    )
    return [Audience(c, m, tuple(ids)) for (c, m), ids in grouped(frame).items()]


def one_audience(review_ids: list[str]) -> Audience:
    """The one council and committee these reviews report to, with all of its reviews; refused, saying why and
    what to choose, when they span councils or a council's committees."""
    found = audiences(review_ids)
    if len(found) == 1:
        return next(a for a in audiences() if (a.council, a.committee) == (found[0].council, found[0].committee))
    listed = "; ".join(f"{a.name}: {', '.join(a.reviews)}" for a in found)
    shown = ", ".join(review_ids)
    if len({a.council for a in found}) > 1:
        raise ParameterError(
            f"REVIEWS {shown} span {len({a.council for a in found})} councils ({listed}): each report is for one "
            "council and its committee; choose reviews of one council, or COUNCIL for all of a council's reports"
        )
    raise ParameterError(
        f"REVIEWS {shown} go to {len(found)} committees of {found[0].council} ({listed}): each report is for one "
        "committee; choose the reviews of one committee"
    )


def counted_by(audience: Audience, quarter_end: dt.date) -> list[str]:
    """The audience's reviews whose actions count by a quarter end (tracked from on or before it)."""
    dates = tracked_from()
    return [r for r in audience.reviews if dates[r] <= quarter_end]


def default_audience(council_name: str | None = None, quarter_end: dt.date | None = None) -> Audience:
    """The report notebook's audience when none is chosen: of the council's (or every) audiences, the one with
    the most actions tracked by the quarter end, then the most reviews counted, then the first in
    data/processed/reviews.csv. So the default shows a report with something in it, whatever order reviews
    were added in; the front matter names the council and committee it shows."""
    table = {r.review_id: r for r in review_table()}
    found = [a for a in audiences() if council_name is None or a.council == council_name]
    if not found:
        raise InputError("lists no review; run `make extract`", config.processed_dir() / "reviews.csv")

    def weight(audience: Audience) -> tuple[int, int]:
        counted = counted_by(audience, quarter_end) if quarter_end else list(audience.reviews)
        return sum(table[r].actions for r in counted), len(counted)

    return max(found, key=weight)  # max keeps the first of equals: reviews.csv order


def audience(council_name: str | None, review_ids: list[str] | None, quarter_end: dt.date | None = None) -> Audience:
    """The one audience a report notebook shows: the chosen reviews' (one council and committee, else refused),
    or the council's (or, with nothing chosen, the workspace's) default_audience. With reviews chosen, the
    Audience holds those reviews only."""
    if review_ids:
        whole = one_audience(review_ids)
        return Audience(whole.council, whole.committee, tuple(r for r in whole.reviews if r in review_ids))
    return default_audience(council_name, quarter_end)
