"""One conf/*.yaml file read for the checker: any problem is one line naming the file and the
line, raised as the caller's error (the CLI exits 2), never a traceback or a checker-crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .findings import Finding
from .yamlload import YamlDocument, load_yaml


def load_problem(display: str, findings: list[Finding]) -> str:
    """``conf/x.yaml is unusable (line 3, column 7): <why>`` for the loader's first finding."""
    if not findings:
        return f"{display} is unusable: no YAML document"
    first = findings[0]
    where = f" (line {first.line}, column {first.column})" if first.line else ""
    return f"{display} is unusable{where}: {first.message}"


def load_mapping(path: Path, display: str, error: type[Exception]) -> YamlDocument:
    """The file's first document, which must be a mapping."""
    loaded = load_yaml(path, display)
    if loaded.findings or not loaded.documents:
        raise error(load_problem(display, loaded.findings))
    document = loaded.documents[0]
    if not isinstance(document.data, dict):
        raise error(f"{display}:{document.line}: expected a mapping of settings")
    return document


def mapping_entries(
    document: YamlDocument, key: str, error: type[Exception]
) -> list[tuple[int, dict[str, Any]]]:
    """(line, entry) for each entry of the list under ``key`` (absent: none); each a mapping."""
    value = document.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        line, _ = document.locate([key])
        raise error(f"{document.path}:{line}: `{key}` must be a list")
    entries = []
    for index, entry in enumerate(value):
        line, _ = document.locate([key, index])
        if not isinstance(entry, dict):
            raise error(f"{document.path}:{line}: each `{key}` entry must be a mapping")
        entries.append((line, entry))
    return entries


def strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
