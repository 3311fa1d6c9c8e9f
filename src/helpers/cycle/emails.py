"""E-mails to leads: drafts first (`make emails`), then sending through the council's relay (`make send-emails`).

    python -m helpers.cycle.emails --quarter "2024/25 Q1"                    # forms out: one draft per lead
    python -m helpers.cycle.emails --quarter "2024/25 Q1" --kind reminder    # after the return-by date
    python -m helpers.cycle.emails --quarter "2024/25 Q1" --kind decisions   # after the decisions are recorded
    python -m helpers.cycle.emails --quarter "2024/25 Q1" --kind forms --send            # dry run: what would go
    python -m helpers.cycle.emails --quarter "2024/25 Q1" --kind forms --send --for-real # send
    python -m helpers.cycle.emails --from-env [--send]   # QUARTER, KIND, COUNCIL, EMAIL_DATE, SEND=1 (make)

Drafts go to reports/<2024-25-Q1>/emails/<kind>/: one <form name>.eml per lead with an address, drafts.csv (who
each is for, and its Message-ID) and README.md (the drafts, and the leads with no address in data/leads.csv).
The folder is replaced as a whole. The messages are made by helpers.cycle.email_messages, for the leads
helpers.cycle.email_notices picks; helpers.cycle.email_sending sends them and logs each one sent.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from helpers.base import config, quarters
from helpers.base.dates import day_given
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.cycle.email_messages import (
    DECISIONS,
    DRAFT_COLUMNS,
    KINDS,
    REMINDER,
    build_message,
    draft_bytes,
    drafts_dir,
    subject,
)
from helpers.cycle.email_notices import Recipients, due_date, notices
from helpers.cycle.form_layout import form_file_name
from helpers.cycle.quarter_returns import quarter_from_args
from helpers.plans.tables import folder_replaced


def make_drafts(
    quarter: pd.Period, kind: str, on: dt.date, council: str | None = None, when: dt.datetime | None = None
) -> tuple[Path, pd.DataFrame, Recipients]:
    """Write the drafts of `kind` (replacing the folder); (folder, drafts.csv rows, who was picked)."""
    from helpers.plans.tables import to_csv_text
    from helpers.tracking.council_settings import email_settings

    picked = notices(kind, quarter, on, council)
    when = when or dt.datetime.now(dt.UTC).astimezone()
    files: dict[str, bytes] = {}
    records = []
    for notice in picked.notices:
        msg = build_message(kind, notice, email_settings(notice.council), when)
        name = (notice.form.stem if notice.form else form_file_name(notice.council, notice.lead, quarter)[:-5]) + ".eml"
        files[name] = draft_bytes(msg)
        records.append(
            {
                "council": notice.council,
                "lead": notice.lead,
                "to": notice.address,
                "kind": kind,
                "quarter": notice.quarter,
                "file": name,
                "message_id": msg["Message-ID"],
                "subject": subject(kind, notice),
                "attachment": notice.form.name if notice.form and kind != DECISIONS else "",
            }
        )
    table = pd.DataFrame(records, columns=DRAFT_COLUMNS)
    files["drafts.csv"] = to_csv_text(table).encode("utf-8")
    files["README.md"] = drafts_readme(quarter, kind, table, picked).encode("utf-8")
    folder = drafts_dir(quarter, kind)
    _replace_folder(folder, files)
    return folder, table, picked


def _replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write the files to a new folder beside `folder`, then swap it in: a failure leaves the old drafts whole."""
    with folder_replaced(folder) as staging:
        for name, content in files.items():
            (staging / name).write_bytes(content)


def drafts_readme(quarter: pd.Period, kind: str, table: pd.DataFrame, picked: Recipients) -> str:
    """The drafts folder's README.md: each draft and its lead, and the leads with no address (no draft)."""
    from helpers.cycle.chase_list import _md

    label = quarters.label(quarter)
    lines = [
        f"# E-mail drafts for {label}: {kind}",
        "",
        f"{len(table)} draft(s), one per lead, to open in a mail program or send with "
        f'`make send-emails QUARTER="{label}" KIND={kind}` (without `SEND=1` it only lists what would go).',
        "",
        "| lead | council | to | draft |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {_md(row['lead'])} | {_md(row['council'])} | {_md(row['to'])} | {_md(row['file'])} |"
        for row in table.to_dict("records")
    ]
    if picked.no_address:
        lines += ["", no_address_line(picked.no_address, markdown=True)]
    if picked.note:
        lines += ["", _md(picked.note)]
    return "\n".join(lines) + "\n"


def no_address_line(leads: list, markdown: bool = False) -> str:
    """ "No e-mail address in data/leads.csv for 2 lead(s), so no draft: A (Council), B (Council)." (names
    escaped for Markdown with `markdown`)."""
    from helpers.cycle.chase_list import _md

    names = [_md(str(lead)) if markdown else str(lead) for lead in leads]
    return f"No e-mail address in data/leads.csv for {len(leads)} lead(s), so no draft: " + ", ".join(names) + "."


def _options(argv: list[str] | None):
    """The command line's options, and the values --from-env reads from the environment."""
    parser = ArgumentParser(prog="python -m helpers.cycle.emails", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter, e.g. "2024/25 Q1"')
    which.add_argument(
        "--from-env", action="store_true", help="read QUARTER, KIND, COUNCIL, EMAIL_DATE and SEND from the environment"
    )
    parser.add_argument("--kind", choices=KINDS, default=None, help="forms (default), reminder or decisions")
    parser.add_argument("--council", help="only the leads of this council")
    parser.add_argument("--on", help="the day to work from, YYYY-MM-DD (default today): reminders go after the due day")
    parser.add_argument("--send", action="store_true", help="send the drafts (a dry run unless --for-real)")
    parser.add_argument("--for-real", action="store_true", help="with --send: really send (SEND=1 with --from-env)")
    args = parser.parse_args(argv)
    if args.from_env:
        args.kind = os.environ.get("KIND", "") or args.kind
        args.council = os.environ.get("COUNCIL", "") or args.council
        args.on = os.environ.get("EMAIL_DATE", "") or args.on
        args.for_real = args.for_real or os.environ.get("SEND", "") == "1"
    args.kind = args.kind or KINDS[0]
    if args.kind not in KINDS:
        raise InputError(f"KIND {args.kind!r} is not one of {', '.join(KINDS)}")
    return args


def _day(text: str | None) -> dt.date:
    """The day given (YYYY-MM-DD), or today."""
    return day_given(text, "EMAIL_DATE / --on")


def main(argv: list[str] | None = None) -> int:
    """The command line (`make emails`, `make send-emails`): write the drafts, or send them."""
    args = _options(argv)
    quarter = quarter_from_args(args)
    if args.send:
        from helpers.cycle.email_sending import send_drafts

        return send_drafts(quarter, args.kind, for_real=args.for_real, council=args.council or None)
    on = _day(args.on)
    if args.kind == REMINDER and on <= due_date(quarter):  # earlier drafts are left as they are
        print(f"Returns are due by {quarters.long_date(due_date(quarter))}: no reminders until the day after.")
        return 0
    folder, table, picked = make_drafts(quarter, args.kind, on, args.council or None)
    if picked.note:
        print(picked.note)
    print(f"Wrote {len(table)} {args.kind} draft(s) for {quarters.label(quarter)} to {config.relative(folder)}/")
    if picked.no_address:
        print(no_address_line(picked.no_address))
    return 0


if __name__ == "__main__":
    run_cli(main)
