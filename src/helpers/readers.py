"""Checked readers, one per file format (stand-in: replaced by the full version on merge)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.errors import InputError


class Row(dict):
    """A CSV row whose cells read as attributes (row.lead), with its file row number as row._row."""

    __getattr__ = dict.__getitem__


class YamlLines:
    def __init__(self, node: yaml.Node | None):
        self.node = node

    def line_of(self, path: list[Any]) -> int | None:
        node = self.node
        if node is None:
            return None
        for key in path:
            if isinstance(node, yaml.MappingNode):
                match = [v for k, v in node.value if k.value == key]
                if not match:
                    break
                node = match[0]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
        return node.start_mark.line + 1


def read_text(path: Path, what: str = "file") -> str:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} not found", path)
    return path.read_text(encoding="utf-8")


def read_yaml(path: Path, max_bytes: int = 1_000_000) -> tuple[Any, YamlLines]:
    text = read_text(path)
    try:
        return yaml.safe_load(text), YamlLines(yaml.compose(text))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(f"not valid YAML ({getattr(err, 'problem', None) or err})", path,
                         mark.line + 1 if mark else None) from None


def read_csv(path: Path, required: list[str], optional: list[str] = (), *, allow_extra: bool = False,
             what: str = "file") -> pd.DataFrame:
    read_text(path, what)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path, 1)
    for col in optional:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame.apply(lambda c: c.str.strip())
    frame["_row"] = range(2, len(frame) + 2)
    return frame
