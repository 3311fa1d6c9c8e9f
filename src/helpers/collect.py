"""Returns in: read the leads' returned update forms into data/updates/<quarter>.csv.

    python -m helpers.collect --quarter "2024/25 Q1"
    python -m helpers.collect --from-env             # QUARTER from the environment (make collect QUARTER=...)
    python -m helpers.collect --quarter "2024/25 Q1" --replace   # take changed returns over collected rows

Reads every workbook in data/updates/returns/<2024-25-Q1>/ (made by
helpers.forms), checks every filled cell, and writes the quarter's update file
atomically. Each collected row names its cell (source
"returns/2024-25-Q1/<file>.xlsx:Updates!7", relative to data/updates/), its lead,
and the day it was first collected (collected_on). Rows typed by hand into the
same file (whose source names no workbook) are kept as they are.

Any problem (an unknown status, a date outside the quarter, a revised target
without a reason or that is not a date, a row that is not an open action of
that lead, a locked cell changed, a sheet or header renamed or removed, a file
that is not an .xlsx) prints one line naming the workbook, sheet and cell, and
nothing is written. Collecting the same returns again changes nothing. A return
that changes a row already collected is a conflict unless --replace is given;
so is a collected row whose return has gone.

Revised targets come in as requests. The committee agrees them later: record
that by filling revision_approved_by and revision_approved_on in the row of the
update file (collect keeps what you fill in there).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import config, quarters
from helpers.cycle import (
    ABOUT_SHEET,
    COLUMNS,
    FILL,
    FORM_VERSION,
    HEADERS,
    REFERENCE,
    UPDATES_SHEET,
    Lead,
    cell_text,
    check,
    column_letter,
    form_rows,
    forms_dir,
    is_collected,
    quarter_from_args,
    read_about,
    returns_dir,
    source_prefix,
)
from helpers.errors import ArgumentParser, InputError, run_cli
from helpers.tables import to_csv_text, write_atomically
from helpers.updates import FILE_COLUMNS, OPTIONAL_COLUMNS, quarter_file, read_update_file

CSV_COLUMNS = FILE_COLUMNS + OPTIONAL_COLUMNS
# What a lead's return decides; the analyst's approval columns and collected_on are kept from the file.
FROM_RETURN = [
    "review_id",
    "action_ref",
    "status",
    "comment",
    "updated_on",
    "revised_target",
    "revision_reason",
    "evidence",
    "lead",
]
MAX_LINES = 50


class Problems(Exception):
    """Several InputErrors, one line each."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@dataclass
class Return:
    path: Path
    lead: Lead
    rows: list[dict[str, str]] = field(default_factory=list)
    filled_rows: int = 0


def _cell(key: str, row: int) -> str:
    return f"{UPDATES_SHEET}!{column_letter(key)}{row}"


def _read_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _value(cell) -> object:
    """A cell's value as typed (the workbook is read with data_only=False): a formula stays its text
    ("=HYPERLINK(...)") and is recorded as text, never evaluated."""
    return cell.value


def read_return(path: Path, quarter: pd.Period, open_actions: set[tuple[str, str, str, str]], today: dt.date) -> Return:
    """One returned workbook, checked; raises Problems listing every bad cell (one line each)."""
    from openpyxl import load_workbook

    from helpers.targets import DATED, UnreadableTarget, parse_target
    from helpers.vocabulary import read_update_status, update_statuses

    def fail(message: str) -> Problems:
        return Problems([InputError(message, path)])

    try:
        book = load_workbook(path, data_only=False)
    except Exception as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise fail(
            f"not a readable Excel workbook (.xlsx): {reason}; save the return as an Excel workbook, or "
            "remove it from the returns folder"
        ) from None
    for name in (UPDATES_SHEET, ABOUT_SHEET):
        if name not in book.sheetnames:
            raise fail(
                f"{name}: sheet missing (the workbook has {', '.join(book.sheetnames)}); sheets must keep "
                "the names the form gave them: ask the lead to fill in the form as sent"
            )
    about, table = read_about(book)
    for key in ("form_version", "quarter", "council", "lead"):
        if not about.get(key, ("", ""))[0]:
            raise fail(f"{ABOUT_SHEET}: no {key} recorded; this is not a form made by `make forms`")
    version, cell = about["form_version"]
    if version != FORM_VERSION:
        raise fail(
            f"{cell}: form version {version!r}; this collect reads version {FORM_VERSION}: send the lead a new form"
        )
    label, cell = about["quarter"]
    if label != quarters.label(quarter):
        try:
            folder = f" (it belongs in data/updates/returns/{quarters.slug(quarters.parse_quarter(label))}/)"
        except quarters.BadQuarter:
            folder = ""
        raise fail(f"{cell}: this form is for {label}, not {quarters.label(quarter)}{folder}")
    lead = Lead(about["council"][0], about["lead"][0])

    sheet = book[UPDATES_SHEET]
    for n, want in enumerate(HEADERS, start=1):
        got = cell_text(sheet.cell(row=1, column=n).value)
        if " ".join(got.split()) != want:
            letter = sheet.cell(row=1, column=n).column_letter
            shown = f"{got!r}" if got else "empty"
            raise fail(
                f"{UPDATES_SHEET}!{letter}1: header is {shown}, should be {want!r}; columns must not be "
                "renamed, moved or removed"
            )
    extra = cell_text(sheet.cell(row=1, column=len(HEADERS) + 1).value)
    if extra:
        raise fail(
            f"{UPDATES_SHEET}!{sheet.cell(row=1, column=len(HEADERS) + 1).column_letter}1: a column was "
            f"added ({extra!r}); columns must not be added, renamed, moved or removed"
        )

    expected: dict[int, dict[str, str]] = {}
    for entry in table:
        try:
            expected[int(entry["sheet_row"])] = entry
        except ValueError:
            raise fail(f"{entry['_cell']}: the About sheet's row table is damaged") from None
    sent = f"rows 2 to {max(expected)}" if expected else "no rows"

    start, end = quarters.start(quarter), quarters.end(quarter)
    statuses = ", ".join(update_statuses())
    errors: list[InputError] = []
    out = Return(path, lead)
    fill_keys = [key for key, _, _ in FILL]
    last = max(sheet.max_row, max(expected, default=1))
    for r in range(2, last + 1):
        cells = [sheet.cell(row=r, column=n) for n in range(1, len(COLUMNS) + 1)]
        values = [_value(c) for c in cells]
        texts = [cell_text(v) for v in values]
        entry = expected.get(r)
        if entry is None:
            if any(texts):
                first = next(n for n, t in enumerate(texts) if t)
                errors.append(
                    InputError(
                        f"{UPDATES_SHEET}!{cells[first].column_letter}{r}: row {r} was not in the "
                        f"form as sent ({sent}); rows must not be added or moved",
                        path,
                    )
                )
            continue
        # Locked cells: each must read as the form wrote it.
        got = check(texts[: len(REFERENCE)]).split()
        want = entry["check"].split()
        changed = [n for n, (a, b) in enumerate(zip(got, want, strict=False)) if a != b]
        changed = changed or ([0] if len(got) != len(want) else [])
        if changed:
            n = changed[0]
            errors.append(
                InputError(
                    f"{UPDATES_SHEET}!{cells[n].column_letter}{r}: a locked cell was changed "
                    f"({HEADERS[n]}: now {texts[n][:60]!r}); put back what the form said",
                    path,
                )
            )
            continue
        fill = dict(zip(fill_keys, values[len(REFERENCE) :], strict=False))
        fill_text = dict(zip(fill_keys, texts[len(REFERENCE) :], strict=False))
        if not any(fill_text.values()):
            continue
        out.filled_rows += 1
        review_id, action_ref = entry["review_id"], entry["action_ref"]
        if (lead.council, lead.lead, review_id, action_ref) not in open_actions:
            errors.append(
                InputError(
                    f"{UPDATES_SHEET}!{column_letter('action_ref')}{r}: {review_id} action {action_ref} is not an open "
                    f"action of {lead.lead} at {lead.council} on {quarters.long_date(end)}; leave this row blank, or "
                    "record the update by hand",
                    path,
                )
            )
            continue
        row_errors: list[InputError] = []

        def bad(key: str, message: str, row_errors: list[InputError] = row_errors, r: int = r) -> None:
            row_errors.append(InputError(f"{_cell(key, r)}: {message}", path))

        status = read_update_status(fill_text["status"])
        if status is None:
            bad("status", f"unknown status {fill_text['status']!r}; use one of {statuses}, or leave it blank")
        comment = " ".join(fill_text["comment"].split())
        day = end
        if fill_text["updated_on"]:
            read = _read_date(fill["updated_on"])
            if read is None:
                bad(
                    "updated_on",
                    f"cannot read the date of update {fill_text['updated_on']!r}: use a date like {end:%d/%m/%Y}",
                )
            elif not start <= read <= end:
                bad(
                    "updated_on",
                    f"date of update {read.isoformat()} is outside {quarters.label(quarter)} "
                    f"({start.isoformat()} to {end.isoformat()})",
                )
            else:
                day = read
        revised = fill_text["revised_target"]
        if isinstance(fill["revised_target"], (dt.date, dt.datetime)):
            revised = _read_date(fill["revised_target"]).isoformat()
        if revised:
            try:
                target = parse_target(revised, day)
                readable = target.kind in DATED and target.date is not None
            except UnreadableTarget:
                readable = False
            if not readable:
                bad(
                    "revised_target",
                    f"revised target {revised!r} is not a date: use a date (31/03/2025) or a month (March 2025)",
                )
            if not fill_text["revision_reason"]:
                bad("revision_reason", "a revised target date needs a reason for the revision")
        elif fill_text["revision_reason"]:
            bad("revised_target", "a reason for revision is given but no revised target date")
        if not (fill_text["status"] or comment or revised):
            given = ", ".join(h for (k, h, _), t in zip(FILL, fill_text.values(), strict=False) if t)
            bad(
                "status",
                f"an update needs a status, a progress comment or a revised target date (this row has only: {given})",
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        out.rows.append(
            {
                "review_id": review_id,
                "action_ref": action_ref,
                "status": status or "",
                "comment": comment,
                "updated_on": day.isoformat(),
                "revised_target": revised,
                "revision_reason": " ".join(fill_text["revision_reason"].split()),
                "revision_approved_by": "",
                "revision_approved_on": "",
                "evidence": " ".join(fill_text["evidence"].split()),
                "lead": lead.lead,
                "source": f"{source_prefix(quarter)}{path.name}:{UPDATES_SHEET}!{r}",
                "collected_on": today.isoformat(),
                "_row": r,
            }
        )
    if errors:
        raise Problems(errors)
    return out


def _return_files(folder: Path) -> tuple[list[Path], list[InputError]]:
    files, errors = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.name.casefold() == "readme.md":
            continue  # hidden files, Excel's lock files, a note
        if path.is_dir():
            errors.append(InputError("a folder inside the returns folder: returns are .xlsx files, side by side", path))
        elif path.suffix.casefold() != ".xlsx":
            errors.append(
                InputError(
                    "not an Excel workbook (.xlsx): save the return as .xlsx, or remove this file "
                    "from the returns folder",
                    path,
                )
            )
        else:
            files.append(path)
    return files, errors


def _source_path(source: str) -> tuple[Path, str]:
    """("data/updates/returns/.../X.xlsx", "Updates!7") from a collected row's source."""
    file, cell = source.rsplit(":", 1)
    return config.updates_dir() / file, cell


def merge(
    existing: pd.DataFrame, collected: list[dict[str, str]], replace: bool, log: Path
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Hand-typed rows as they are, then collected rows (kept as first collected where unchanged)."""
    collected_mask = is_collected(existing["source"])
    hand = existing[~collected_mask]
    before = {row["source"]: row for row in existing[collected_mask].to_dict("records")}
    conflicts: list[InputError] = []
    rows: list[dict[str, str]] = []
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "dropped": 0}
    for new in collected:
        old = before.pop(new["source"], None)
        if old is None:
            rows.append(new)
            counts["new"] += 1
            continue
        differ = [c for c in FROM_RETURN if old[c] != new[c]]
        if not differ:
            rows.append({**old, "_row": new["_row"]})
            counts["unchanged"] += 1
        elif replace:
            keep_approval = old["revised_target"] == new["revised_target"] and new["revised_target"] != ""
            if keep_approval:
                new = {
                    **new,
                    "revision_approved_by": old["revision_approved_by"],
                    "revision_approved_on": old["revision_approved_on"],
                }
            rows.append(new)
            counts["replaced"] += 1
        else:
            path, cell = _source_path(new["source"])
            column = differ[0]
            where = (
                f"{UPDATES_SHEET}!{column_letter(column)}{new['_row']}" if column in {k for k, _, _ in FILL} else cell
            )
            conflicts.append(
                InputError(
                    f"{where}: conflicts with the row collected on {old['collected_on'] or 'an earlier day'} "
                    f"({column}: was {old[column]!r}, now {new[column]!r}); use --replace to take the new return",
                    path,
                )
            )
    for source, old in before.items():
        if replace:
            counts["dropped"] += 1
            continue
        conflicts.append(
            InputError(
                f"{source} was collected on {old['collected_on'] or 'an earlier day'} but is no longer in the returns "
                "(its file removed or renamed, or the row cleared); put it back, or use --replace to drop it",
                log,
                old["_row"],
            )
        )
    if conflicts:
        raise Problems(conflicts)

    def order(row: dict) -> tuple[str, int]:
        file, cell = row["source"].rsplit("!", 1)
        return file, int(cell)

    rows.sort(key=order)
    frame = pd.concat([hand[CSV_COLUMNS], pd.DataFrame(rows, columns=CSV_COLUMNS)], ignore_index=True)
    return frame.fillna(""), counts


def _check_written(frame: pd.DataFrame, log: Path, known: pd.MultiIndex) -> str:
    """The file's text, validated by updates.read_update_file exactly as `make report` will read it."""
    text = to_csv_text(frame)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / log.name
        trial.write_text(text, encoding="utf-8", newline="")
        try:
            read_update_file(trial, known)
        except InputError as err:
            row = int(err.line) - 2 if isinstance(err.line, int) else None
            source = frame.at[row, "source"] if row is not None and 0 <= row < len(frame) else ""
            if source and is_collected(pd.Series([source])).iloc[0]:
                path, cell = _source_path(source)
                raise InputError(f"{cell}: {err.message}", path) from None
            raise InputError(err.message, log) from None
    return text


def collect(quarter: pd.Period, replace: bool = False, today: dt.date | None = None) -> dict[str, object]:
    """Collect the quarter's returns into its update file; returns a summary. Raises Problems / InputError."""
    from helpers.readers import read_csv
    from helpers.tables import read as read_table
    from helpers.workspace import load_workspace

    today = today or dt.date.today()
    folder = returns_dir(quarter)
    log = quarter_file(quarter)
    if not folder.is_dir():
        raise InputError(f"no returns folder for {quarters.label(quarter)}: save the returned forms in it", folder)
    ws = load_workspace()  # checks every update file, this quarter's included
    rows = form_rows(ws, quarter)
    open_actions = set(zip(rows["council"], rows["lead"], rows["review_id"], rows["action_ref"], strict=False))
    files, errors = _return_files(folder)
    returns: list[Return] = []
    for path in files:
        try:
            returns.append(read_return(path, quarter, open_actions, today))
        except Problems as bad:
            errors.extend(bad.errors)
    seen: dict[Lead, Path] = {}
    for item in returns:
        if item.lead in seen:
            errors.append(
                InputError(
                    f"{ABOUT_SHEET}: another return for {item.lead} is {seen[item.lead].name}; keep only one of them",
                    item.path,
                )
            )
        seen.setdefault(item.lead, item.path)
    if errors:
        raise Problems(errors)

    if log.exists():
        existing = read_csv(log, required=FILE_COLUMNS, optional=OPTIONAL_COLUMNS, what="update file")
        extra = [c for c in existing.columns if c not in [*CSV_COLUMNS, "_row"]]
        if extra:
            raise InputError(
                f"column(s) {', '.join(extra)} are not update-file columns, and collect would drop "
                "them; move them out of the file first",
                log,
                1,
            )
    else:
        existing = pd.DataFrame(columns=[*CSV_COLUMNS, "_row"])
    collected = [row for item in returns for row in item.rows]
    frame, counts = merge(existing, collected, replace, log)
    actions = read_table("actions")
    known = pd.MultiIndex.from_arrays([actions["review_id"], actions["action_ref"]])
    text = _check_written(frame, log, known)
    before = log.read_text(encoding="utf-8") if log.exists() else None
    changed = text != before and not (before is None and frame.empty)
    if changed:
        write_atomically({log: text})
    return {
        "log": log,
        "changed": changed,
        "returns": returns,
        "counts": counts,
        "hand_rows": int((~is_collected(frame["source"])).sum()),
        "rows": len(frame),
        "workspace": ws,
    }


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m helpers.collect", description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help='the quarter the returns are for, e.g. "2024/25 Q1"')
    which.add_argument("--from-env", action="store_true", help="read the quarter from the QUARTER variable")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="take returns that change rows already collected (and drop rows whose return has gone)",
    )
    args = parser.parse_args(argv)
    quarter = quarter_from_args(args)
    try:
        result = collect(quarter, replace=args.replace)
    except Problems as bad:
        for err in bad.errors[:MAX_LINES]:
            print(f"error: {err}", file=sys.stderr)
        if len(bad.errors) > MAX_LINES:
            print(f"error: ... and {len(bad.errors) - MAX_LINES} more problem(s)", file=sys.stderr)
        print("nothing written", file=sys.stderr)
        return 1
    returns, counts = result["returns"], result["counts"]
    filled = [r for r in returns if r.rows]
    where = config.relative(result["log"])
    state = "wrote" if result["changed"] else "unchanged:"
    print(
        f"{len(returns)} return(s) read ({len(filled)} with updates, {len(returns) - len(filled)} empty); "
        f"{state} {where}: {counts['new']} new, {counts['unchanged']} already collected, "
        f"{counts['replaced']} replaced, {counts['dropped']} dropped, {result['hand_rows']} typed by hand"
    )
    if forms_dir(quarter).is_dir():
        from helpers.forms import _due_from_forms, lead_forms, return_by, write_chase_list

        _, forms, unled = lead_forms(quarter, result["workspace"])
        due = _due_from_forms(forms_dir(quarter)) or return_by(quarter)
        chase = write_chase_list(quarter, forms, unled, due, forms_dir(quarter))
        waiting = chase[chase["returned"] == "no"]
        print(
            f"{len(waiting)} of {len(chase)} lead(s) not yet returned; chase list: "
            f"{config.relative(forms_dir(quarter) / 'README.md')}"
        )
    return 0


if __name__ == "__main__":
    run_cli(main)
