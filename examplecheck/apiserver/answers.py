"""The server's answers -> findings on the file, line and column of the field it names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..findings import Finding, Severity
from ..rules import RuleSet
from ..yamlload import YamlDocument
from .client import Answer

APISERVER = RuleSet(
    "kube-apiserver",
    applies_to=("kubernetes",),
    title_ko="실제 API 서버(nox -s apiserver)",
    title_en="The real API server (nox -s apiserver)",
)
RULE_REJECTED = APISERVER.rule(
    "k8s-apiserver",
    ko="`nox -s apiserver`에서 실제 kube-apiserver가 객체를 거부했습니다. 메시지에 서버가 말한 "
    "필드와 "
    "이유가 있습니다.",
    en="The real kube-apiserver (nox -s apiserver) refused the object; the message has the field "
    "and the reason the server gave.",
    fix_ko="메시지의 필드를 고칩니다. 검사기가 놓친 규칙이면 "
    "`examplecheck/kubernetes/rules/apirules.py`에 "
    "규칙을, `tests/mutation/operators.py`에 돌연변이 연산자를 추가합니다.",
    fix_en="Fix the field; if the offline checker missed it, add an API rule and a mutation "
    "operator.",
)
RULE_WARNING = APISERVER.rule(
    "k8s-apiserver-warning",
    severity=Severity.WARNING,
    ko="실제 kube-apiserver가 객체를 받아들이면서 경고했습니다(지원 중단 예정 필드 …).",
    en="The real kube-apiserver accepted the object with a warning (a field about to be "
    "deprecated ...).",
    fix_ko="경고가 말하는 대로 고칩니다.",
    fix_en="Do what the warning says.",
)
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
            found.append(RULE_REJECTED.finding(path, line, column, message, tool=tool))
    for warning in answer.warnings:
        line, column = _where(document, where, "")
        message = f"the API server warns of {label}: {warning}"
        found.append(RULE_WARNING.finding(path, line, column, message, tool=tool))
    return found
