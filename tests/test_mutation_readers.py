"""The checked readers, to the letter: each error's file, line and whole message, worked out by hand.

Written against the survivors of `make mutants` (MODULES=readers): a reader that named the wrong line, dropped
the file from a message, or read one byte past its limit passed the older tests.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.readers import (
    MB,
    YamlLines,
    check_date,
    check_int,
    from_spreadsheet_safe,
    read_csv,
    read_text,
    read_yaml,
    spreadsheet_safe,
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


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

    from helpers.readers import read_workbook

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

    from helpers.readers import read_workbook

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

    from helpers.readers import read_workbook

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
