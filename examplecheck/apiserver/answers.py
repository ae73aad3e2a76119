"""The server's answers -> findings on the file, line and column of the field it names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..findings import Finding, Severity
from ..yamlload import YamlDocument
from .client import Answer

RULE_REJECTED = "k8s-apiserver"
RULE_WARNING = "k8s-apiserver-warning"
_INDEX = re.compile(r"\[([^\]]*)\]")

JsonPath = tuple[str | int, ...]


def parse_field(field: str) -> JsonPath:
    """``spec.containers[1].name`` -> ('spec', 'containers', 1, 'name').

    Map keys the server writes in brackets (``metadata.labels[app.kubernetes.io/name]``)
    stay whole, dots and all; ``<nil>`` and an empty field give the document itself.
    """
    if not field or field == "<nil>":
        return ()
    path: list[str | int] = []
    position = 0
    while position < len(field):
        if field[position] == "[":
            end = field.find("]", position)
            if end == -1:
                break
            inside = field[position + 1 : end]
            path.append(int(inside) if inside.isdigit() else inside.strip("'\""))
            position = end + 1
        elif field[position] == ".":
            position += 1
        else:
            end = position
            while end < len(field) and field[end] not in ".[":
                end += 1
            path.append(field[position:end])
            position = end
    return tuple(path)


def _where(document: YamlDocument | None, prefix: JsonPath, field: str) -> tuple[int, int]:
    if document is None:
        return 1, 1
    return document.locate([*prefix, *parse_field(field)])


def _label(obj: object) -> str:
    if not isinstance(obj, dict):
        return "the document"
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return f"{obj.get('kind', '?')}/{metadata.get('name') or '(no name)'}"


def findings_for(
    answer: Answer,
    obj: object,
    *,
    path: str,
    document: YamlDocument | None,
    prefix: Sequence[str | int] = (),
    tool: str,
) -> list[Finding]:
    """Errors for a rejection (one per cause), warnings for what the server warned of."""
    found: list[Finding] = []
    label = _label(obj)
    where = tuple(prefix)
    if not answer.accepted:
        reason = f" ({answer.reason})" if answer.reason and not answer.causes else ""
        for cause in answer.causes or [None]:
            field = cause.field if cause else ""
            line, column = _where(document, where, field)
            said = (f"{field}: " if field else "") + (cause.message if cause else answer.message)
            message = f"the API server rejects {label}{reason}: {said}"
            found.append(Finding(path, line, column, Severity.ERROR, RULE_REJECTED, tool, message))
    for warning in answer.warnings:
        line, column = _where(document, where, "")
        message = f"the API server warns of {label}: {warning}"
        found.append(Finding(path, line, column, Severity.WARNING, RULE_WARNING, tool, message))
    return found
