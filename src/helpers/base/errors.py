"""The one error type for bad input, and the way command-line tools report it."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn


class InputError(Exception):
    """Bad input an analyst can fix: names the file and the line or row."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | str | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        from helpers.base.config import relative

        where = ""
        if self.file is not None:
            where = relative(Path(self.file))
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.message}"


def yaml_error(err: Exception, path: Path) -> InputError:
    """The InputError for a YAML file that does not parse, with the line PyYAML points at."""
    mark = getattr(err, "problem_mark", None)
    return InputError(f"not valid YAML ({getattr(err, 'problem', None) or err})", path, mark.line + 1 if mark else None)


# OSErrors that mean "the disk or folder will not take the file", not a bug in the program.
_WRITE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def write_error_message(err: OSError) -> str | None:
    """One line for an OSError met while writing a file, or None if it is not that kind of error."""
    if err.errno not in _WRITE_ERRNOS and not isinstance(err, PermissionError):
        return None
    from helpers.base.config import relative

    target = err.filename or err.filename2
    where = f" {relative(Path(target))}" if target else ""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write{where}: the disk is full"
    if (
        isinstance(err, PermissionError)
        and target
        and Path(target).exists()
        and not Path(target).is_dir()
        and not os.access(target, os.R_OK)
    ):
        return f"cannot read{where}: permission denied"
    reason = "read-only file system" if err.errno == errno.EROFS else "permission denied"
    return f"cannot write{where}: {reason} \u2014 check the folder is writable"


def _say_which_project() -> None:
    """One line on stderr naming the project a command writes to, when the current folder is outside it."""
    from helpers.base.config import PROJECT_ROOT

    # A copied project run with the original's .venv would otherwise write into the original's reports/ unnoticed.
    try:
        here = Path.cwd().resolve()
    except OSError:  # the current folder was removed: nothing to compare
        return
    if not here.is_relative_to(PROJECT_ROOT):
        print(f"writing to the project at {PROJECT_ROOT} (not the current folder)", file=sys.stderr)


def run_cli(main: Callable[[], int | None]) -> None:
    """Run a command-line entry point: expected errors print one line and exit 1.

    InputError (bad input), and a file the disk will not let us write (read-only
    reports/ or data/processed/, a full disk) give one line on stderr and exit 1.
    Any other exception is a bug and keeps its traceback. Run from outside the project folder, the command first
    says which project it writes to.
    """
    _say_which_project()
    try:
        code = main()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    except OSError as err:
        message = write_error_message(err)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    # The work is done and written. Objects still alive are left to the exit, unscanned: otherwise the
    # garbage collector walks pandas', matplotlib's and nbconvert's objects once more on the way out
    # (0.4 s of a report command's 6 s).
    gc.freeze()
    sys.exit(code or 0)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one line, `error: <message> (see --help)`, and exits 1."""

    def error(self, message: str) -> NoReturn:
        """Print the error as one line naming --help, and exit 1."""
        self.exit(1, f"error: {message} (see --help)\n")
