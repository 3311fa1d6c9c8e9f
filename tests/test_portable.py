"""A project folder can be copied or moved: the copy's commands work on the copy, never on the original.

A virtual environment names its folder in absolute paths (the editable install of src/, each script's first line),
so `make` makes .venv afresh when its stamp names another folder; and a command run from outside the project it
writes to says which project that is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT

STAMP = Path(".venv") / ".installed-stamp"
NOTE = "writing to the project at {} (not the current folder)"

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def _make_env() -> dict[str, str]:
    """This environment without a parent make's flags (as under `make test`)."""
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}


def _stamp_for(folder: Path) -> str:
    """The stamp `make venv` writes for a .venv made in `folder`."""
    return f"project: {folder}\npython: {folder / '.venv' / 'bin' / 'python'}\n"


def _copy_with_venv_stamp(source: Path, target: Path, stamp: str) -> Path:
    """The files `make venv` looks at (Makefile, pyproject.toml, the lock), and a .venv stamp newer than them."""
    for name in ("Makefile", "pyproject.toml", "requirements/lock.txt"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    (target / STAMP).parent.mkdir(parents=True)
    (target / STAMP).write_text(stamp, encoding="utf-8")
    newest = max((target / name).stat().st_mtime for name in ("Makefile", "pyproject.toml", "requirements/lock.txt"))
    os.utime(target / STAMP, (newest + 60, newest + 60))
    return target


def _venv_plan(folder: Path) -> str:
    """What `make -n venv` would run in the folder."""
    return subprocess.run(
        ["make", "--no-print-directory", "-n", "venv"],
        cwd=folder,
        env=_make_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@needs_make
def test_a_copied_project_makes_its_venv_afresh(tmp_path: Path):
    copy = _copy_with_venv_stamp(PROJECT, tmp_path / "copy", _stamp_for(PROJECT))
    plan = _venv_plan(copy)
    assert "rm -rf .venv" in plan
    assert plan.index("rm -rf .venv") < plan.index("-m venv .venv") < plan.index("-e .")
    assert plan.strip().splitlines()[-1].endswith(f"> {STAMP}")


@needs_make
def test_a_venv_made_for_its_own_folder_is_kept(tmp_path: Path):
    copy = tmp_path / "copy"
    _copy_with_venv_stamp(PROJECT, copy, _stamp_for(copy.resolve()))
    assert "-m venv" not in _venv_plan(copy)


@needs_make
def test_a_venv_stamp_naming_no_folder_makes_it_afresh(tmp_path: Path):
    copy = _copy_with_venv_stamp(PROJECT, tmp_path / "copy", "")  # an older Makefile's empty stamp
    assert "rm -rf .venv" in _venv_plan(copy)


def test_a_command_run_outside_the_project_says_which_project_it_writes_to(tmp_path: Path):
    outside = subprocess.run(
        [sys.executable, "-m", "helpers.publishing.index", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert outside.stderr.splitlines() == [NOTE.format(PROJECT)]
    inside = subprocess.run(
        [sys.executable, "-m", "helpers.publishing.index", "--help"],
        cwd=PROJECT / "notebooks",
        capture_output=True,
        text=True,
        check=True,
    )
    assert inside.stderr == ""


def test_a_command_run_from_a_copy_writes_only_into_the_copy(tmp_path: Path):
    copy = tmp_path / "copy"
    for folder in ("src", "data"):
        shutil.copytree(PROJECT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "reports").mkdir()
    original = PROJECT / "reports" / "index.html"
    before = original.stat().st_mtime_ns if original.exists() else None
    # The copy's own .venv, made afresh by `make venv`, imports the copy's src/ (its editable install); PYTHONPATH
    # stands in for it here, ahead of this .venv's editable install of the original.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEER_REVIEW_")} | {"PYTHONPATH": str(copy / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "helpers.publishing.index"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "writing to the project at" not in done.stderr
    assert (copy / "reports" / "index.html").exists()
    assert (original.stat().st_mtime_ns if original.exists() else None) == before
