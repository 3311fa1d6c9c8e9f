"""Shared fixtures: a private copy of the data folder for tests that change data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.base import config
from helpers.base.errors import InputError

PROJECT = config.PROJECT_ROOT

# The support modules beside the tests (shared builders, not tests) are imported through pytest's assertion
# rewriting like the test files: their asserts say what they compared, and mutmut's test tracing (which walks the
# stack up to pytest's frames) meets no import machinery when one calls our code at import time.
SUPPORT_MODULES = sorted(
    p.stem for p in Path(__file__).parent.rglob("*.py") if not p.name.startswith("test_") and p.name != "conftest.py"
)
pytest.register_assert_rewrite(*SUPPORT_MODULES)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ (processed tables included) in a temporary folder, used by helpers for the rest of the test."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT / "data", target)
    monkeypatch.setenv("PEER_REVIEW_DATA", str(target))
    return target


def run_module(
    module: str, *args: str, data: Path | None = None, reports: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run `python -m <module>` (e.g. helpers.plans.extract) as a user would, optionally on another data folder."""
    env = dict(os.environ)
    if data is not None:
        env["PEER_REVIEW_DATA"] = str(data)
    if reports is not None:
        env["PEER_REVIEW_REPORTS"] = str(reports)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
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


HOSTILE_REC = '<script>window.__pwned = "rec"</script><img src=x onerror="window.__pwned = 1">'
HOSTILE_COMMENT = '<script>window.__pwned = "comment"</script> Survey <b>designed</b>.'


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """make(folder) once per test run, even with parallel workers (pytest-xdist): the first worker to ask makes it
    in a folder of the run's shared temporary root while holding a file lock; the others wait, then read its result.
    `make` returns a path inside the folder."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # each worker's basetemp sits in the run's root
    folder, done = base / f"made-once-{name}", base / f"made-once-{name}.txt"
    with FileLock(str(base / f"made-once-{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed part way left it
            folder.mkdir()
            done.write_text(str(make(folder).relative_to(folder)), encoding="utf-8")
    return folder / done.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory) -> Path:
    """A real report for 2023/24 Q4 whose data carries script and onerror payloads (made once per run)."""
    return made_once(tmp_path_factory, "hostile", _make_hostile_report)


def _make_hostile_report(root: Path) -> Path:
    """The hostile report, made under root: data/ with the payloads, then reports/."""
    from helpers.publishing.report import run_quarter

    data = root / "data"
    shutil.copytree(PROJECT / "data", data)
    edit_file(
        data,
        "raw/2021-10-05-cabinet-finance-peer-challenge-action-plan.txt",
        "5.\tBe clear who is accountable",
        f"5.\t{HOSTILE_REC} Be clear who is accountable",
    )
    (data / "updates" / "2023-24-Q4.csv").write_text(
        "review_id,action_ref,status,comment,updated_on\n"
        f'2021-finance,5,In progress,"{HOSTILE_COMMENT.replace(chr(34), chr(34) * 2)}",2024-03-01\n',
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PEER_REVIEW_DATA", str(data))
        extracted = run_module("helpers.plans.extract", data=data)
        assert extracted.returncode == 0, extracted.stderr
        # The report of the council whose review carries the payloads; the PDF too, when Chromium is installed
        # (tests/publishing/test_browser.py reads it).
        return run_quarter(
            "2023/24 Q4",
            None,
            out_root=root / "reports",
            pdf=Path("/usr/bin/chromium").exists(),
            council=council_of("2021-finance"),
        )


def council_of(review_id: str) -> str:
    """The council a review belongs to, from data/processed/reviews.csv (wherever PEER_REVIEW_DATA points)."""
    import csv

    with (config.processed_dir() / "reviews.csv").open(encoding="utf-8", newline="") as f:
        return next(row["council"] for row in csv.DictReader(f) if row["review_id"] == review_id)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """folder/name with exactly this content (text as UTF-8, line endings as given), its folders made."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def error(call: Callable, *args, **kwargs) -> InputError:
    """The InputError call(*args, **kwargs) raises, checked to be one line."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    err = info.value
    assert "\n" not in str(err)
    return err


def run_on(root: Path, module: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m <module>` as a user runs it, on the workspace at root (its data/ and reports/)."""
    return run_module(module, *args, data=root / "data", reports=root / "reports")
