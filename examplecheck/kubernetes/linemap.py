"""JSON paths of schema errors -> YAML line and column, and a readable field path.

Only documents with errors get here, so composing their node tree (slow) is rare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..yamlload import YamlDocument

JsonPath = tuple[str | int, ...]


def dotted(path: Sequence[str | int]) -> str:
    """``('spec', 'containers', 0, 'image')`` -> ``spec.containers[0].image``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(document)"


def from_pointer(pointer: str, data: Any) -> JsonPath:
    """A JSON pointer (``/spec/ports/0``) as a path whose list indices are ints.

    Indices are told from keys by walking ``data``: a mapping key ``"0"`` stays a string.
    """
    if pointer in ("", "/"):
        return ()
    node = data
    path: list[str | int] = []
    for raw in pointer.lstrip("/").split("/"):
        part: str | int = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and isinstance(part, str) and part.isdigit():
            part = int(part)
            node = node[part] if part < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            node = None
        path.append(part)
    return tuple(path)


def locate(document: YamlDocument, path: JsonPath, key: str | None = None) -> tuple[int, int]:
    """1-based line and column of the node at ``path`` (or of ``key`` inside it)."""
    return document.locate(list(path), key)
