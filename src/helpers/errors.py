"""The one error type for bad input, and the way command-line tools report it."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


class InputError(Exception):
    """Bad input an analyst can fix: names the file and the line or row."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | str | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        from helpers.config import relative

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
    return InputError(f"not valid YAML ({getattr(err, 'problem', None) or err})", path,
                      mark.line + 1 if mark else None)


def run_cli(main: Callable[[], int | None]) -> None:
    """Run a command-line entry point: expected errors print one line and exit 1."""
    try:
        code = main()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code or 0)


class ArgumentParser(__import__("argparse").ArgumentParser):
    """argparse with one-line usage errors and exit status 1 (stand-in; the readers branch has the full one)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(1)
