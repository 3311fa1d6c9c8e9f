"""`make lab`: JupyterLab on the project root, opened at notebooks/, on this machine only.

    make lab                          # http://127.0.0.1:8888/lab/tree/notebooks
    make lab ARGS="--port 8890"       # any further JupyterLab options
    make lab ALLOW_ROOT=1             # as root (a container you trust): JupyterLab refuses root otherwise

Serving the root lets an analyst browse src/, data/ and the README from Lab; new
notebooks belong in notebooks/scratch/, which git, tests and lint ignore. ARGS
is split like a shell would split it, but never run by one: it becomes
JupyterLab's argument list.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from helpers.base import config
from helpers.base.errors import InputError, run_cli


def lab_command(args_text: str = "", allow_root: bool = False, is_root: bool | None = None) -> list[str]:
    """JupyterLab's argument list: the project root, opened at notebooks/, bound to 127.0.0.1, then ARGS."""
    is_root = os.geteuid() == 0 if is_root is None else is_root
    if is_root and not allow_root:
        raise InputError(
            "JupyterLab will not run as root: in a container you trust, run `make lab ALLOW_ROOT=1`; "
            "otherwise run `make lab` as an ordinary user"
        )
    try:
        extra = shlex.split(args_text)
    except ValueError as err:
        raise InputError(f"ARGS {args_text!r} does not split into options ({err})") from None
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter),
        "lab",
        f"--ServerApp.root_dir={config.PROJECT_ROOT}",
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.default_url=/lab/tree/notebooks",
    ]
    if is_root:
        command.append("--allow-root")
    return command + extra


def main(argv: list[str] | None = None) -> int:
    """Start JupyterLab (`make lab`), replacing this process."""
    allow = os.environ.get("ALLOW_ROOT", "").strip() not in ("", "0")
    command = lab_command(os.environ.get("ARGS", ""), allow)
    os.execv(command[0], command)  # noqa: S606 - a fixed program; ARGS became arguments, never a shell line
    return 0


if __name__ == "__main__":
    run_cli(main)
