"""Every path the project uses, built from the project root.

Set PEER_REVIEW_DATA to point the workspace at another data folder, and
PEER_REVIEW_REPORTS to write reports elsewhere (the tests use both).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    """The data folder: PEER_REVIEW_DATA if set, else <project>/data."""
    return Path(os.environ.get("PEER_REVIEW_DATA", PROJECT_ROOT / "data"))


def raw_dir() -> Path:
    """data/raw: the published documents, read-only."""
    return data_dir() / "raw"


def reviews_dir() -> Path:
    """data/reviews: one metadata file per review."""
    return data_dir() / "reviews"


def processed_dir() -> Path:
    """data/processed: the tables `make extract` writes."""
    return data_dir() / "processed"


def updates_dir() -> Path:
    """data/updates: the quarterly update files."""
    return data_dir() / "updates"


def rules_file(name: str) -> Path:
    """A rules file analysts edit (leads.csv, themes.csv, vocabulary.yaml, ...)."""
    return data_dir() / name


NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "04-quarterly-report.ipynb"
BENCHMARKS_DIR = PROJECT_ROOT / "benchmarks"


def reports_dir() -> Path:
    """Where HTML reports go: PEER_REVIEW_REPORTS if set, else <project>/reports."""
    return Path(os.environ.get("PEER_REVIEW_REPORTS", PROJECT_ROOT / "reports"))


def relative(path: Path) -> str:
    """A path as shown in messages: relative to the project root where possible."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
