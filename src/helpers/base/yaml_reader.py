"""YAML files, read strictly: safe types only, no aliases, no key given twice, dates left as strings.

    read_yaml(path)                 (data, YamlLines): the file's data, and the line of each value in it

Every problem becomes ``InputError(message, file, line)``, as in `helpers.base.readers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from helpers.base.errors import InputError, yaml_error
from helpers.base.readers import MB, read_text

_MERGE = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys, and leaves dates as strings."""

    path: Path | None = None

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise InputError(
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",
                self.path,
                event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in first:
                    raise InputError(f"key {key!r} appears twice (first at line {first[key]})", self.path, line)
                first[key] = line
        return super().construct_mapping(node, deep=deep)


# YAML reads 2021-10-05 as a date, and 2021-02-30 as a crash: keep the text, check it later.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class YamlLines:
    """Line numbers in a YAML file, from its node tree, for messages about its values."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def line_of(self, path_parts: Sequence[str | int], nearest: bool = True) -> int | None:
        """1-based line of the value at `path_parts` (e.g. ["visit", "start"] or ["documents", 0, "file"]).

        Where the path does not exist: the line of the nearest existing parent
        (the place to add a missing key), or None if `nearest` is False.
        """
        node = self.root
        if node is None:
            return None
        for part in path_parts:
            if isinstance(node, yaml.MappingNode):
                match = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                match = [node.value[part]]
            else:  # a scalar, or a list asked for a key or an index it does not have
                return node.start_mark.line + 1 if nearest else None
            if not match:
                return node.start_mark.line + 1 if nearest else None
            node = match[0]
        return node.start_mark.line + 1

    def key_line(self, path_parts: Sequence[str]) -> int | None:
        """1-based line of the last key of `path_parts` itself (where a mapping's value starts on the next line,
        the line naming it); else line_of's nearest line."""
        node = self.root
        for n, part in enumerate(path_parts):
            if not isinstance(node, yaml.MappingNode):
                break
            pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
            if not pairs:
                break
            if n == len(path_parts) - 1:
                return pairs[0][0].start_mark.line + 1
            node = pairs[0][1]
        return self.line_of(path_parts)


def read_yaml(path: Path | str, max_bytes: int = MB, what: str = "file") -> tuple[Any, YamlLines]:
    """(data, lines) of a YAML file: safe types only, dates as strings, never empty.

    Refuses aliases (``*name``: an alias bomb stops at the first one), a key
    given twice in one mapping, syntax errors (with PyYAML's line), and a file
    with nothing in it.
    """
    path = Path(path)
    text = read_text(path, what, max_bytes)
    loader = _StrictLoader(text)
    loader.path = path
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty", path)
        data = loader.construct_document(node)
    except yaml.YAMLError as err:
        raise yaml_error(err, path) from None
    except RecursionError:
        raise InputError("not valid YAML (nested too deeply)", path) from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError("file is empty", path, node.start_mark.line + 1)
    return data, YamlLines(node)
