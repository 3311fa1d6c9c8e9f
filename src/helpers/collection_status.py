"""Whether a quarter's returns are in: returned forms, the updates collected from them, and when.

The report says it (notebook 04), and a scheduled run (`python -m helpers.report
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

from helpers import quarters


@dataclass(frozen=True)
class Collection:
    """What has come back for a quarter: returned forms, collected and typed updates, and when."""

    quarter: str
    return_by: dt.date
    returned: int  # returned forms in the returns folder
    collected_rows: int  # updates collected from returned forms
    collected_forms: int  # returned forms with at least one update collected
    collected_on: tuple[dt.date, ...]  # the days they were collected, earliest first
    typed_rows: int  # updates typed into the quarter's file by hand


def collection(quarter_label: str) -> Collection:
    """What has come back for a quarter, and what has been collected from it."""
    from helpers.cycle import is_collected, return_by, returns_dir
    from helpers.readers import read_csv
    from helpers.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file

    quarter = quarters.parse_quarter(quarter_label)
    folder = returns_dir(quarter)
    returned = (
        [p for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))]
        if folder.is_dir()
        else []
    )
    rows, forms, days, typed = 0, 0, (), 0
    log = quarter_file(quarter)
    if log.is_file():
        frame = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
        source = frame["source"] if "source" in frame else frame["review_id"].map(lambda _: "")
        collected = is_collected(source)
        rows, typed = int(collected.sum()), int((~collected).sum())
        forms = source[collected].str.rsplit(":", n=1).str[0].nunique()
        if "collected_on" in frame:
            days = tuple(sorted({dt.date.fromisoformat(d) for d in frame.loc[collected, "collected_on"] if d}))
    return Collection(quarter_label, return_by(quarter), len(returned), rows, forms, days, typed)


def _days(days: tuple[dt.date, ...]) -> str:
    if not days:
        return ""
    first, last = quarters.long_date(days[0]), quarters.long_date(days[-1])
    return f" on {first}" if first == last else f" between {first} and {last}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def sentence(quarter_label: str) -> str:
    """One sentence for the report: what came back for the quarter, and when it was collected."""
    c = collection(quarter_label)
    due = f"due back by {quarters.long_date(c.return_by)}"
    typed = f" {_plural(c.typed_rows, 'update')} typed in by hand." if c.typed_rows else ""
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
    return f"Update forms: none have come back for {c.quarter} ({due}).{typed}"


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
    from helpers import config
    from helpers.cycle import returns_dir

    return config.relative(returns_dir(quarters.parse_quarter(c.quarter))) + "/"
