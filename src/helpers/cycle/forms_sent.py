"""The record of the update forms each lead has been sent: data/updates/forms/sent.csv.

One row per form: the quarter it asks about, the lead's council and name, the day `make forms` made it
(`sent_on`) and its file name. `make forms` writes it (atomically) after the forms themselves; making a
quarter's forms again replaces that quarter's rows, so a lead has at most one row per quarter. A lead's
form shows the committee's decisions recorded since the lead's previous form (helpers.cycle.form_rows), so
this record is what lets a decision reach every lead once, whatever the calendar.

The day is today, or FORMS_DATE (with --from-env) / --sent-on, for a form made on another day than the run.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.dates import day_given
from helpers.base.errors import InputError

COLUMNS = ["quarter", "council", "lead", "sent_on", "form_file"]


def record_file() -> Path:
    """data/updates/forms/sent.csv (in a folder of its own: every .csv in data/updates is an update file)."""
    return config.updates_dir() / "forms" / "sent.csv"


def load_forms_sent(path: Path | None = None) -> pd.DataFrame:
    """The forms record, checked: quarter (a period), council, lead, sent_on (a date), form_file; no rows if none.

    A bad row (a quarter or date that does not read, a blank name, a lead twice for one quarter) is one
    InputError naming the file and row."""
    from helpers.base.readers import check_date, read_csv

    path = path or record_file()
    if not path.exists():
        return pd.DataFrame({"quarter": pd.Series(dtype=object), **{c: [] for c in COLUMNS[1:]}})
    frame = read_csv(path, required=COLUMNS, what="forms record")
    rows, seen = [], set()
    for row in frame.to_dict("records"):
        n = row["_row"]
        try:
            quarter = quarters.parse_quarter(row["quarter"])
        except quarters.BadQuarter as err:
            raise InputError(str(err), path, n) from None
        for column in ("council", "lead", "form_file"):
            if not row[column]:
                raise InputError(f"no {column} given", path, n)
        key = (quarter, row["council"], row["lead"])
        if key in seen:
            raise InputError(f"{row['lead']} ({row['council']}) is recorded twice for {row['quarter']}", path, n)
        seen.add(key)
        sent_on = check_date(row["sent_on"], path, n, "sent_on")
        rows.append({**row, "quarter": quarter, "sent_on": sent_on})
    return pd.DataFrame(rows, columns=COLUMNS)


def with_quarter(
    record: pd.DataFrame, quarter: pd.Period, sent: dict[tuple[str, str], str], on: dt.date
) -> pd.DataFrame:
    """The record with `quarter`'s rows replaced by `sent` ({(council, lead): form file}), all sent `on`."""
    kept = record[record["quarter"] != quarter]
    new = pd.DataFrame(
        [
            {"quarter": quarter, "council": c, "lead": lead, "sent_on": on, "form_file": name}
            for (c, lead), name in sent.items()
        ],
        columns=COLUMNS,
    )
    frame = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    return frame.sort_values(["quarter", "council", "lead"], kind="stable", ignore_index=True)


def record_text(record: pd.DataFrame) -> str:
    """The record as its CSV stores it (quarters as "2026/27 Q3", days as YYYY-MM-DD)."""
    from helpers.plans.tables import to_csv_text

    shown = record.assign(
        quarter=[quarters.label(q) for q in record["quarter"]],
        sent_on=[pd.Timestamp(d).date().isoformat() for d in record["sent_on"]],
    )
    return to_csv_text(shown[COLUMNS])


def previous_form(record: pd.DataFrame, quarter: pd.Period, council: str, lead: str) -> dict | None:
    """The lead's latest form for a quarter before `quarter` (a row of the record), or None if none is recorded."""
    mine = record[(record["council"] == council) & (record["lead"] == lead)]
    earlier = mine[[q < quarter for q in mine["quarter"]]]
    if earlier.empty:
        return None
    latest = max(earlier["quarter"])
    return earlier[earlier["quarter"] == latest].iloc[0].to_dict()


def previous_round(record: pd.DataFrame, quarter: pd.Period, council: str) -> dt.date | None:
    """The day the council's forms for the latest quarter before `quarter` were sent (the last of them, where they
    went out over several days), or None if the record has none."""
    mine = record[record["council"] == council]
    earlier = mine[[q < quarter for q in mine["quarter"]]]
    if earlier.empty:
        return None
    latest = max(earlier["quarter"])
    return max(earlier[earlier["quarter"] == latest]["sent_on"])


def sent_on(record: pd.DataFrame, quarter: pd.Period, council: str, lead: str) -> dt.date | None:
    """The day the lead's form for `quarter` was sent, or None if the record has none."""
    mine = record[(record["quarter"] == quarter) & (record["council"] == council) & (record["lead"] == lead)]
    return None if mine.empty else mine["sent_on"].iloc[0]


def recorded_between(decisions: pd.DataFrame, after: dt.date | None, until: dt.date) -> pd.DataFrame:
    """Decisions recorded after `after` (None: from the start) up to and including `until`.

    A decision counts as recorded on its `recorded_on` day (the day `make record-decisions` first read it; a row
    typed by hand without one, or an approval in an update file, on the day it was decided), and never before the
    meeting that made it. This is what a lead's form can have known (helpers.cycle.form_rows).
    """
    known = decisions[["decided_on", "recorded_on"]].max(axis=1)
    mask = known <= pd.Timestamp(until)
    if after is not None:
        mask &= known > pd.Timestamp(after)
    return decisions[mask].reset_index(drop=True)


def date_from_args(given: str | None, from_env: bool, variable: str, option: str) -> dt.date:
    """The day a command counts as today: `option`'s value, or `variable` with --from-env; blank: today.

    make passes FORMS_DATE / COLLECT_DATE as environment variables only (a typed value never reaches a shell)."""
    value = os.environ.get(variable, "") if from_env else given
    return day_given(value, variable if from_env else option)
