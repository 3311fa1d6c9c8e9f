"""Writes that fail half-way leave the previous files as they were, and no temporary files.

helpers.plans.tables.write_atomically (used for data/processed/*.csv by `make extract`)
and the report runner's _write_outputs (report.html and summary.json) stage each
file in a temporary file next to it and os.replace it into place. Each test makes
one write fail in the middle, the way a full disk or a refused rename does, and
checks the folder byte for byte.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.base import config
from helpers.base.errors import InputError
from helpers.plans import tables
from helpers.plans.extract import write
from helpers.publishing.report_folder import SUMMARY_FILE
from helpers.publishing.report_folder import write_report as _write_outputs

TABLES = ["reviews", "recommendations", "actions", "action_leads", "wording_differences"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` (hidden temporary files included), name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class _FullDisk:
    """A text file whose write stores the first half of the text, then fails as a full disk does."""

    def __init__(self, file):
        self._file = file

    def write(self, text: str) -> int:
        self._file.write(text[: len(text) // 2])
        self._file.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        self._file.close()
        return False

    def __getattr__(self, name):
        return getattr(self._file, name)


def _disk_full_at(monkeypatch: pytest.MonkeyPatch, nth: int) -> list:
    """From now on, the `nth` file opened for writing (by any route: os.fdopen, open, Path.write_text) fills the disk."""
    real_open = io.open
    opened: list = []

    def fake_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if any(m in mode for m in "wax+"):
            opened.append(file)
            if len(opened) == nth:
                return _FullDisk(handle)
        return handle

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)
    return opened


def _replace_fails_at(monkeypatch: pytest.MonkeyPatch, nth: int, err: int = errno.EACCES) -> list:
    """The `nth` os.replace fails (a rename refused); the others work."""
    real_replace = os.replace
    calls: list = []

    def fake_replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == nth:
            raise OSError(err, os.strerror(err), str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", fake_replace)
    return calls


# --- helpers.plans.tables.write_atomically -------------------------------------------------------------


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "actions.csv", tmp_path / "action_leads.csv"
    first.write_text("review_id,action_ref\n2021-finance,1\n", encoding="utf-8")
    second.write_text("review_id,action_ref,lead\n2021-finance,1,Corporate Director Finance & Commercial\n")
    return first, second


def test_a_successful_write_replaces_every_file_and_leaves_no_temporary_file(two_files):
    first, second = two_files
    tables.write_atomically({first: "new first\n", second: "new second\n"})
    assert first.read_text(encoding="utf-8") == "new first\n" and second.read_text(encoding="utf-8") == "new second\n"
    assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name])
    assert first.stat().st_mode & 0o777 == 0o644  # readable by everyone, like the files it replaces


def test_a_full_disk_on_the_second_file_leaves_both_previous_files(two_files, monkeypatch):
    first, second = two_files
    before = _snapshot(first.parent)
    with monkeypatch.context() as patch:
        _disk_full_at(patch, 2)
        with pytest.raises(OSError, match="No space left"):
            tables.write_atomically({first: "new first\n" * 50, second: "new second\n" * 50})
    assert _snapshot(first.parent) == before  # same names (no temporary file left), same bytes


def test_a_text_that_cannot_be_written_leaves_both_previous_files(two_files):
    first, second = two_files
    before = _snapshot(first.parent)
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate has no UTF-8 form: fails inside the write
        tables.write_atomically({first: "new first\n", second: "half written \ud800 never\n"})
    assert _snapshot(first.parent) == before


def test_a_refused_rename_of_the_second_file_keeps_both_and_leaves_no_temporary_file(two_files, monkeypatch):
    # All or nothing: the first file, already moved into place, is put back too (never a new actions.csv
    # beside an old action_leads.csv).
    first, second = two_files
    previous_first, previous_second = first.read_bytes(), second.read_bytes()
    with monkeypatch.context() as patch:
        calls = _replace_fails_at(patch, 2)
        with pytest.raises(PermissionError):
            tables.write_atomically({first: "new first\n", second: "new second\n"})
    assert calls[:2] == [first, second]  # each file goes into place by a rename
    assert second.read_bytes() == previous_second
    assert first.read_bytes() == previous_first
    assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name])


def test_processed_tables_survive_a_full_disk_during_extract_write(data_copy, monkeypatch):
    """`make extract` writing the five tables: the disk fills on the third; all five stay as they were."""
    folder = config.processed_dir()
    before = _snapshot(folder)
    frames = {name: tables.read(name) for name in TABLES}
    frames["actions"] = frames["actions"].iloc[:-1]  # a different extraction: one action fewer
    frames["reviews"] = frames["reviews"].assign(title=frames["reviews"]["title"] + " (revised)")
    result = SimpleNamespace(as_tables=lambda: frames)
    with monkeypatch.context() as patch:
        _disk_full_at(patch, 3)
        with pytest.raises(OSError, match="No space left"):
            write(result)
    assert _snapshot(folder) == before
    write(result)  # and with room on the disk, the new tables go in
    assert tables.read("actions").shape[0] == before["actions.csv"].count(b"\n") - 2


# --- the report runner's _write_outputs -------------------------------------------------------------

OLD_PAGE = "<!DOCTYPE html><title>Peer review recommendations: progress report 2023/24 Q3</title>\n"
OLD_SUMMARY = {"quarter": "2023/24 Q3", "counts": {"Complete": 3}, "total": 65}
NEW_PAGE = "<!DOCTYPE html><title>Peer review recommendations: progress report 2023/24 Q4</title>\n" * 200
NEW_SUMMARY = {"quarter": "2023/24 Q4", "counts": {"Complete": 3, "Ongoing": 26}, "total": 65}


@pytest.fixture
def previous_report(tmp_path: Path) -> Path:
    folder = tmp_path / "reports" / "2023-24-Q4"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text(OLD_PAGE, encoding="utf-8")
    (folder / SUMMARY_FILE).write_text(json.dumps(OLD_SUMMARY), encoding="utf-8")
    return folder / "report.html"


def test_the_report_and_its_summary_are_written_and_nothing_else(previous_report):
    _write_outputs(previous_report, NEW_PAGE, NEW_SUMMARY)
    assert previous_report.read_text(encoding="utf-8") == NEW_PAGE
    assert json.loads((previous_report.parent / SUMMARY_FILE).read_text(encoding="utf-8")) == NEW_SUMMARY
    assert sorted(p.name for p in previous_report.parent.iterdir()) == sorted(["report.html", SUMMARY_FILE])


@pytest.mark.parametrize("nth", [1, 2], ids=["report.html", "summary.json"])
def test_a_full_disk_while_writing_the_report_keeps_the_previous_report(previous_report, monkeypatch, nth):
    before = _snapshot(previous_report.parent)
    with monkeypatch.context() as patch:
        _disk_full_at(patch, nth)
        with pytest.raises(InputError, match=r"cannot write the report \(No space left on device\)"):
            _write_outputs(previous_report, NEW_PAGE, NEW_SUMMARY)
    assert _snapshot(previous_report.parent) == before


def test_a_refused_rename_keeps_the_previous_report(previous_report, monkeypatch):
    before = _snapshot(previous_report.parent)
    with monkeypatch.context() as patch:
        _replace_fails_at(patch, 1)
        with pytest.raises(InputError, match="check that the folder is writable"):
            _write_outputs(previous_report, NEW_PAGE, NEW_SUMMARY)
    assert _snapshot(previous_report.parent) == before


def test_a_page_that_cannot_be_encoded_keeps_the_previous_report(previous_report):
    before = _snapshot(previous_report.parent)
    with pytest.raises(UnicodeEncodeError):
        _write_outputs(previous_report, NEW_PAGE + "\ud800", NEW_SUMMARY)
    assert _snapshot(previous_report.parent) == before
