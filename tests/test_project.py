"""The project's own set-up: raw documents as published, dependencies in step."""
from __future__ import annotations

import csv
import hashlib
import re
import tomllib

import yaml

from helpers import config

RAW = config.PROJECT_ROOT / "data" / "raw"


def test_raw_documents_match_their_manifest_checksums():
    with (RAW / "manifest.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5
    for row in rows:
        data = (RAW / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert len(data) == int(row["bytes"])
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", row["original_name"])


def test_every_raw_file_is_in_the_manifest():
    with (RAW / "manifest.csv").open(encoding="utf-8") as f:
        listed = {row["file"] for row in csv.DictReader(f)}
    present = {p.name for p in RAW.iterdir() if p.name not in {"manifest.csv", "README.md"}}
    assert present == listed


def _requirement_names(specs: list[str]) -> dict[str, str]:
    out = {}
    for spec in specs:
        name = re.split(r"[<>=!~ ]", spec, maxsplit=1)[0].lower()
        out[name] = spec.replace(" ", "")
    return out


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pip_side = _requirement_names(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    conda_side = _requirement_names([d for d in env["dependencies"] if isinstance(d, str)
                                     and not d.startswith(("python", "pip"))])
    assert conda_side == pip_side
