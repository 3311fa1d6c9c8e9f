"""Issuing a report to its committee: a copy, as the committee receives it, that no later command overwrites.

    make issue QUARTER="2026/27 Q3" COUNCIL="Vale District Council" MEETING_DATE=2026-12-10 [REVIEWS=...]
    make issue QUARTER="2026/27 Q3" COUNCIL="..." MEETING_DATE=2026-12-10 INTERIM=1 REPORT_DATE=2026-12-07
    python -m helpers.publishing.issue --from-env        # what `make issue` runs: the values above, from the environment

The report must have been made (`make report` with the same QUARTER, COUNCIL, REVIEWS and INTERIM, and for an
interim report the same REPORT_DATE: the day it was made), with its PDF, from the data as it is now. The manifest's
issued_on is the day `make issue` runs. Its HTML, PDF, executed notebook and summary are copied, with a manifest (the
meeting, the day it was issued, each file's SHA-256, the digest of the data it was made from), into
reports/issued/ (helpers.tracking.issued_papers), all at once, read-only. A later `make report` writes a refreshed
report to the usual folder beside it; the index shows both. An issued paper is never replaced: issuing the same
report again, or with REPLACE, is refused in one line.
"""  # noqa: E501 - the make example is one command line, as typed

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from helpers.base import config
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.publishing.pdf import PDF_FILE
from helpers.publishing.report_folder import NOTEBOOK_FILE, REPORT_FILE, SUMMARY_FILE, read_summary
from helpers.publishing.report_run import Run
from helpers.tracking.issued_papers import MANIFEST, issued_root, read_manifest

ISSUED_FILES = (REPORT_FILE, PDF_FILE, NOTEBOOK_FILE, SUMMARY_FILE)


def _command(run: Run, meeting_date: str | None) -> str:
    """The `make report` command that makes this run's report, as an analyst types it."""
    parts = [f'make report QUARTER="{run.quarter}" COUNCIL="{run.council}"']
    if run.selection:
        parts.append(f'REVIEWS="{" ".join(run.reviews)}"')
    if meeting_date:
        parts.append(f"MEETING_DATE={meeting_date}")
    if run.interim:  # made as of its own day: without REPORT_DATE a quarter ended since is refused
        parts += ["INTERIM=1", f"REPORT_DATE={run.known_on}"]
    return " ".join(parts)


def plan(quarter: str | None, council: str | None, reviews: list[str] | None, interim: bool, today: dt.date) -> Run:
    """The one report to issue (the report command's own choice of council, committee and folder)."""
    from helpers.publishing.report import runs

    if not quarter:
        raise InputError('make issue needs QUARTER (for example make issue QUARTER="2024/25 Q1" COUNCIL="...")')
    chosen = runs(quarter, False, reviews, config.reports_dir(), interim, today, council)
    if len(chosen) != 1:
        names = "; ".join(run.name for run in chosen) or "none"
        raise InputError(f"make issue issues one report, but {quarter} has {len(chosen)} ({names}): give COUNCIL")
    return chosen[0]


def made_for_meeting(folder: Path) -> str | None:
    """The meeting date the report was made with (its executed notebook's parameters), if any."""
    try:
        nb = json.loads((folder / NOTEBOOK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters", {}).get("MEETING_DATE")
    return str(value) if value else None


def check_ready(run: Run, meeting_date: str | None) -> str | None:
    """The report folder holds a complete report made from today's data, for this meeting: its meeting date.
    InputError, naming the `make report` command to run, if not."""
    from helpers.publishing.report_inputs import Inputs, changed

    made_for = made_for_meeting(run.folder)
    remake = _command(run, meeting_date or made_for)
    missing = [name for name in ISSUED_FILES if not (run.folder / name).is_file()]
    if missing:
        raise InputError(f"has no {', '.join(missing)} to issue: run `{remake}` first", run.folder)
    if meeting_date and made_for != meeting_date:
        made = f"for the meeting on {made_for}" if made_for else "without a meeting date"
        raise InputError(f"the report was made {made}: run `{remake}` first", run.folder)
    recorded = (read_summary(run.folder).get("inputs") or {}).get("files")
    now = Inputs().report(run.quarter, run.council, run.committee, list(run.reviews) if run.selection else None)
    stale = changed(recorded, now) if isinstance(recorded, dict) else ["not recorded"]
    if stale:
        raise InputError(
            f"its data has changed since it was made ({', '.join(stale)}): run `{remake}` first", run.folder
        )
    return meeting_date or made_for


def refuse_replacing(target: Path) -> None:
    """An issued paper is a public record: refused, in one line, if this one was issued already."""
    earlier = read_manifest(target)
    if earlier is not None or target.exists():
        what = earlier.describe() if earlier else config.relative(target)
        raise InputError(
            f"already issued ({what}): an issued paper is never replaced; `make report` writes a refreshed report "
            "beside it, and the index shows both"
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issue(run: Run, meeting_date: str | None, today: dt.date) -> Path:
    """Copy the run's report into reports/issued/, with its manifest, all at once and read-only; its folder.
    `today` is the day it is issued (the manifest's issued_on), not the day an interim report was made."""
    target = issued_root() / run.folder.parent.name / run.folder.name
    refuse_replacing(target)
    meeting = check_ready(run, meeting_date)
    summary = read_summary(run.folder)
    manifest = {
        "quarter": run.quarter,
        "council": run.council,
        "committee": run.committee,
        "selection": list(run.reviews) if run.selection else None,
        "interim": run.interim,
        "progress_known_on": summary.get("progress_known_on"),  # the day the report was made, if interim
        "meeting_date": meeting,
        "issued_on": today.isoformat(),
        "files": {name: _sha256(run.folder / name) for name in ISSUED_FILES},
        "inputs_digest": (summary.get("inputs") or {}).get("digest"),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".issuing-", dir=target.parent))
    try:
        for name in ISSUED_FILES:
            shutil.copy2(run.folder / name, staging / name)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o444)  # read-only: a slip in a file manager does not change the record
        staging.chmod(0o755)
        staging.rename(target)  # all at once; refused by the system if the folder appeared meanwhile
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot issue the report ({err.strerror})", target) from None
    return target


def main(argv: list[str] | None = None) -> int:
    """`make issue`: keep the chosen report, as issued to its committee, in reports/issued/."""
    from helpers.committee import parameters
    from helpers.publishing.report_options import flag, report_date

    parser = ArgumentParser(prog="python -m helpers.publishing.issue", description=__doc__)
    parser.add_argument("--from-env", action="store_true", required=True, help="read the values from the environment")
    parser.parse_args(argv)
    if os.environ.get("REPLACE", "").strip() not in {"", "0"}:
        raise InputError("make issue takes no REPLACE: an issued paper is never replaced (a public record)")
    made_on = report_date() or dt.date.today()  # the day the report was made (an interim one's REPORT_DATE)
    reviews = [r for r in re.split(r"[\s,]+", os.environ.get("REVIEWS", "")) if r] or None
    run = plan(os.environ.get("QUARTER", "").strip(), os.environ.get("COUNCIL", "").strip() or None, reviews,
               flag("INTERIM"), made_on)  # fmt: skip
    target = issue(run, parameters.meeting_date(os.environ.get("MEETING_DATE")), dt.date.today())
    paper = read_manifest(target)
    print(f"issued: {paper.describe() if paper else config.relative(target)}")
    print("commit it: git add reports/issued && git commit -m 'Issued papers'")
    return 0


if __name__ == "__main__":
    run_cli(main)
