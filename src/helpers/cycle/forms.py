"""Update forms out: one Excel workbook per lead with their open actions, and a chase list.

    python -m helpers.cycle.forms --quarter "2024/25 Q1"
    python -m helpers.cycle.forms --from-env              # QUARTER from the environment (make forms QUARTER=...)
    python -m helpers.cycle.forms --quarter "2024/25 Q1" --chase-list   # refresh the chase list only
    python -m helpers.cycle.forms --quarter "2024/25 Q1" --return-by 2024-07-19
    python -m helpers.cycle.forms --quarter "2026/27 Q3" --sent-on 2026-12-07   # FORMS_DATE with --from-env

Writes reports/<2024-25-Q1>/forms/<Lead>--<Council>--<2024-25-Q1>.xlsx (the
folder is replaced as a whole), plus chase-list.csv and README.md there: every
lead, their number of open actions, their file, and whether a return has come
back in data/updates/returns/<2024-25-Q1>/ (same file name, or the same lead in
its About sheet).

Each workbook has three sheets: "Updates" (reference cells locked, fill-in
cells unlocked, the sheet protected without a password), "Instructions", and a
hidden "About" sheet that `helpers.cycle.collect` uses to check the return. Text is
always written as text: a comment beginning "=HYPERLINK(" is never a formula.

Each run records the forms sent (quarter, lead, the day: today, or --sent-on / FORMS_DATE) in
data/updates/forms/sent.csv (helpers.cycle.forms_sent), replacing that quarter's rows: each lead's form tells
the committee's decisions recorded since that lead's previous form. Forms may be made before the quarter ends;
the command says so in one line.

This module is the command; the workbook is written by helpers.cycle.form_workbook
(and form_instructions), its rows come from helpers.cycle.form_rows, and the chase
list from helpers.cycle.chase_list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.chase_list import due_from_forms, write_chase_list
from helpers.cycle.form_rows import decision_window, lead_forms
from helpers.cycle.form_workbook import write_form
from helpers.cycle.forms_sent import date_from_args, load_forms_sent, record_file, record_text, with_quarter
from helpers.cycle.quarter_returns import forms_dir, quarter_from_args, return_by
from helpers.plans.tables import folder_replaced, write_atomically


def make_forms(
    quarter: pd.Period, due: dt.date | None = None, sent_on: dt.date | None = None
) -> tuple[Path, pd.DataFrame]:
    """Write every lead's form and the chase list, and record them as sent on `sent_on` (default: today); the
    forms folder is replaced as a whole."""
    sent_on = sent_on or dt.date.today()
    due = due or return_by(quarter)
    record = load_forms_sent()  # checked before anything is written
    _, forms, unled = lead_forms(quarter, record=record, until=sent_on)
    target = forms_dir(quarter)
    with folder_replaced(target) as staging:
        for lead, (name, rows) in forms.items():
            write_form(staging / name, lead, quarter, rows, due, decision_window(quarter, lead, record, sent_on))
        chase = write_chase_list(quarter, forms, unled, due, staging)
        sent = {(lead.council, lead.lead): name for lead, (name, _) in forms.items()}
        write_atomically({record_file(): record_text(with_quarter(record, quarter, sent, sent_on))})
    return target, chase


def main(argv: list[str] | None = None) -> int:
    """The command line (`make forms`): write the quarter's forms and chase list, or refresh the chase list."""
    parser = ArgumentParser(prog="python -m helpers.cycle.forms", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter the updates are for, e.g. "2024/25 Q1"')
    which.add_argument(
        "--from-env", action="store_true", help="read the quarter from QUARTER, and the day from FORMS_DATE"
    )
    parser.add_argument(
        "--return-by", help=f"the date returns are due (YYYY-MM-DD); default: the quarter end plus {10} working days"
    )
    parser.add_argument(
        "--sent-on", help="the day the forms are sent (YYYY-MM-DD), as the forms record keeps it; default: today"
    )
    parser.add_argument(
        "--chase-list",
        action="store_true",
        help="only refresh the chase list (which leads have returned) next to existing forms",
    )
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    due = None
    if args.return_by:
        try:
            due = dt.date.fromisoformat(args.return_by)
        except ValueError:
            raise InputError(f"--return-by {args.return_by!r} is not a date like 2024-07-12") from None
    if args.chase_list:
        folder = forms_dir(quarter)
        if not folder.is_dir():
            raise InputError(f"no forms yet for {quarters.label(quarter)}: run without --chase-list first", folder)
        _, forms, unled = lead_forms(quarter)
        if due is None:
            due = due_from_forms(folder) or return_by(quarter)
        chase = write_chase_list(quarter, forms, unled, due, folder)
        print(
            f"Chase list: {(chase['returned'] == 'yes').sum()} of {(chase['returned'] != 'not needed').sum()} leads "
            "have returned "
            f"({config.relative(folder / 'README.md')})"
        )
        return 0
    sent_on = date_from_args(args.sent_on, args.from_env, "FORMS_DATE", "--sent-on")
    if not quarters.has_ended(quarter, sent_on):
        print(
            f"{quarters.label(quarter)} has not ended (ends {quarters.long_date(quarters.end(quarter))}): "
            f"forms made early, on {quarters.long_date(sent_on)}"
        )
    folder, chase = make_forms(quarter, due, sent_on)
    print(
        f"Wrote {len(chase)} form(s) for {quarters.label(quarter)} to {config.relative(folder)}/ "
        f"({int(chase['open_actions'].sum())} action rows); chase list: {config.relative(folder / 'README.md')}"
    )
    return 0


if __name__ == "__main__":
    run_cli(main)
