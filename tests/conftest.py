"""Shared fixtures: a private copy of the data folder for tests that change data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import config

PROJECT = config.PROJECT_ROOT


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ (processed tables included) in a temporary folder, used by helpers for the rest of the test."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT / "data", target)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(target))
    return target


def run_module(module: str, *args: str, data: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python -m helpers.<module>` as a user would, optionally on another data folder."""
    env = dict(os.environ)
    if data is not None:
        env["PEER_REVIEW_DATA"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", f"helpers.{module}", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=timeout,
    )


def edit_file(data: Path, name: str, old: str, new: str) -> None:
    """Change a file under data/; a raw document's manifest checksum is updated too, as an analyst adding a new
    version would do (extraction refuses a document that differs from its manifest line)."""
    import hashlib

    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if name.startswith("raw/"):
        manifest = data / "raw" / "manifest.csv"
        old_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        new_sha = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, new_sha), encoding="utf-8")
