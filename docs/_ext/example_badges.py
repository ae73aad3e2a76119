"""What a reader sees about an example's checks: a compact badge and a warnings admonition.

The badge turns the checker's ``checked_by`` labels into a short line such as
"검증됨 · Kubernetes 1.33–1.37 · strict" or "검증됨 · BuildKit parser · hadolint".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes

# Raw checker label → what the badge says (None: an internal detail the badge leaves out),
# in the order the badge lists them: the version claim first, linters last.
_LABEL_RULES: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"Kubernetes\s+(?P<span>[\d.]+(?:\s*[–-]\s*[\d.]+)?),?\s*strict", re.I), None),
    (re.compile(r"^kubernetes-(api|set)$", re.I), None),
    (re.compile(r"CRD", re.I), "CRD: 스키마 검사 생략"),
    (re.compile(r"compose", re.I), "Compose Specification"),
    (re.compile(r"buildkit|dockerfile", re.I), "BuildKit parser"),
    (re.compile(r"hadolint", re.I), "hadolint"),
    (re.compile(r"helm-render|helm template", re.I), "helm template"),
    (re.compile(r"helm-lint|helm lint", re.I), "helm lint"),
    (re.compile(r"shellcheck", re.I), "ShellCheck"),
    (re.compile(r"python", re.I), "Python 문법"),
    (re.compile(r"ruff", re.I), "ruff"),
    (re.compile(r"yamllint", re.I), "yamllint"),
]

_DASH = re.compile(r"\s*[–-]\s*")
_HANGUL = re.compile(r"[가-힣]")

# Korean advice for the warnings writers meet most; the rule id is always shown as well.
_ADVICE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"latest|DL3007|DL3006", re.I),
        "이미지 태그를 :latest 대신 고정된 버전으로 씁니다.",
    ),
    (
        re.compile(r"limit", re.I),
        "컨테이너마다 resources.limits를 정해 노드의 자원을 보호합니다.",
    ),
    (
        re.compile(r"root|DL3002|run-as", re.I),
        "컨테이너를 root가 아닌 사용자로 실행합니다.",
    ),
    (
        re.compile(r"probe", re.I),
        "준비성·활성 프로브를 두어 트래픽과 재시작을 쿠버네티스에 맡깁니다.",
    ),
]


@dataclass(frozen=True)
class Badge:
    text: str
    classes: tuple[str, ...]


def _compact(label: str) -> tuple[int, str | None]:
    """(position on the badge, text) of one checker label; unknown labels go last, unchanged."""
    for rank, (pattern, replacement) in enumerate(_LABEL_RULES):
        match = pattern.search(label)
        if match and "span" in match.groupdict():
            span = _DASH.sub("–", match["span"])
            return rank, f"Kubernetes {span} · strict"
        if match:
            return rank, replacement
    return len(_LABEL_RULES), label


def compact_labels(labels: list[str]) -> list[str]:
    """The badge's part for the checks: version claim first, each said once."""
    out: list[str] = []
    for _rank, shown in sorted((_compact(label) for label in labels), key=lambda p: p[0]):
        if shown and shown not in out:
            out.append(shown)
    return out


def badge(state, path: str) -> Badge:
    """Badge of one example from the cached report (``state``: example_checks.ExampleState)."""
    findings = state.findings_for(path)
    errors = sum(1 for f in findings if str(f.severity) == "error")
    warnings = sum(1 for f in findings if str(f.severity) == "warning")
    labels = compact_labels(state.checked_by(path))
    if errors:
        head, classes = f"오류 {errors}건", ("example-badge--error",)
    elif not labels:
        head, classes = "검사 대상 아님", ("example-badge--unchecked",)
    else:
        head, classes = "검증됨", ("example-badge--ok",)
    parts = [head, *labels]
    if warnings:
        parts.append(f"경고 {warnings}건")
        classes = (*classes, "example-badge--warning")
    return Badge(" · ".join(parts), classes)


def status_text(state, path: str) -> str:
    """The badge text, for the catalogue."""
    return badge(state, path).text


def advice_for(rule: str, message: str) -> str | None:
    """Korean advice for a tool's English message; a Korean message already says what to do."""
    if _HANGUL.search(message):
        return None
    for pattern, advice in _ADVICE:
        if pattern.search(rule) or pattern.search(message):
            return advice
    return None


def warnings_admonition(findings: list) -> nodes.admonition | None:
    """A short Korean admonition listing the checker's warnings for one example, with rule ids."""
    warned = [f for f in findings if str(f.severity) == "warning"]
    if not warned:
        return None
    admonition = nodes.admonition(classes=["example-warnings", "warning"])
    admonition += nodes.title("", "검사 경고")
    admonition += nodes.paragraph(
        "", "검사 도구가 이 예제에서 다음을 지적했습니다. 실제 환경에서는 고쳐서 사용합니다."
    )
    items = nodes.bullet_list()
    for finding in warned:
        item = nodes.paragraph()
        item += nodes.literal(finding.rule, finding.rule)
        where = f" ({finding.line}행)" if finding.line else ""
        item += nodes.Text(f"{where}: {finding.message}")
        advice = advice_for(finding.rule, finding.message)
        if advice:
            item += nodes.Text(f" — {advice}")
        items += nodes.list_item("", item)
    admonition += items
    return admonition
