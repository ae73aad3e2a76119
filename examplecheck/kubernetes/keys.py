"""Mapping keys as kubectl sends them: a YAML key that is not a string becomes a JSON string.

kubectl and kubeconform turn YAML into JSON with sigs.k8s.io/yaml, which writes an integer,
boolean or float key as its text (``1: x`` is the label key "1") and refuses a null key
("unsupported map key"). The checks see the same strings; a null key is one error, and the
object it is in is not checked further (kubectl cannot send it).
"""

from __future__ import annotations

import datetime
from typing import Any

from ..findings import Finding
from ..yamlload import YamlDocument
from .engines.violations import RULE_NULL_KEY

_NULL_SPELLINGS = ("~", "null", "Null", "NULL", "")


class _NullKey(Exception):
    def __init__(self, path: tuple[str | int, ...]) -> None:
        self.path = path


def json_keys(documents: list[YamlDocument], tool: str) -> tuple[list[YamlDocument], list[Finding]]:
    """The documents with string keys only (converted in place); findings for null keys."""
    kept: list[YamlDocument] = []
    findings: list[Finding] = []
    for document in documents:
        try:
            document.data = _converted(document.data, ())
        except _NullKey as null:
            findings.append(_null_key_finding(document, null.path, tool))
            continue
        kept.append(document)
    return kept, findings


def _converted(value: Any, path: tuple[str | int, ...]) -> Any:
    if isinstance(value, list):
        return [_converted(item, (*path, index)) for index, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    return {
        _key_text(key, path): _converted(item, (*path, str(key))) for key, item in value.items()
    }


def _key_text(key: Any, path: tuple[str | int, ...]) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        raise _NullKey(path)
    if isinstance(key, bool):  # before int: bool is an int in Python
        return "true" if key else "false"
    if isinstance(key, datetime.date):
        return key.isoformat()
    return str(key)  # int and float: as written in the common cases (1, 2.5)


def _null_key_finding(document: YamlDocument, path: tuple[str | int, ...], tool: str) -> Finding:
    where = document.locate(list(path))
    line, column = where
    for spelling in _NULL_SPELLINGS:  # the key's own position when its spelling is found
        found = document.locate(list(path), spelling)
        if found != where:
            line, column = found
            break
    message = (
        "a null key (~ or an empty key): kubectl cannot turn this object into JSON "
        "(unsupported map key), so nothing else in it was checked"
    )
    return RULE_NULL_KEY.finding(document.path, line, column, message, tool=tool)
