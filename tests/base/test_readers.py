"""The checked readers: every bad file gives one InputError naming the file and line or row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import edit_file, error, write
from helpers.base.errors import InputError
from helpers.base.readers import (
    MB,
    check_date,
    check_int,
    from_spreadsheet_safe,
    read_csv,
    read_text,
    spreadsheet_safe,
)
from helpers.plans.tables import to_csv_text
from made_up_reviews import extract_refuses

# No deadline: on a busy shared machine a case can take a second, and that is not a failure. Under `make mutants`
# the cases are the same every run, so a mutant is killed or not for what it does, not for what was drawn.
settings.register_profile("project", deadline=None, derandomize="MUTANT_UNDER_TEST" in os.environ)
settings.load_profile("project")

LEADS_HEADER = "lead,alias,note\n"
LEADS_ROWS = (
    "Corporate Director Finance & Commercial,Corporate Director for Finance and Commercial,"
    "2022 plan spells the same post out in full\n"
    "Senior Leadership Team (SLT),SLT,\n"
    "Senior Leadership Team (SLT),Senior Leadership Team,\n"
)
LEADS_COLUMNS = ["lead", "alias"]


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


def test_an_error_without_a_system_reason_still_says_what_went_wrong(tmp_path, monkeypatch):
    path = write(tmp_path, "u.csv", "a\n")
    real_open, real_stat = Path.open, Path.stat

    def opener(self, *args, **kwargs):
        if self == path:
            raise OSError("the network drive went away")  # no errno, no strerror: only the text
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", opener)
    assert fails(read_text, path)[2] == "cannot read file: the network drive went away"

    def stat(self, **kwargs):
        if self == path:
            raise OSError("Stale Handle")
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    assert fails(read_text, path)[2] == "cannot open file: stale handle"


# --- CSV, for any text (Hypothesis): any table of text written by `tables.to_csv_text` reads back through
# `read_csv` as the same text, and no written cell starts with a character a spreadsheet takes for a formula
# (OWASP: = + - @ tab CR).

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_read(text: str) -> str:
    """What the reader's documented rules make of a cell: line breaks as "\\n", surrounding whitespace gone."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Any text, with the characters that matter here made common: formula starts, apostrophes, quotes, commas,
# line breaks and spaces (Hypothesis would rarely put them first on its own).
cell_text = st.text(alphabet=st.one_of(st.sampled_from("=+-@'\t\r\n \",;|"), st.characters(codec="utf-8")), max_size=30)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=8))
def test_any_text_reads_back_as_written_and_no_cell_is_a_formula(cells):
    frame = pd.DataFrame(
        {"key": [f"row {n}" for n in range(len(cells))], "a": [a for a, _ in cells], "b": [b for _, b in cells]}
    )
    text = to_csv_text(frame)
    # What a spreadsheet would see: no cell of the file begins with a formula character.
    for record in csv.reader(io.StringIO(text, newline="")):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in record), record
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        path.write_text(text, encoding="utf-8", newline="")
        back = read_csv(path, ["key", "a", "b"])
    assert back["a"].tolist() == [as_read(a) for a, _ in cells]
    assert back["b"].tolist() == [as_read(b) for _, b in cells]


@given(st.text())
def test_spreadsheet_safe_is_undone_exactly(text):
    assert from_spreadsheet_safe(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(FORMULA_STARTS)


@given(st.text().filter(lambda t: not t.lstrip("'").startswith(FORMULA_STARTS)))
def test_text_that_is_no_formula_is_written_unchanged(text):
    assert spreadsheet_safe(text) == text


def test_cells_a_spreadsheet_would_run_are_neutralised_and_legitimate_values_come_back(tmp_path):
    # Worked by hand from OWASP's rule: an apostrophe goes before = + - @ (and a tab or CR) at the start.
    written = {
        '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
        "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
        "+ new timetable": "'+ new timetable",
        "-": "'-",
        "-12.5": "'-12.5",
        "@SUM(A1:A9)": "'@SUM(A1:A9)",
        "'=x": "''=x",  # typed with its own apostrophe: kept, one more in front
        "2024-03-12": "2024-03-12",
        "O'Brien": "O'Brien",
        "'quoted'": "'quoted'",
    }
    frame = pd.DataFrame({"value": list(written)})
    lines = to_csv_text(frame).splitlines()[1:]
    assert [next(csv.reader([line])) for line in lines] == [[v] for v in written.values()]
    path = tmp_path / "t.csv"
    path.write_text(to_csv_text(frame), encoding="utf-8")
    assert read_csv(path, ["value"])["value"].tolist() == list(written)


def test_an_apostrophe_typed_by_hand_before_a_formula_character_is_the_spreadsheets_text_mark(tmp_path):
    # As in Excel: '=x in a cell means the text =x; an apostrophe before anything else is part of the text.
    path = tmp_path / "typed.csv"
    path.write_text("value\n'=x\n'-\n'x\n''@y\n", encoding="utf-8")
    assert read_csv(path, ["value"])["value"].tolist() == ["=x", "-", "'x", "'@y"]


# --- Bad input: a file that is not UTF-8, or not a CSV with the right header.
# Extraction stops with one plain line naming the file and line, and keeps the tables it made before
# (these cases were in tests/test_bad_input.py).

BAD_INPUT = {
    "metadata in Windows-1252": (
        lambda d: (d / "reviews/2022-progress.yaml").write_bytes(
            (d / "reviews/2022-progress.yaml")
            .read_bytes()
            .replace(b"Progress review 2022", b"Progress review \x96 2022")
        ),
        "reviews/2022-progress.yaml",
        "save it as UTF-8",
    ),
    "leads file in Windows-1252": (
        lambda d: (d / "leads.csv").write_bytes(
            (d / "leads.csv").read_bytes().replace(b"Children's Services", b"Children\x92s Services")
        ),
        "leads.csv",
        "save it as UTF-8",
    ),
    "unclosed quote in leads.csv": (
        lambda d: edit_file(d, "leads.csv", "Dorset Council,Cabinet", 'Dorset Council,"Cabinet'),
        "leads.csv:",
        "quote",
    ),
    "malformed themes.csv": (
        lambda d: edit_file(d, "themes.csv", "theme_id,theme,description,terms", "id,theme,terms"),
        "themes.csv:1",
        "missing column",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gives_one_line_error_and_keeps_previous_tables(data_copy: Path, case: str):
    extract_refuses(data_copy, *BAD_INPUT[case])
