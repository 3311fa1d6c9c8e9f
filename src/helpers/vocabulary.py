"""The status and target vocabulary analysts edit: data/vocabulary.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from helpers import config
from helpers.errors import InputError, yaml_error


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise InputError("vocabulary file not found", path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise yaml_error(err, path) from None
    for key in ("targets", "statuses", "update_statuses"):
        if not isinstance(data, dict) or key not in data:
            raise InputError(f"missing section '{key}'", path)
    return data


def vocabulary() -> dict[str, Any]:
    return _load(config.rules_file("vocabulary.yaml"))


def statuses() -> list[str]:
    """Reporting statuses in display order."""
    return list(vocabulary()["statuses"])


def update_statuses() -> dict[str, bool]:
    """{update status: closes the action?} for data/updates/*.csv."""
    return {name: bool(v.get("closes")) for name, v in vocabulary()["update_statuses"].items()}
