"""The report command's options: which quarters, whose reports, how they are made; with --from-env, the values
`make report` passes in the environment (QUARTER, COUNCIL, REVIEWS, MEETING_DATE, INTERIM), and REPORT_DATE, the
day a report is taken to be made (for an interim report's "progress known on", and in tests)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re

from helpers.base.errors import ArgumentParser, InputError

MAX_JOBS = 32


def arguments(argv: list[str] | None, description: str = "") -> argparse.Namespace:
    """The command's arguments, checked; with --from-env, the quarter, council, reviews and meeting date are read
    from the environment."""
    args = _parser(description).parse_args(argv)
    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be between 1 and {MAX_JOBS}")
    if args.from_env:
        _read_environment(args)
    return args


def _parser(description: str) -> ArgumentParser:
    """The command's options: which quarters (one of --quarter, --all, --from-env, --scheduled), then whose
    reports and how they are made."""
    parser = ArgumentParser(
        prog="python -m helpers.publishing.report",
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_which_quarters(parser)
    parser.add_argument(
        "--council",
        metavar="NAME",
        help="the council to report on, as named in the review metadata (default: every council, one report each)",
    )
    parser.add_argument(
        "--reviews",
        nargs="+",
        metavar="ID",
        help="review ids to include, all of one council and committee (default: all)",
    )
    parser.add_argument(
        "--meeting-date",
        metavar="YYYY-MM-DD",
        help="the committee meeting's date (passed to notebooks that declare MEETING_DATE)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help=f"reports to make at once, 1-{MAX_JOBS} (default: number of cores; never more than the cores, "
        "nor than one job for each 4 reports: a job costs about as much to start as that)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only, not report.pdf")
    parser.add_argument(
        "--interim",
        "--forecast",  # its earlier name
        dest="interim",
        action="store_true",
        help="report a quarter that has not ended yet, as an interim report of the progress known today "
        "(REPORT_DATE=YYYY-MM-DD in the environment sets the day)",
    )
    return parser


def _add_which_quarters(parser: ArgumentParser) -> None:
    """--quarter, --all, --from-env and --scheduled: one way at most of choosing the quarters."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quarter", help='financial-year quarter, e.g. "2023/24 Q4" (default: latest completed)')
    which.add_argument("--all", action="store_true", help="every quarter since the first action plan was approved")
    which.add_argument(
        "--from-env",
        action="store_true",
        help="read QUARTER, COUNCIL, REVIEWS (space- or comma-separated ids), MEETING_DATE and INTERIM (1 for an "
        "interim report) from the environment",
    )
    which.add_argument(
        "--scheduled",
        action="store_true",
        help="the scheduled run: the latest completed quarter, refused until its returns are due; "
        "says (in the report and here) if returns are not collected yet",
    )


def _read_environment(args: argparse.Namespace) -> None:
    """--from-env: QUARTER, COUNCIL, REVIEWS (space- or comma-separated ids) and MEETING_DATE from the
    environment, refused if also given as options."""
    if args.reviews or args.meeting_date or args.council:
        raise InputError(
            "--from-env reads COUNCIL, REVIEWS and MEETING_DATE from the environment; "
            "do not also pass --council, --reviews or --meeting-date"
        )
    args.quarter = os.environ.get("QUARTER", "").strip() or None
    args.council = os.environ.get("COUNCIL", "").strip() or None
    args.reviews = [r for r in re.split(r"[\s,]+", os.environ.get("REVIEWS", "")) if r] or None
    args.meeting_date = os.environ.get("MEETING_DATE")
    args.interim = args.interim or flag("INTERIM")


def flag(name: str) -> bool:
    """An on/off environment variable (INTERIM=1, REQUIRE_PDF=0): 1/yes/true on, 0/no/false or unset off;
    anything else refused in one line."""
    value = os.environ.get(name, "").strip().casefold()
    if value in {"1", "yes", "true", "on"}:
        return True
    if value in {"", "0", "no", "false", "off"}:
        return False
    raise InputError(f"{name}={os.environ[name].strip()!r} is not 1 or 0 (for example `make report {name}=1`)")


def report_date() -> dt.date | None:
    """REPORT_DATE from the environment: the day the report is taken to be made (None: today)."""
    from helpers.committee import parameters

    value = os.environ.get("REPORT_DATE", "").strip()
    return dt.date.fromisoformat(parameters.report_date(value)) if value else None
