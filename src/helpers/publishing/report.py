"""The report command: choose the quarters, councils and reviews, check every input, and make the reports.

    python -m helpers.publishing.report
        # latest completed quarter, one report per council and committee
    python -m helpers.publishing.report --quarter "2023/24 Q4" --meeting-date 2024-05-14
    python -m helpers.publishing.report --council "Vale District Council"          # one council's report(s)
    python -m helpers.publishing.report --all --jobs 2        # every quarter since the first action plan
    python -m helpers.publishing.report --reviews 2021-finance 2022-progress   # some of one council's reviews
    QUARTER="2026/27 Q3" INTERIM=1 python -m helpers.publishing.report --from-env
        # an interim report of a quarter not yet ended: the progress known today (REPORT_DATE=YYYY-MM-DD sets the day)
    python -m helpers.publishing.report --scheduled
        # the scheduled run: latest quarter, once its returns are due
    QUARTER="2023/24 Q4" COUNCIL="Vale District Council" REVIEWS="2021-finance" python -m helpers.publishing.report --from-env

Every report is for one council and one committee (the committee that monitors the
council's reviews: a review's `action_plan.monitored_by`, else the council's `committee`
in data/report.yaml). With no selection the command writes one report per council and
committee for each quarter, leaving out any whose reviews do not count yet by that
quarter end; COUNCIL selects one council, REVIEWS some reviews within one council and
committee (a selection that spans councils or committees is refused, saying what to
choose). Each report goes to reports/<2023-24-Q4>/<Council>--<Committee>/ (a selection
of reviews to a folder of its own beside it; helpers.publishing.report_folder): report.html,
report.pdf printed from it by Chromium (a report whose PDF cannot be printed fails, and
without Chromium none is written; REQUIRE_PDF=0 skips the PDF with a warning, --no-pdf
silently), report.ipynb, the executed notebook papermill
wrote, as the audit trail, and summary.json, its headline counts and the data it was
made from. A notebook that fails writes no report: the executed notebook is kept in
reports/_failed/ and the command exits 1. reports/index.html lists every report by
council, newest first, and marks any whose data has changed since. Ctrl-C (exit 130)
or SIGTERM (exit 143) stops a run within seconds: kernels and browsers are shut down,
nothing half-written is left, and the index lists the reports that finished.
"""  # noqa: E501 - the --from-env example is one command line, as typed

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError, run_cli
from helpers.publishing.interrupts import Terminated, stopping_on_signals
from helpers.publishing.kernel import KernelFailed
from helpers.publishing.report_options import arguments, report_date
from helpers.publishing.report_run import Outcome, ReportFailed, Run, Settings
from helpers.publishing.runner import run_reports

# pandas, papermill, nbconvert and playwright are imported where they are used: the
# command starts the first kernel before anything else and imports them while it boots.


def runs(
    quarter: str | None,
    run_all: bool,
    review_ids: list[str] | str | None,
    out_root: Path,
    interim: bool = False,
    today: dt.date | None = None,
    council: str | None = None,
) -> list[Run]:
    """What a command asks for, checked before any notebook starts: quarters x (council, committee) -> folders.

    The quarter is the latest completed one unless given; `run_all` is every quarter from the first
    with an action plan. With no selection, every council and committee gets a report for each quarter
    by whose end one of its reviews counts; `interim` allows a quarter not ended by `today` (default: today),
    reported as the progress known that day; `council` keeps one council's; `review_ids` (within one council
    and committee, else refused) make one selected report per quarter. Checked with the notebooks' own
    rules (helpers.committee.parameters, helpers.committee.report_audiences), so a refusal reads the same here and
    in a notebook.
    """
    from helpers.base import quarters
    from helpers.committee import parameters, report_audiences

    chosen_council = parameters.council(council)
    chosen = parameters.reviews(review_ids, chosen_council)  # with a council and no reviews: all of its reviews
    whole, selected = None, None
    if review_ids:
        whole = report_audiences.one_audience(chosen)  # one council and committee, or refused saying what to choose
        # Every one of its reviews is the council's full report, in its usual folder; fewer are a selection.
        selected = chosen if set(chosen) != set(whole.reviews) else None
    if run_all:
        labels = [
            quarters.label(q)
            for q in quarters.quarters_between(parameters.first_quarter(chosen), quarters.latest_completed(today))
        ]
    else:
        wanted = quarter if quarter is not None else quarters.label(quarters.latest_completed(today))
        labels = [parameters.quarter(wanted, chosen, interim, today)]
    known_on = (today or dt.date.today()).isoformat() if interim else None
    if whole is not None:
        kept = tuple(r for r in whole.reviews if not selected or r in selected)  # in reviews.csv order
        reports_for = [report_audiences.Audience(whole.council, whole.committee, kept)]
    else:
        reports_for = report_audiences.audiences(chosen)
    planned = [
        _run(label, audience, bool(selected), out_root, known_on if not run_all else None)
        for label in labels
        for audience in reports_for
        if report_audiences.counted_by(audience, quarters.end(quarters.parse_quarter(label)))
    ]
    _check_distinct_folders(planned)
    return planned


def _run(label: str, audience, selection: bool, out_root: Path, known_on: str | None = None) -> Run:
    from helpers.publishing.report_folder import report_folder

    reviews = audience.reviews
    chosen = reviews if selection else None
    folder = report_folder(out_root, label, audience.council, audience.committee, chosen, known_on is not None)
    return Run(label, audience.council, audience.committee, reviews, folder, selection, known_on)


def _check_distinct_folders(planned: list[Run]) -> None:
    """Two councils or committees whose names differ only in punctuation would share a folder: refuse."""
    seen: dict[Path, Run] = {}
    for run in planned:
        other = seen.setdefault(run.folder, run)
        if other is not run:
            raise InputError(
                f"the reports for {other.council}, {other.committee or 'no committee'} and {run.council}, "
                f"{run.committee or 'no committee'} would share the folder {run.folder.name}: give the council or "
                "committee a name that differs in letters or digits (council in data/reviews/*.yaml, committee in "
                "action_plan.monitored_by or data/report.yaml)"
            )


def run_quarter(
    quarter: str,
    review_ids: list[str] | None,
    notebook: Path | None = None,
    out_root: Path | None = None,
    meeting_date: str | None = None,
    pdf: bool = False,
    council: str | None = None,
) -> Path:
    """Make one report in a new kernel (as the command does, without the index); its HTML's path. The report is
    the one notebook 04 shows with these parameters (helpers.committee.report_audiences.audience: with no reviews
    chosen, the council's, or the workspace's, default council and committee). ReportFailed, naming the failing
    cell, if the notebook fails."""
    from helpers.base import quarters
    from helpers.committee import parameters, report_audiences

    out_root = Path(out_root or config.reports_dir())
    settings = Settings(Path(notebook or config.REPORT_NOTEBOOK), out_root, meeting_date, pdf=pdf)

    def plan() -> list[Run]:
        chosen_council = parameters.council(council)
        chosen = parameters.reviews(review_ids, chosen_council)
        label = parameters.quarter(quarter, chosen)
        given = chosen if review_ids else None
        audience = report_audiences.audience(chosen_council, given, quarters.end(quarters.parse_quarter(label)))
        whole = report_audiences.one_audience(list(audience.reviews))
        selection = set(audience.reviews) != set(whole.reviews)
        return [_run(label, audience, selection, out_root)]

    [outcome] = run_reports(plan, settings)
    if outcome.error:
        raise ReportFailed(outcome.error)
    return outcome.path


def check_inputs(review_ids: list[str] | None) -> None:
    """Every analyst-edited file a report reads, checked now rather than halfway through a notebook."""
    from helpers.base import vocabulary
    from helpers.committee import front_matter, report_audiences
    from helpers.plans import themes
    from helpers.tracking import workspace

    vocabulary.vocabulary()
    front_matter.settings()
    ws = workspace.load_workspace(review_ids)  # processed tables and every update file
    themes.load_overrides(
        set(zip(ws.recommendations["review_id"], ws.recommendations["rec_ref"], strict=True)),
        set(report_audiences.tracked_from()),
    )
    ws.themes_long()  # the taxonomy, and recorded themes


def check_scheduled(today: dt.date | None = None) -> str:
    """The quarter a scheduled run reports on: the latest completed, once its returns are due
    (cycle.quarter_returns.return_by)."""
    from helpers.base import quarters
    from helpers.cycle.quarter_returns import return_by

    today = today or dt.date.today()
    quarter = quarters.latest_completed(today)
    due = return_by(quarter)
    if today <= due:
        raise InputError(
            f"the scheduled report for {quarters.label(quarter)} waits for its returns, due by "
            f"{quarters.long_date(due)}: schedule it after that day (see Scheduling in the README)"
        )
    return quarters.label(quarter)


def _check_writable(out_root: Path) -> None:
    """reports/ (or its nearest existing parent) must be writable, checked without creating it."""
    probe = out_root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(
            "is not writable; choose another folder with PEER_REVIEW_REPORTS or fix its permissions", probe
        )


def _warn(message: str, _seen: set[str] = set()) -> None:  # noqa: B006 - once per message
    if message not in _seen:
        _seen.add(message)
        print(message, file=sys.stderr)


def one_meeting(chosen: list[Run]) -> None:
    """A meeting date is one committee's meeting about one quarter: refused, saying what to choose, for a run
    that writes reports for several committees or quarters."""
    from helpers.committee.parameters import ParameterError

    committees = sorted({(run.council, run.committee) for run in chosen})
    if len(committees) > 1:
        named = "; ".join(f"{c}, {m or 'committee not named'}" for c, m in committees)
        raise ParameterError(
            f"MEETING_DATE is one committee's meeting, but this run writes reports for {len(committees)} "
            f"({named}): choose the council with COUNCIL (and REVIEWS where its reviews go to two committees)"
        )
    if len({run.quarter for run in chosen}) > 1:
        raise ParameterError("MEETING_DATE is one meeting about one quarter: give QUARTER, not every quarter")


def main(argv: list[str] | None = None) -> int:
    """The report command (`make report`): check the inputs, write each report folder and the index."""
    from helpers.committee import parameters

    args = arguments(argv, __doc__ or "")
    meeting_date = parameters.meeting_date(args.meeting_date)
    today = report_date()
    out_root = config.reports_dir()
    _check_writable(out_root)
    require_pdf = not args.no_pdf and os.environ.get("REQUIRE_PDF", "").strip() != "0"
    settings = Settings(config.REPORT_NOTEBOOK, out_root, meeting_date, not args.no_pdf, require_pdf)
    planned: list[Run] = []

    def plan() -> list[Run]:
        """Every parameter and input file checked before any notebook starts; runs while the first kernel boots."""
        if args.scheduled:
            args.quarter = check_scheduled(today)
        chosen = runs(args.quarter, args.all, args.reviews, out_root, args.interim, today, args.council)
        if meeting_date:
            one_meeting(chosen)
        check_inputs(sorted({r for run in chosen for r in run.reviews}) or None)
        planned.extend(chosen)
        return chosen

    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: this process does all its work in one thread
    with stopping_on_signals():
        bar = tqdm(total=None, unit="report", disable=not args.all, desc="Reports")
        try:
            outcomes = run_reports(
                plan, settings, args.jobs, lambda o: bar.update(), lambda n: bar.reset(total=n), _warn
            )
            bar.close()
            return _finish(out_root, planned, outcomes, args.scheduled, settings.require_pdf)
        except KeyboardInterrupt as stop:
            bar.close()
            _finish(out_root, planned, [])
            print("interrupted: reports finished so far are kept and listed in the index", file=sys.stderr)
            return 143 if isinstance(stop, Terminated) else 130
        except KernelFailed as err:
            bar.close()
            print(f"error: {err}", file=sys.stderr)
            return 1


def _with_pdf(outcome: Outcome, require_pdf: bool) -> Outcome:
    """A report written without its PDF, when PDFs are required, is a failure (its page stays, and says so)."""
    from helpers.publishing.pdf import pdf_path

    if not require_pdf or outcome.error or outcome.path is None or pdf_path(outcome.path).exists():
        return outcome
    return Outcome(
        outcome.run,
        outcome.path,
        f"report for {outcome.run.name}: its PDF was not printed (see above); run it again, or REQUIRE_PDF=0 to "
        "accept a report without its PDF",
    )


def _note_settings_gaps(run: Run) -> None:
    """Tell the analyst (not the committee) which settings the paper lacks: it says "Not set" where they are."""
    from helpers.committee.covering import settings_gaps
    from helpers.tracking.council_settings import settings

    gaps = settings_gaps(settings(run.council, run.committee or None))
    if gaps:
        print(
            f"note: {run.name}: {config.relative(config.rules_file('report.yaml'))} gives no {' or '.join(gaps)} "
            f'for {run.council or "this council"}, so the paper says "Not set" or "Not assessed"; give them under '
            "councils: in that file"
        )


def _finish(
    out_root: Path, planned: list[Run], outcomes: list[Outcome], scheduled: bool = False, require_pdf: bool = False
) -> int:
    """Write the index (when the input was good enough to run anything) and say what happened (each report's
    page and PDF)."""
    if not planned:
        return 1 if outcomes else 0
    from helpers.publishing.index import write_index
    from helpers.publishing.pdf import pdf_path

    index = write_index(out_root)
    if not outcomes:
        return 0
    outcomes = [_with_pdf(o, require_pdf) for o in outcomes]
    for outcome in outcomes:
        if outcome.path:
            print(f"{outcome.run.name}: {config.relative(outcome.path)}")
            pdf = pdf_path(outcome.path)
            if pdf.exists():
                print(f"{outcome.run.name}: {config.relative(pdf)}")
            _note_settings_gaps(outcome.run)
    failures = [o for o in outcomes if o.error]
    for outcome in failures:
        print(f"error: {outcome.error}", file=sys.stderr)
    if scheduled:
        from helpers.cycle.collection_status import collection_warning

        for quarter in dict.fromkeys(run.quarter for run in planned):
            warning = collection_warning(quarter)
            if warning:
                print(f"warning: {warning}", file=sys.stderr)
    print(f"index: {config.relative(index)}")
    return 1 if failures else 0


if __name__ == "__main__":
    run_cli(main)
