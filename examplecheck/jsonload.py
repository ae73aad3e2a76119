"""A JSON file as one document: its data from the JSON parser, its lines from the YAML tree.

kubectl and kubeconform take JSON manifests as they take YAML ones, so a JSON object with an
apiVersion or a kind is checked as a Kubernetes manifest. The data comes from ``json`` (PyYAML
reads JSON as YAML 1.1, where ``1e3`` is a string); the positions from the YAML node tree,
since JSON is YAML flow syntax.
"""

from __future__ import annotations

import json
from typing import Any

from .yamlload import SourceText, YamlDocument


def json_document(display: str, text: str) -> YamlDocument | None:
    """The file's one document, or None when it is not valid JSON (the JSON check says why)."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None
    # PyYAML refuses a tab before a token even in flow context; JSON allows tabs only as
    # whitespace, so a space in each one's place keeps every line and column.
    source = SourceText(display, text.replace("\t", " "))
    stripped = text.lstrip()
    line = text[: len(text) - len(stripped)].count("\n") + 1
    return YamlDocument(source, 0, data, line)


def looks_like_kubernetes(data: Any) -> bool:
    return isinstance(data, dict) and ("apiVersion" in data or "kind" in data)
