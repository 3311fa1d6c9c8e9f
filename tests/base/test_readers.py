"""The checked readers: every bad file gives one InputError naming the file and line or row."""

from __future__ import annotations

import datetime as dt
import errno
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.base import quarters
from helpers.base.errors import ArgumentParser, InputError, run_cli
from helpers.base.readers import (
    MB,
    YamlLines,
    check_date,
    check_int,
    from_spreadsheet_safe,
    read_csv,
    read_text,
    read_workbook,
    read_yaml,
    spreadsheet_safe,
)

LEADS_HEADER = "lead,alias,note\n"
LEADS_ROWS = (
    "Corporate Director Finance & Commercial,Corporate Director for Finance and Commercial,"
    "2022 plan spells the same post out in full\n"
    "Senior Leadership Team (SLT),SLT,\n"
    "Senior Leadership Team (SLT),Senior Leadership Team,\n"
)
LEADS_COLUMNS = ["lead", "alias"]

REVIEW = textwrap.dedent("""\
    # 2021 finance peer challenge
    id: 2021-finance
    title: Finance peer challenge 2021
    council: Dorset Council
    kind: finance peer challenge
    visit:
      start: 2021-06-21
      end: 2021-07-02
    action_plan:
      approved_on: 2021-10-05
      approved_by: Cabinet
    source_date: 2021-10-05
    recommendations_expected: 48
    documents:
      - file: 2021-10-05-cabinet-finance-peer-challenge-action-plan.txt
        describes: Cabinet report with the action plan
    """)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def error(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    err = info.value
    assert "\n" not in str(err)
    return err


# ---------------------------------------------------------------- read_text


def test_text_reads_utf8_drops_bom_and_normalises_line_ends(tmp_path):
    path = write(tmp_path, "leads.csv", b"\xef\xbb\xbflead,alias\r\nChildren\xe2\x80\x99s Services,CS\r\n")
    assert read_text(path) == "lead,alias\nChildren\u2019s Services,CS\n"


def test_empty_text_file_is_allowed(tmp_path):
    assert read_text(write(tmp_path, "empty.txt", b"")) == ""


def test_cp1252_names_the_line_of_the_first_bad_byte(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER.encode() + b"Director of Children\x92s Services,DCS,\n")
    err = error(read_text, path)
    assert (err.file, err.line) == (path, 2)
    assert "not UTF-8 text (perhaps saved as Windows-1252/ANSI): save it as UTF-8" in err.message


def test_utf16_is_named(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER.encode("utf-16"))
    assert "UTF-16" in error(read_text, path).message


def test_missing_file_and_folder_in_place_of_a_file(tmp_path):
    err = error(read_text, tmp_path / "leads.csv", what="lead alias file")
    assert err.message == "lead alias file not found"
    (tmp_path / "themes.csv").mkdir()
    err = error(read_text, tmp_path / "themes.csv")
    assert (err.file, err.message) == (tmp_path / "themes.csv", "is a folder, expected a file")


def test_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 2_001)
    assert read_text(path, max_bytes=2_001) == "x" * 2_001
    assert "too large (2,001 bytes; the limit is 2,000 bytes)" in error(read_text, path, max_bytes=2_000).message


# ---------------------------------------------------------------- read_yaml


def test_yaml_reads_a_review_with_dates_as_strings_and_lines(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW)
    data, lines = read_yaml(path)
    assert data["visit"] == {"start": "2021-06-21", "end": "2021-07-02"}
    assert data["recommendations_expected"] == 48
    assert lines.line_of(["recommendations_expected"]) == 13
    assert lines.line_of(["visit", "end"]) == 8
    assert lines.line_of(["documents", 0, "describes"]) == 16
    assert lines.line_of(["action_plan", "monitored_by"]) == 10  # nearest parent: where to add it
    assert lines.line_of(["action_plan", "monitored_by"], nearest=False) is None


def test_impossible_yaml_date_is_kept_as_text_then_refused_by_check_date(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW.replace("start: 2021-06-21", "start: 2021-02-30"))
    data, lines = read_yaml(path)
    assert data["visit"]["start"] == "2021-02-30"
    err = error(check_date, data["visit"]["start"], path, lines.line_of(["visit", "start"]), "visit.start", kind="key")
    assert err.line == 7
    assert err.message == "2021-02-30 is not a real date (key visit.start)"


def test_yaml_alias_bomb_fails_at_the_first_alias_fast_and_small(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ",".join([f"*{chr(ord('a') + i - 1)}"] * 9) + "]"
        for i in range(1, 9)
    ]
    path = write(tmp_path, "reviews/bomb.yaml", "\n".join(lines) + "\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    err = error(read_yaml, path)
    assert time.perf_counter() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB on Linux
    assert (err.line, err.message.split(":")[0]) == (2, "YAML aliases (*a) are not allowed")


def test_yaml_duplicate_key_names_both_lines(tmp_path):
    path = write(
        tmp_path,
        "reviews/2021-finance.yaml",
        REVIEW.replace("  end: 2021-07-02\n", "  end: 2021-07-02\n  start: 2021-06-22\n"),
    )
    err = error(read_yaml, path)
    assert (err.line, err.message) == (9, "key 'start' appears twice (first at line 7)")


def test_yaml_duplicate_top_level_key(tmp_path):
    path = write(tmp_path, "reviews/2021-finance.yaml", REVIEW + "id: 2021-finance-again\n")
    err = error(read_yaml, path)
    assert (err.line, err.message) == (17, "key 'id' appears twice (first at line 2)")


@pytest.mark.parametrize("content", ["", "# only a comment\n", "~\n"])
def test_empty_yaml(tmp_path, content):
    assert error(read_yaml, write(tmp_path, "vocabulary.yaml", content)).message == "file is empty"


def test_yaml_syntax_error_has_pyyamls_line(tmp_path):
    path = write(
        tmp_path, "reviews/2021-finance.yaml", REVIEW.replace("kind: finance peer challenge", "kind: [finance")
    )
    err = error(read_yaml, path)
    assert err.message.startswith("not valid YAML")
    assert err.line == 6


def test_yaml_unsafe_tag_is_refused(tmp_path):
    path = write(tmp_path, "vocabulary.yaml", "targets: !!python/object/apply:os.system ['echo hi']\n")
    assert error(read_yaml, path).message.startswith("not valid YAML")


def test_yaml_cp1252_and_size_limit(tmp_path):
    path = write(tmp_path, "vocabulary.yaml", b"statuses:\n  - Children\x92s\n")
    assert error(read_yaml, path).line == 2
    assert "too large" in error(read_yaml, write(tmp_path, "big.yaml", "a: 1\n" * 300), max_bytes=1_000).message


def test_yaml_deep_nesting_is_one_line(tmp_path):
    path = write(tmp_path, "deep.yaml", "[" * 50_000 + "]" * 50_000)
    assert "nested too deeply" in error(read_yaml, path).message


# ---------------------------------------------------------------- read_csv


def test_csv_reads_stripped_strings_with_row_numbers(tmp_path):
    path = write(
        tmp_path,
        "leads.csv",
        LEADS_HEADER
        + LEADS_ROWS.replace(",SLT,", ",  SLT ,")
        + "\n,,\n"
        + "Executive Director Corporate Development,Executive Director for Corporate Development,"
        '"2021 row 3 wraps, over a page break"\n',
    )
    frame = read_csv(path, LEADS_COLUMNS, ["note"])
    assert list(frame.columns) == ["lead", "alias", "note", "_row"]
    assert frame["alias"].tolist()[1] == "SLT"
    assert frame["note"].tolist()[1:] == ["", "", "2021 row 3 wraps, over a page break"]
    assert frame["_row"].tolist() == [2, 3, 4, 7]  # the blank line and the ",," row are skipped, not renumbered
    assert all(isinstance(v, str) for col in ("lead", "alias", "note") for v in frame[col])


def test_csv_values_are_never_turned_into_numbers_or_nan(tmp_path):
    path = write(
        tmp_path,
        "corrections.csv",
        "review_id,rec_no,field,raw_value,corrected_value,reason\n2021-finance,046,target,NA,,none\n",
    )
    row = read_csv(path, ["review_id", "rec_no", "field", "raw_value", "corrected_value", "reason"]).iloc[0]
    assert (row["rec_no"], row["raw_value"], row["corrected_value"]) == ("046", "NA", "")


def test_header_only_csv_has_no_rows(tmp_path):
    frame = read_csv(
        write(tmp_path, "theme_overrides.csv", "review_id,rec_no,themes,reason\n"),
        ["review_id", "rec_no", "themes"],
        ["reason"],
    )
    assert len(frame) == 0
    assert list(frame.columns) == ["review_id", "rec_no", "themes", "reason", "_row"]


def test_missing_optional_column_is_blank(tmp_path):
    frame = read_csv(write(tmp_path, "leads.csv", "lead,alias\nSLT,Senior Leadership Team\n"), LEADS_COLUMNS, ["note"])
    assert frame["note"].tolist() == [""]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_empty_csv(tmp_path, content):
    err = error(read_csv, write(tmp_path, "leads.csv", content), LEADS_COLUMNS)
    assert err.message == "file is empty: it needs at least a header row"


def test_csv_cp1252(tmp_path):
    path = write(tmp_path, "leads.csv", (LEADS_HEADER + LEADS_ROWS).encode() + b"Children\x92s Services,CS,\n")
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert err.line == 5
    assert "save it as UTF-8" in err.message


def test_csv_folder_in_place_of_file(tmp_path):
    (tmp_path / "leads.csv").mkdir()
    assert error(read_csv, tmp_path / "leads.csv", LEADS_COLUMNS).message == "is a folder, expected a file"


def test_unclosed_quote_names_its_own_line_in_the_right_file(tmp_path):
    path = write(
        tmp_path, "leads.csv", LEADS_HEADER + LEADS_ROWS + 'Chief Executive,"CEO,\nS151 Officer,Section 151,\n'
    )
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert (err.file, err.line) == (path, 5)
    assert "no closing quote" in err.message
    assert str(err).endswith('leads.csv:5: a quoted cell starting on this line has no closing quote (")')


def test_stray_quote_after_a_quoted_cell(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER + LEADS_ROWS + 'Chief Executive,"CEO" (paid service),\n')
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert err.line == 5
    assert "quotes" in err.message


def test_too_many_cells_names_the_line(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER + LEADS_ROWS + "Children, Adults and Education,CAE,,x\n")
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert err.line == 5
    assert err.message.startswith("this row has 5 cells but the header has 3 (is there a comma in a cell")


def test_row_numbers_count_records_and_errors_count_lines(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER + 'SLT,Senior Leadership Team,"two\nlines"\nCEO,Chief,,x\n')
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert err.line == 4
    frame = read_csv(
        write(tmp_path, "ok.csv", LEADS_HEADER + 'SLT,Senior Leadership Team,"two\nlines"\nCEO,Chief,\n'),
        LEADS_COLUMNS,
        ["note"],
    )
    assert frame["_row"].tolist() == [2, 3]
    assert frame["note"].tolist() == ["two\nlines", ""]


def test_missing_columns_give_the_header_to_use(tmp_path):
    path = write(tmp_path, "themes.csv", "theme_id,theme\ncouncil-plan,Council plan and priorities\n")
    err = error(read_csv, path, ["theme_id", "theme", "description", "terms"])
    assert err.line == 1
    assert err.message == (
        "missing column(s) description, terms; the header must be: theme_id, theme, description, terms"
    )


def test_extra_column_refused_unless_allowed(tmp_path):
    path = write(tmp_path, "leads.csv", "lead,alias,note,owner\nSLT,Senior Leadership Team,,Jo\n")
    err = error(read_csv, path, LEADS_COLUMNS, ["note"])
    assert err.message == "unknown column(s) owner; the header must be: lead, alias, note"
    frame = read_csv(path, LEADS_COLUMNS, ["note"], allow_extra=True)
    assert list(frame.columns) == ["lead", "alias", "note", "owner", "_row"]


def test_duplicate_and_blank_header_names(tmp_path):
    err = error(read_csv, write(tmp_path, "a.csv", "lead,alias,lead\nA,B,C\n"), LEADS_COLUMNS)
    assert (err.line, err.message) == (1, "column 'lead' appears twice in the header")
    err = error(read_csv, write(tmp_path, "b.csv", "lead,,alias\nA,B,C\n"), LEADS_COLUMNS)
    assert err.message.startswith("column 2 of the header has no name")


def test_csv_size_limit(tmp_path):
    path = write(tmp_path, "leads.csv", LEADS_HEADER + LEADS_ROWS * 100)
    assert "too large" in error(read_csv, path, LEADS_COLUMNS, ["note"], max_bytes=1_000).message


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "text, day",
    [
        ("2024-03-12", dt.date(2024, 3, 12)),
        ("12/03/2024", dt.date(2024, 3, 12)),
        (" 2024-02-29 ", dt.date(2024, 2, 29)),
        (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
    ],
)
def test_check_date_reads(text, day):
    assert check_date(text, "data/updates/2023-24-Q4.csv", 2, "updated_on") == day


@pytest.mark.parametrize(
    "text, message",
    [
        ("2021-02-30", "2021-02-30 is not a real date (column updated_on)"),
        ("31/04/2024", "31/04/2024 is not a real date (column updated_on)"),
        ("March 2024", "cannot read date 'March 2024' (column updated_on): use YYYY-MM-DD (e.g. 2024-03-12)"),
        ("", "no date given (column updated_on): use YYYY-MM-DD (e.g. 2024-03-12)"),
    ],
)
def test_check_date_refuses(tmp_path, text, message):
    err = error(check_date, text, tmp_path / "2023-24-Q4.csv", 7, "updated_on")
    assert (err.line, err.message) == (7, message)


def test_check_int():
    assert check_int(" 12 ", "corrections.csv", 2, "rec_no", minimum=1) == 12
    assert (
        error(check_int, "12.0", "corrections.csv", 2, "rec_no").message
        == "'12.0' is not a whole number (column rec_no)"
    )
    assert error(check_int, "0", "corrections.csv", 2, "rec_no", minimum=1).message == "0 is below 1 (column rec_no)"


# ---------------------------------------------------------------- command line


def test_argument_parser_error_is_one_line_and_exit_1(capsys):
    parser = ArgumentParser(prog="python -m helpers.publishing.report")
    parser.add_argument("--quarter")
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--quater", "2023/24 Q4"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err == "error: unrecognized arguments: --quater 2023/24 Q4 (see --help)\n"


def test_argument_parser_in_a_real_process():
    code = (
        "from helpers.base.errors import ArgumentParser\n"
        "p = ArgumentParser(prog='report'); p.add_argument('--quarter', required=True); p.parse_args([])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == "error: the following arguments are required: --quarter (see --help)\n"


def _cli(raise_: BaseException):
    def main():
        raise raise_

    return main


def test_run_cli_turns_a_read_only_folder_into_one_line(tmp_path, capsys):
    target = tmp_path / "reports" / "2023-24-Q4.html"
    with pytest.raises(SystemExit) as info:
        run_cli(_cli(PermissionError(errno.EACCES, "Permission denied", str(target))))
    assert info.value.code == 1
    assert capsys.readouterr().err == (
        f"error: cannot write {target}: permission denied \u2014 check the folder is writable\n"
    )
    with pytest.raises(SystemExit):
        run_cli(_cli(OSError(errno.EROFS, "Read-only file system", str(target))))
    assert "read-only file system" in capsys.readouterr().err


def test_run_cli_keeps_input_errors_one_line_and_bugs_loud(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        run_cli(_cli(InputError("is a folder, expected a file", tmp_path / "leads.csv")))
    assert info.value.code == 1
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(KeyError):
        run_cli(_cli(KeyError("bug")))
    with pytest.raises(FileNotFoundError):
        run_cli(_cli(FileNotFoundError(errno.ENOENT, "No such file", "x")))


def test_run_cli_write_error_in_a_real_process(tmp_path):
    folder = tmp_path / "processed"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "recommendations.csv"
    code = (
        "import os; from pathlib import Path; from helpers.base.errors import run_cli\n"
        "def main():\n"
        f"    if os.geteuid() == 0:  # root writes anywhere: fail as the open() would\n"
        f"        raise PermissionError(13, 'Permission denied', {str(target)!r})\n"
        f"    Path({str(target)!r}).write_text('x')\n"
        "run_cli(main)"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == f"error: cannot write {target}: permission denied \u2014 check the folder is writable\n"


# ---------------------------------------------------------------- quarters


FIRST = quarters.parse_quarter("2020/21 Q1")
TODAY = dt.date(2026, 11, 23)


def test_check_reportable_accepts_completed_quarters():
    assert quarters.label(quarters.check_reportable("2026/27 Q2", FIRST, TODAY)) == "2026/27 Q2"
    assert quarters.check_reportable(FIRST, FIRST, TODAY) == FIRST
    assert (
        quarters.label(quarters.check_reportable(quarters.parse_quarter("2023/24 Q4"), FIRST, dt.date(2024, 4, 1)))
        == "2023/24 Q4"
    )


def test_check_reportable_refuses_a_quarter_not_yet_ended_unless_forecast():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2099/00 Q1", FIRST, TODAY)
    assert str(info.value) == (
        "2099/00 Q1 has not ended yet: the latest completed quarter is 2026/27 Q2; "
        "use --forecast to run it as a forecast"
    )
    with pytest.raises(quarters.BadQuarter, match="2023/24 Q4 has not ended yet"):
        quarters.check_reportable("2023/24 Q4", FIRST, dt.date(2024, 3, 31))
    assert quarters.label(quarters.check_reportable("2026/27 Q3", FIRST, TODAY, forecast=True)) == "2026/27 Q3"


def test_check_reportable_refuses_a_quarter_before_the_first_plan():
    with pytest.raises(quarters.BadQuarter) as info:
        quarters.check_reportable("2019/20 Q4", FIRST, TODAY)
    assert str(info.value) == "2019/20 Q4: no action plan is tracked before 2020/21 Q1 (the first quarter with a plan)"
    with pytest.raises(quarters.BadQuarter, match="before 2020/21 Q1"):
        quarters.check_reportable("2019/20 Q1", FIRST, TODAY, forecast=True)
    assert issubclass(quarters.BadQuarter, ValueError)


def test_readers_do_not_touch_pandas_defaults(tmp_path):
    frame = read_csv(write(tmp_path, "leads.csv", LEADS_HEADER + LEADS_ROWS), LEADS_COLUMNS, ["note"])
    assert isinstance(frame, pd.DataFrame) and frame["_row"].dtype == "int64"


# From test_mutation_readers.py: The checked readers, to the letter: each error's file, line and whole message, worked out by hand.


def fails(call, *args, **kwargs) -> tuple[object, object, str]:
    """(file, line, message) of the InputError a call raises."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.file, info.value.line, info.value.message


# --- read_text --------------------------------------------------------------------------------------------------


def test_text_limits_are_exact_and_sizes_read_as_a_person_would(tmp_path):
    exactly = write(tmp_path, "a.txt", b"x" * 1000)
    assert read_text(exactly, max_bytes=1000) == "x" * 1000
    assert fails(read_text, exactly, "lead alias file", 999) == (
        exactly,
        None,
        "lead alias file is too large (1,000 bytes; the limit is 999 bytes)",
    )
    one_mb = write(tmp_path, "b.txt", b"y" * MB)
    assert fails(read_text, one_mb, max_bytes=MB - 1) == (
        one_mb,
        None,
        "file is too large (1.0 MB; the limit is 999,999 bytes)",
    )
    big = write(tmp_path, "c.txt", b"z" * (2 * MB + 600_000))
    assert fails(read_text, big, max_bytes=2 * MB)[2] == "file is too large (2.6 MB; the limit is 2.0 MB)"


def test_text_missing_folder_and_other_non_files(tmp_path):
    assert fails(read_text, tmp_path / "none.csv", "theme taxonomy") == (
        tmp_path / "none.csv",
        None,
        "theme taxonomy not found",
    )
    assert fails(read_text, tmp_path) == (tmp_path, None, "is a folder, expected a file")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert fails(read_text, fifo) == (fifo, None, "is not a regular file")
    below_a_file = write(tmp_path, "plain.txt", "x") / "inside.csv"
    assert fails(read_text, below_a_file, "corrections file") == (
        below_a_file,
        None,
        "cannot open corrections file: not a directory",
    )


def test_text_encodings(tmp_path):
    le = write(tmp_path, "le.csv", "a,b\n".encode("utf-16-le").join([b"\xff\xfe", b""]))
    be = write(tmp_path, "be.csv", b"\xfe\xff" + "a,b\n".encode("utf-16-be"))
    for path in (le, be):
        assert fails(read_text, path) == (path, 1, 'not UTF-8 text (saved as UTF-16/"Unicode text"): save it as UTF-8')
    bom = write(tmp_path, "bom.csv", b"\xef\xbb\xbfa\rb\r\nc")
    assert read_text(bom) == "a\nb\nc"
    bad = write(tmp_path, "bad.csv", b"line one\nline two\nthird \xe9t\xe9\n")
    assert fails(read_text, bad) == (
        bad,
        3,
        "not UTF-8 text (perhaps saved as Windows-1252/ANSI): save it as UTF-8 (first bad byte 0xe9)",
    )


# --- read_yaml ---------------------------------------------------------------------------------------------------


def test_yaml_limits_names_and_empty_files(tmp_path):
    path = write(tmp_path, "v.yaml", "".join(f"k{n:03d}: 1\n" for n in range(300)))  # 2,400 bytes
    assert fails(read_yaml, path, 2_399, "vocabulary") == (
        path,
        None,
        "vocabulary is too large (2,400 bytes; the limit is 2,399 bytes)",
    )
    assert len(read_yaml(path, 2_400)[0]) == 300
    assert fails(read_yaml, tmp_path / "none.yaml", what="review metadata")[2] == "review metadata not found"
    empty = write(tmp_path, "e.yaml", "")
    assert fails(read_yaml, empty) == (empty, None, "file is empty")
    null = write(tmp_path, "n.yaml", "\n\n~\n")
    assert fails(read_yaml, null) == (null, 3, "file is empty")


def test_yaml_duplicates_and_aliases_name_their_file_and_line(tmp_path):
    nested = write(tmp_path, "d.yaml", "top:\n  a: 1\n  b: 2\n  a: 3\n")
    assert fails(read_yaml, nested) == (nested, 4, "key 'a' appears twice (first at line 2)")
    alias = write(tmp_path, "al.yaml", "a: &x 1\nb: 2\nc: *x\n")
    assert fails(read_yaml, alias) == (alias, 3, "YAML aliases (*x) are not allowed: write the value out in full")
    # A merge key (<<) is not a duplicate of anything; keys after it are still checked.
    merged = write(tmp_path, "m.yaml", "base:\n  x: 1\nuse:\n  <<: {x: 1}\n  y: 2\n  y: 3\n")
    assert fails(read_yaml, merged) == (merged, 6, "key 'y' appears twice (first at line 5)")
    complex_key = write(tmp_path, "k.yaml", "? [a, b]\n: 1\nz: 2\nz: 3\n")
    assert fails(read_yaml, complex_key) == (complex_key, 4, "key 'z' appears twice (first at line 3)")


def test_yaml_nested_values_and_dates_stay_as_written(tmp_path):
    path = write(tmp_path, "r.yaml", "when: 2021-10-05\nlist:\n  - {a: [1, 2], b: 2021-02-30}\n")
    data, lines = read_yaml(path)
    assert data == {"when": "2021-10-05", "list": [{"a": [1, 2], "b": "2021-02-30"}]}
    assert lines.line_of(["list", 0, "b"]) == 3
    assert lines.line_of(["list", 1]) == 3  # past the end of the list: the list itself (it starts on line 3)
    assert lines.line_of(["list", 1], nearest=False) is None
    assert lines.line_of(["list", -1], nearest=False) is None  # a negative index is not a position
    assert lines.line_of(["list", "0"], nearest=False) is None  # a list is indexed by number, not text
    assert lines.line_of(["when", "x"]) == 1  # a scalar has no children
    assert YamlLines(None).line_of(["when"]) is None


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = write(tmp_path, "s.yaml", "a: 1\nb: [2\nc: 3\n")
    file, line, message = fails(read_yaml, path)
    assert (file, message.startswith("not valid YAML (")) == (path, True)
    assert line == 3


# --- read_csv ----------------------------------------------------------------------------------------------------


def test_csv_short_long_and_blank_rows(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,c\n1\n\n,,\n2,x,y,,\n3,p,q\n")
    frame = read_csv(path, ["a", "b", "c"])
    assert frame.to_dict("records") == [
        {"a": "1", "b": "", "c": "", "_row": 2},  # a short row is padded with blanks
        {"a": "2", "b": "x", "c": "y", "_row": 5},  # blank cells beyond the header are dropped
        {"a": "3", "b": "p", "c": "q", "_row": 6},
    ]
    assert frame["_row"].dtype == "int64"
    long = write(tmp_path, "l.csv", "a,b\n1,2\n3,4,5\n")
    assert fails(read_csv, long, ["a", "b"], what="update file") == (
        long,
        3,
        "this row has 3 cells but the header has 2 (is there a comma in a cell without quotes around it?)",
    )


def test_csv_header_only_and_empty_files(tmp_path):
    path = write(tmp_path, "h.csv", "a,b\n")
    frame = read_csv(path, ["a"], ["b", "c"])
    assert list(frame.columns) == ["a", "b", "c", "_row"] and len(frame) == 0
    assert frame["_row"].dtype == "int64" and all(frame[c].dtype == "object" for c in "abc")
    blank = write(tmp_path, "blank.csv", " \n\n")
    assert fails(read_csv, blank, ["a"], what="lead alias file") == (
        blank,
        None,
        "file is empty: it needs at least a header row",
    )
    assert fails(read_csv, tmp_path / "gone.csv", ["a"], what="lead alias file")[2] == "lead alias file not found"
    big = write(tmp_path, "big.csv", "a\n" + "x\n" * 600)
    assert fails(read_csv, big, ["a"], max_bytes=1000)[2] == "file is too large (1,202 bytes; the limit is 1,000 bytes)"


def test_csv_header_problems_name_the_file_and_the_header_row(tmp_path):
    cases = {
        "\n\nlead,,alias\n": (3, "column 2 of the header has no name; the header must be: lead, alias, note"),
        "lead,_row\n": (1, "'_row' is not allowed as a column name"),
        "lead,alias,lead\n": (1, "column 'lead' appears twice in the header"),
        "alias,note\n": (1, "missing column(s) lead; the header must be: lead, alias, note"),
        "lead,alias,x,y\n": (1, "unknown column(s) x, y; the header must be: lead, alias, note"),
    }
    for n, (text, (line, message)) in enumerate(cases.items()):
        path = write(tmp_path, f"h{n}.csv", text)
        assert fails(read_csv, path, ["lead", "alias"], ["note"]) == (path, line, message)


def test_csv_extra_columns_when_allowed_come_last(tmp_path):
    path = write(tmp_path, "x.csv", "z,alias,lead\n1,2,3\n")
    frame = read_csv(path, ["lead"], ["alias", "note"], allow_extra=True)
    assert list(frame.columns) == ["lead", "alias", "note", "z", "_row"]
    assert frame.iloc[0].tolist() == ["3", "2", "", "1", 2]


def test_csv_quote_errors_name_the_line_where_the_record_starts(tmp_path):
    unclosed = write(tmp_path, "u.csv", 'a,b\n1,2\n3,"open\nstill\n')
    assert fails(read_csv, unclosed, ["a", "b"]) == (
        unclosed,
        3,
        'a quoted cell starting on this line has no closing quote (")',
    )
    first = write(tmp_path, "f.csv", 'a,"b\n')
    assert fails(read_csv, first, ["a", "b"])[:2] == (first, 1)
    huge = write(tmp_path, "g.csv", 'a,b\n1,"' + "x" * 140_000 + "\n")  # past the csv module's field limit
    assert fails(read_csv, huge, ["a", "b"]) == (
        huge,
        2,
        'a quoted cell starting on this line has no closing quote (")',
    )
    stray = write(tmp_path, "s.csv", 'a,b\n1,"x"y\n')
    file, line, message = fails(read_csv, stray, ["a", "b"])
    assert (file, line) == (stray, 2)
    assert message.startswith("the quotes in this row do not pair up (")
    assert message.endswith('; lines 2): a quote inside a cell must be doubled ("")')
    spanning = write(tmp_path, "m.csv", 'a,b\n1,"two\nlines"z\n')
    assert fails(read_csv, spanning, ["a", "b"])[1:] == (
        2,
        fails(read_csv, spanning, ["a", "b"])[2],
    )
    assert '; lines 2-3): a quote inside a cell must be doubled ("")' in fails(read_csv, spanning, ["a", "b"])[2]


def test_csv_records_over_several_lines_keep_their_row_and_line_numbers(tmp_path):
    path = write(tmp_path, "r.csv", 'a,b\n1,"two\nlines"\n2,x\n3,"y\n\nz"\n4,"bad"q\n')
    assert fails(read_csv, path, ["a", "b"])[1] == 8  # the fifth record starts on line 8
    good = write(tmp_path, "g.csv", 'a,b\n1,"two\nlines"\n2,x\n')
    assert read_csv(good, ["a", "b"])["_row"].tolist() == [2, 3]


def test_spreadsheet_safe_cells_by_hand():
    assert [spreadsheet_safe(c) for c in ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''-", "a=1", "'a", ""]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "''=1",
        "'''-",
        "a=1",
        "'a",
        "",
    ]
    assert [from_spreadsheet_safe(c) for c in ["'=1", "''=1", "'a", "'", "a'=1", "'\t", "="]] == [
        "=1",
        "'=1",
        "'a",
        "'",
        "a'=1",
        "\t",
        "=",
    ]


# --- check_date and check_int --------------------------------------------------------------------------------------


def test_check_date_to_the_letter(tmp_path):
    f = tmp_path / "u.csv"
    assert check_date(dt.datetime(2024, 3, 1, 12, 30), f, 2, "updated_on") == dt.date(2024, 3, 1)
    assert check_date(" 1/2/2024 ", f, 2, "updated_on") == dt.date(2024, 2, 1)
    assert check_date("2024-2-1", f, 2, "updated_on") == dt.date(2024, 2, 1)
    assert fails(check_date, "  ", f, 4, "updated_on") == (
        f,
        4,
        "no date given (column updated_on): use YYYY-MM-DD (e.g. 2024-03-12)",
    )
    assert fails(check_date, "12 March", f, 5, "start", "key") == (
        f,
        5,
        "cannot read date '12 March' (key start): use YYYY-MM-DD (e.g. 2024-03-12)",
    )
    assert fails(check_date, "31/02/2024", f, 6, "end") == (f, 6, "31/02/2024 is not a real date (column end)")


def test_check_int_to_the_letter(tmp_path):
    f = tmp_path / "r.yaml"
    assert check_int(" +12 ", f, 1, "n") == 12 and check_int(-3, f, 1, "n", minimum=-3, maximum=-3) == -3
    assert check_int("5", f, 1, "n", minimum=5, maximum=5) == 5
    assert fails(check_int, True, f, 3, "n") == (f, 3, "n: expected a whole number, not True (column n)")
    assert fails(check_int, 2.0, f, 3, "n", kind="key") == (f, 3, "n: expected a whole number, not 2.0 (key n)")
    assert fails(check_int, "12.0", f, 4, "n") == (f, 4, "'12.0' is not a whole number (column n)")
    assert fails(check_int, "1" * 13, f, 4, "n")[2] == f"'{'1' * 13}' is not a whole number (column n)"
    assert fails(check_int, "4", f, 5, "n", minimum=5) == (f, 5, "4 is below 5 (column n)")
    assert fails(check_int, "6", f, 6, "n", maximum=5) == (f, 6, "6 is above 5 (column n)")


def test_text_read_failures_after_the_file_was_found(tmp_path, monkeypatch):
    # The file exists, but reading it fails (as for a file without read permission, or a disk error).
    path = write(tmp_path, "u.csv", "a\n")
    real_open = Path.open

    def refuse(error):
        def opener(self, *args, **kwargs):
            if self == path:
                raise error
            return real_open(self, *args, **kwargs)

        return opener

    monkeypatch.setattr(Path, "open", refuse(PermissionError(13, "Permission denied")))
    assert fails(read_text, path, "update file") == (path, None, "cannot read update file: permission denied")
    monkeypatch.setattr(Path, "open", refuse(OSError(5, "Input/output error")))
    assert fails(read_text, path, "update file") == (path, None, "cannot read update file: input/output error")


def test_text_that_grew_past_the_limit_after_it_was_measured(tmp_path, monkeypatch):
    path = write(tmp_path, "grows.csv", "x" * 50)
    measured = path.stat()
    small = os.stat_result((measured.st_mode, *measured[1:6], 10, *measured[7:]))  # st_size = 10
    real_stat = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, **kw: small if self == path else real_stat(self, **kw))
    assert fails(read_text, path, "update file", 40) == (path, None, "update file is too large (the limit is 40 bytes)")
    assert read_text(path, max_bytes=50) == "x" * 50


def test_yaml_too_deep_names_the_file(tmp_path):
    path = write(tmp_path, "deep.yaml", "[" * 50_000 + "]" * 50_000)
    assert fails(read_yaml, path) == (path, None, "not valid YAML (nested too deeply)")


def test_workbook_limits_and_read_failures(tmp_path, monkeypatch):
    import openpyxl

    from helpers.base.readers import read_workbook

    path = tmp_path / "w.xlsx"
    openpyxl.Workbook().save(path)
    size = path.stat().st_size
    read_workbook(path, max_bytes=size).close()  # exactly at the limit: read
    assert fails(read_workbook, path, "return", size - 1) == (
        path,
        None,
        f"return is too large ({size:,} bytes; the limit is {size - 1:,} bytes)",
    )
    real_open = Path.open

    def broken(self, *args, **kwargs):
        if self == path:
            raise OSError(5, "Input/output error")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", broken)
    assert fails(read_workbook, path, "return") == (path, None, "cannot read return: input/output error")


def test_workbook_kinds_word_for_word(tmp_path):
    import zipfile

    from helpers.base.readers import read_workbook

    encrypted = write(tmp_path, "e.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))
    assert fails(read_workbook, encrypted)[2] == (
        "the workbook is password-protected (encrypted), so it cannot be checked: ask for it without the password "
        "(File > Info > Protect Workbook > Encrypt with Password, and clear the password)"
    )
    empty_zip = tmp_path / "z.xlsx"
    with zipfile.ZipFile(empty_zip, "w"):
        pass  # a zip archive with nothing in it starts "PK\x05\x06": a zip, but not a workbook
    assert empty_zip.read_bytes().startswith(b"PK\x05\x06")
    assert fails(read_workbook, empty_zip)[2] == (
        "the workbook is damaged (cut short, or its parts are not a workbook's) and cannot be read; ask for it "
        "again, or open it and save it as an Excel workbook (.xlsx) again"
    )


def test_an_error_without_a_system_reason_still_says_what_went_wrong(tmp_path, monkeypatch):
    import openpyxl

    from helpers.base.readers import read_workbook

    path = write(tmp_path, "u.csv", "a\n")
    book = tmp_path / "w.xlsx"
    openpyxl.Workbook().save(book)
    real_open, real_stat = Path.open, Path.stat

    def opener(self, *args, **kwargs):
        if self in (path, book):
            raise OSError("the network drive went away")  # no errno, no strerror: only the text
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", opener)
    assert fails(read_text, path)[2] == "cannot read file: the network drive went away"
    assert fails(read_workbook, book)[2] == "cannot read workbook: the network drive went away"

    def stat(self, **kwargs):
        if self == path:
            raise OSError("Stale Handle")
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    assert fails(read_text, path)[2] == "cannot open file: stale handle"


def test_yaml_says_file_when_no_name_is_given(tmp_path):
    assert fails(read_yaml, tmp_path / "missing.yaml")[2] == "file not found"
    big = write(tmp_path, "big.yaml", "k: " + "x" * MB + "\n")
    assert fails(read_yaml, big)[2] == "file is too large (1.0 MB; the limit is 1.0 MB)"


# From test_readers_workbooks.py: read_workbook: a return that is not a readable .xlsx is named for what it is, in one line with no internal names.

WORKBOOKS = Path(__file__).parents[1] / "data" / "workbooks"
INTERNAL = ("Error", "Exception", "zip", "Traceback", "openpyxl", "KeyError")


def refused(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_workbook(path)
    assert err.value.file == path and "\n" not in err.value.message
    assert not any(word in err.value.message for word in INTERNAL), err.value.message
    return err.value.message


@pytest.mark.parametrize(
    "made, saved_as, message",
    [
        (
            "password-protected.xlsx",
            "return.xlsx",
            "the workbook is password-protected (encrypted), so it cannot be checked: ask for it without the password",
        ),
        ("excel-97-2003.xls", "return.xlsx", "an Excel 97-2003 workbook (.xls), not .xlsx: open it and save it as an"),
        ("calc.ods", "return.xlsx", "an OpenDocument spreadsheet (.ods), not .xlsx: open it and save it as an"),
    ],
)
def test_a_workbook_in_another_format_under_an_xlsx_name_is_named(tmp_path, made, saved_as, message):
    path = tmp_path / saved_as
    shutil.copyfile(WORKBOOKS / made, path)
    assert refused(path).startswith(message)


def test_a_cut_short_or_damaged_workbook_is_named(tmp_path):
    whole = tmp_path / "whole.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "x" * 5000
    book.save(whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert refused(cut).startswith("the workbook is damaged (cut short, or its parts are not a workbook's)")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert refused(empty).startswith("not an Excel workbook (.xlsx): the file is not a workbook, or is damaged")


def test_missing_folder_and_too_large(tmp_path):
    assert refused(tmp_path / "nowhere.xlsx") == "workbook not found"
    assert refused(tmp_path) == "is not a file, expected a workbook"
    path = tmp_path / "big.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InputError, match=r"workbook is too large \(.* the limit is 1,000 bytes\)"):
        read_workbook(path, max_bytes=1000)


def test_a_good_workbook_opens_read_only_and_formulas_stay_text(tmp_path):
    path = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = '=HYPERLINK("http://example.org","x")'
    book.save(path)
    opened = read_workbook(path)
    try:
        assert opened.read_only
        assert next(opened.active.iter_rows(values_only=True))[0] == '=HYPERLINK("http://example.org","x")'
    finally:
        opened.close()
