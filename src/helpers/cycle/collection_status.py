"""Whether a quarter's returns are in: returned forms, the updates collected from them, and when.

The report says it (notebook 04), and a scheduled run (`python -m helpers.publishing.report
--scheduled`) also says it in its log when returns have not been collected, so a
report made before `make collect` is never mistaken for one with this quarter's
updates in it.

Returned forms are the .xlsx files in data/updates/returns/<quarter>/; updates
collected from them are the rows of data/updates/<quarter>.csv whose source names
a returned workbook, each with the day it was collected (collected_on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers.base import quarters

if TYPE_CHECKING:
    from helpers.tracking.workspace import Workspace


@dataclass(frozen=True)
class Collection:
    """What has come back for a quarter (for some reviews, or all), and what has been collected from it."""

    quarter: str
    return_by: dt.date
    returned: int  # returns in the returns folder (of these councils' leads, where forms were sent)
    collected_rows: int  # updates collected from returned forms
    collected_forms: int  # returned forms with at least one update collected
    collected_on: tuple[dt.date, ...]  # the days they were collected, earliest first
    typed_rows: int  # updates typed into the quarter's file by hand
    sent: int | None = None  # forms sent (chase list); None where no forms were made for the quarter


def _sent_forms(quarter, councils: set[str] | None):
    """The quarter's chase list (every lead sent a form), for these councils; None if no forms were made."""
    from helpers.base.readers import read_csv
    from helpers.cycle.chase_list import CHASE_COLUMNS
    from helpers.cycle.quarter_returns import forms_dir

    path = forms_dir(quarter) / "chase-list.csv"
    if not path.is_file():
        return None
    needed = ["council", "lead", "form"]
    optional = [c for c in CHASE_COLUMNS if c not in needed]
    # allow_extra: the chase list also gives each lead's e-mail address (chase_list._with_addresses)
    frame = read_csv(path, required=needed, optional=optional, allow_extra=True, what="chase list")
    if "returned" in frame:  # a form that only tells a lead the committee's decisions asks for nothing back
        frame = frame[frame["returned"] != "not needed"]
    return frame if councils is None else frame[frame["council"].isin(councils)]


def collection(quarter_label: str, review_ids: list[str] | None = None, councils: set[str] | None = None) -> Collection:
    """What has come back for a quarter, and what has been collected from it: for the chosen reviews' updates
    and their councils' leads (None: everything in the folders)."""
    from helpers.base.readers import read_csv
    from helpers.cycle.chase_list import return_of, returned
    from helpers.cycle.form_rows import Lead
    from helpers.cycle.quarter_returns import is_collected, return_by, return_entries, returns_dir
    from helpers.tracking.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file

    quarter = quarters.parse_quarter(quarter_label)
    sent = _sent_forms(quarter, councils)
    if sent is not None:  # a return counts for the lead it belongs to, by the chase list's rule
        back = returned(quarter)
        leads = sent[["council", "lead", "form"]].itertuples(index=False)
        n_returned = sum(bool(return_of(Lead(c, lead), form, back)) for c, lead, form in leads)
    else:
        n_returned = len([p for p in return_entries(returns_dir(quarter)) if p.is_file()])
    rows, forms, days, typed = 0, 0, (), 0
    log = quarter_file(quarter)
    if log.is_file():
        frame = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
        if review_ids is not None:
            frame = frame[frame["review_id"].isin(review_ids)]
        source = frame["source"] if "source" in frame else frame["review_id"].map(lambda _: "")
        collected = is_collected(source)
        rows, typed = int(collected.sum()), int((~collected).sum())
        forms = source[collected].str.rsplit(":", n=1).str[0].nunique()
        if "collected_on" in frame:
            days = tuple(sorted({dt.date.fromisoformat(d) for d in frame.loc[collected, "collected_on"] if d}))
    return Collection(
        quarter_label, return_by(quarter), n_returned, rows, forms, days, typed, None if sent is None else len(sent)
    )


def _days(days: tuple[dt.date, ...]) -> str:
    if not days:
        return ""
    first, last = quarters.long_date(days[0]), quarters.long_date(days[-1])
    return f" on {first}" if first == last else f" between {first} and {last}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def sentence(quarter_label: str, ws: Workspace | None = None, today: dt.date | None = None) -> str:
    """One sentence for the report: how many of the leads sent a form returned it, what was collected from the
    returns and when; where no forms were made for the quarter (no chase list) and none came back, that none were
    made. With a workspace, only its reviews' updates and its councils' leads count. Before the return-by date (the
    day an interim workspace is as of, else `today`, default today) a lead yet to return is not late: it says how
    many have returned so far and when returns are due."""
    day = getattr(ws, "as_of", None) or today or dt.date.today()
    if ws is None:
        c = collection(quarter_label)
    else:
        c = collection(quarter_label, list(ws.review_ids), set(ws.reviews["council"]))
    due = f"due back by {quarters.long_date(c.return_by)}"
    typed = f" {_plural(c.typed_rows, 'update')} typed in by hand." if c.typed_rows else ""
    if c.sent is not None:
        if not c.sent:
            return f"Update forms: none were sent for {c.quarter}, as no lead had an open action.{typed}"
        early = day < c.return_by and c.returned < c.sent  # leads still to return are not late yet
        so_far = " so far" if early else f" ({due})"
        back = f"{c.returned} of {c.sent} {'lead' if c.sent == 1 else 'leads'} sent a form returned it{so_far}"
        if c.collected_rows:
            got = f"; {_plural(c.collected_rows, 'update')} collected from them{_days(c.collected_on)}"
        elif c.returned:
            got = "; not collected yet, so this report has none of their updates"
        else:
            got = ""
        if early:
            return f"Update forms: {back}{got}; returns are due by {quarters.long_date(c.return_by)}.{typed}"
        missing = c.sent - c.returned
        waiting = (
            f" {missing} {'has' if missing == 1 else 'have'} not returned {'theirs' if missing > 1 else 'it'}: "
            f"{'its' if missing == 1 else 'their'} actions show no update from this quarter's forms."
            if missing
            else ""
        )
        return f"Update forms: {back}{got}.{waiting}{typed}"
    if c.collected_rows:
        forms = f"{c.collected_forms} of {c.returned}" if c.returned >= c.collected_forms else str(c.collected_forms)
        return (
            f"Update forms: {_plural(c.collected_rows, 'update')} from {forms} returned "
            f"form{'' if c.returned == 1 else 's'} collected{_days(c.collected_on)} ({due}).{typed}"
        )
    if c.returned:
        return (
            f"Update forms: {c.returned} {'has' if c.returned == 1 else 'have'} come back but "
            f"{'is' if c.returned == 1 else 'are'} not collected yet, so this report has none of "
            f"{'its' if c.returned == 1 else 'their'} updates ({due}).{typed}"
        )
    # No forms were made for the quarter here and none came back: nothing was asked of any lead, so "none have
    # come back" would read as leads failing to reply.
    return f"Update forms: none were made for {c.quarter}, so no returns are expected.{typed}"


def collection_warning(quarter_label: str) -> str | None:
    """A line for a scheduled run's log when the quarter's returns are not collected; None when they are."""
    c = collection(quarter_label)
    if c.collected_rows:
        return None
    if c.returned:
        return (
            f"{c.quarter}: {c.returned} returned form(s) are not collected yet, so the report has none of their "
            f'updates; run `make collect QUARTER="{c.quarter}"`, then `make report QUARTER="{c.quarter}"`'
        )
    return (
        f"{c.quarter}: no returns collected (none in {_relative_returns(c)}); the report has no updates "
        "from this quarter's forms"
    )


def _relative_returns(c: Collection) -> str:
    from helpers.base import config
    from helpers.cycle.quarter_returns import returns_dir

    return config.relative(returns_dir(quarters.parse_quarter(c.quarter))) + "/"
