"""The checked readers: every bad file gives one InputError naming the file and line or row."""

from __future__ import annotations

import datetime as dt
import errno
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import quarters
from helpers.errors import ArgumentParser, InputError, run_cli
from helpers.readers import check_date, check_int, read_csv, read_text, read_yaml

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
    parser = ArgumentParser(prog="python -m helpers.report")
    parser.add_argument("--quarter")
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--quater", "2023/24 Q4"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err == "error: unrecognized arguments: --quater 2023/24 Q4 (see --help)\n"


def test_argument_parser_in_a_real_process():
    code = (
        "from helpers.errors import ArgumentParser\n"
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
        "import os; from pathlib import Path; from helpers.errors import run_cli\n"
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
