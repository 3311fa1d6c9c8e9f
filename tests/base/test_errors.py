"""The command line's errors: one line on stderr and exit 1, never a traceback for a person's mistake."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from helpers.base.errors import ArgumentParser, InputError, run_cli


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
