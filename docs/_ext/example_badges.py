"""What a reader sees about an example's checks: a compact badge and a warnings admonition.

The badge turns the checker's ``checked_by`` labels into Korean parts such as
"검사 통과 · 쿠버네티스 1.33–1.37 스키마(엄격) · yamllint", each with a one-sentence
tooltip saying what the check did. A check the checker reports as not done offline (a CRD's
spec schema, conf/crds.yaml) never counts as passed: the badge says where it is done instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from docutils import nodes

# Where the checks the offline checker leaves out are done (.github/workflows/ci.yml).
CLUSTER_JOB = (
    "CI의 클러스터 작업(.github/workflows/ci.yml의 cluster)이 kind 클러스터에 Gateway API CRD를 "
    "설치하고 kubectl apply --dry-run=server로 API 서버의 검사를 받습니다."
)


@dataclass(frozen=True)
class Part:
    """One check on the badge: Korean text, and a sentence saying what it did (the tooltip)."""

    text: str
    title: str
    shown: bool = True  # False: only in the badge's tooltip (a detail the line leaves out)
    skipped: bool = False  # the checker reports this check as not done offline


@dataclass(frozen=True)
class Badge:
    head: Part
    parts: tuple[Part, ...]
    classes: tuple[str, ...]

    @property
    def text(self) -> str:
        return " · ".join(p.text for p in (self.head, *self.parts) if p.shown)

    @property
    def title(self) -> str:
        """The whole badge in sentences: every check, shown on the line or not."""
        return " ".join(p.title for p in (self.head, *self.parts))


def _schema(match: re.Match[str]) -> Part:
    span, strict = match["span"].strip(), bool(match["strict"])
    engine = (
        "kubeconform"
        if (match["tool"] or "").lower() == "kubeconform"
        else "kubeconform과 같은 스키마 파일을 쓰는 내부 검사 엔진"
    )
    strictly = " 엄격 모드라 스키마에 없는 필드도 오류로 봅니다." if strict else ""
    return Part(
        f"쿠버네티스 {span} 스키마{'(엄격)' if strict else ''}",
        f"{engine}로 쿠버네티스 {span}의 모든 버전 API 스키마에 맞는지 검사했습니다.{strictly}",
    )


def _metadata(match: re.Match[str]) -> Part:
    versions_in = re.search(rf"Kubernetes\s+{_SPAN}", match.string)
    span = versions_in["span"].strip() if versions_in else ""
    versions = f"쿠버네티스 {span} " if span else ""
    return Part(
        f"{versions}메타데이터 스키마",
        f"사용자 정의 리소스의 metadata를 {versions}ObjectMeta 스키마로 검사했습니다.",
    )


def _fixed(text: str, title: str, *, shown: bool = True, skipped: bool = False) -> Callable:
    return lambda _match: Part(text, title, shown, skipped)


_SPAN = r"(?P<span>[\d.]+(?:\s*[–,-]\s*[\d.]+)*)"
# Checker label → the badge's part, in the order the badge lists them: versions first,
# linters after, what was not checked last. The first matching rule wins.
_LABEL_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Part]]] = [
    (
        re.compile(r"not\b.*\bchecked|CRD\b.*\bskipped", re.I),
        _fixed(
            "CRD 명세 스키마는 CI 클러스터 작업에서 검사",
            "이 파일의 사용자 정의 리소스(CRD) 종류는 스키마를 담은 패키지가 없어 오프라인으로 "
            "spec 스키마를 검사하지 않았습니다(conf/crds.yaml). " + CLUSTER_JOB,
            skipped=True,
        ),
    ),
    (
        # not the custom resources' metadata-only label, the next rule's
        re.compile(
            rf"^(?!.*metadata only)(?P<tool>[\w-]+)?\s*\(?Kubernetes\s+{_SPAN}"
            r"(?P<strict>,?\s*strict)?",
            re.I,
        ),
        _schema,
    ),
    (re.compile(r"metadata only", re.I), _metadata),
    (
        re.compile(r"^kubernetes-api$", re.I),
        _fixed(
            "API 서버 규칙",
            "셀렉터와 레이블, 이름 형식, base64 값처럼 API 서버가 거부하는 규칙을 검사했습니다.",
            shown=False,
        ),
    ),
    (
        re.compile(r"^kubernetes-set$", re.I),
        _fixed(
            "예제 묶음 참조",
            "같은 예제 묶음 안의 참조(서비스 셀렉터, 인그레스 백엔드, 컨피그맵 키 등)가 "
            "맞는지 검사했습니다.",
            shown=False,
        ),
    ),
    (
        re.compile(r"compose", re.I),
        _fixed(
            "Docker Compose 구성 검사",
            "실제 Docker Compose v2(docker-compose config)가 프로필을 모두 켠 경우와 "
            "모두 끈 경우로 파일을 읽어 키, 형식, 변수, 참조를 검사했고, 빌드 컨텍스트와 "
            "바인드 마운트 원본이 있는지도 확인했습니다.",
        ),
    ),
    (
        re.compile(r"buildkit|dockerfile", re.I),
        _fixed(
            "BuildKit 파서", "docker build가 쓰는 BuildKit 파서로 Dockerfile 문법을 검사했습니다."
        ),
    ),
    (
        re.compile(r"hadolint", re.I),
        _fixed("hadolint", "hadolint로 Dockerfile 작성 규칙과 RUN 명령의 셸 코드를 검사했습니다."),
    ),
    (
        re.compile(r"kustomize", re.I),
        _fixed(
            "Kustomize 렌더링",
            "실제 Kustomize로 렌더링한 결과를 다른 매니페스트와 같은 규칙으로 검사했습니다.",
        ),
    ),
    (
        re.compile(r"helm-render|helm template", re.I),
        _fixed(
            "helm template 렌더링",
            "차트를 helm template으로 렌더링해 나온 매니페스트를 검사했습니다.",
        ),
    ),
    (
        re.compile(r"helm-lint|helm lint", re.I),
        _fixed("helm lint", "helm lint(엄격 모드)로 차트를 검사했습니다."),
    ),
    (re.compile(r"shellcheck", re.I), _fixed("ShellCheck", "ShellCheck로 셸 코드를 검사했습니다.")),
    (
        re.compile(r"python", re.I),
        _fixed("Python 문법", "Python 컴파일러로 문법을 검사했습니다."),
    ),
    (re.compile(r"ruff", re.I), _fixed("ruff", "ruff로 Python 코드를 검사했습니다.")),
    (re.compile(r"^json$", re.I), _fixed("JSON 문법", "JSON 문법을 검사했습니다.")),
    (
        re.compile(r"yamllint", re.I),
        _fixed("yamllint", "yamllint로 YAML 문법과 형식(conf/yamllint.yaml)을 검사했습니다."),
    ),
]

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


def _part(label: str) -> tuple[int, Part]:
    """(position on the badge, part) of one checker label; unknown labels go last, as they are."""
    for rank, (pattern, make) in enumerate(_LABEL_RULES):
        match = pattern.search(label)
        if match:
            part = make(match)
            # skipped checks after everything that ran
            return (len(_LABEL_RULES) + 1 if part.skipped else rank), part
    return len(_LABEL_RULES), Part(label, f"{label}(으)로 검사했습니다.")


def parts_of(labels: list[str]) -> list[Part]:
    """The badge's parts for the checks: version claim first, each said once."""
    out: list[Part] = []
    for _rank, part in sorted((_part(label) for label in labels), key=lambda p: p[0]):
        if part.text not in (p.text for p in out):
            out.append(part)
    return out


def compact_labels(labels: list[str]) -> list[str]:
    """The texts the badge line shows for these labels."""
    return [p.text for p in parts_of(labels) if p.shown]


def _head(state, path: str, parts: list[Part], errors: int) -> tuple[Part, tuple[str, ...]]:
    if errors:
        title = f"검사에서 오류가 {errors}건 나왔습니다. 오류가 있으면 사이트 빌드가 실패합니다."
        return Part(f"오류 {errors}건", title), ("example-badge--error",)
    if not parts:
        if state.kind_of(path) == "data":
            title = "다른 예제가 읽어 들이는 입력 파일이라 이 파일만 따로 검사하지 않습니다."
        else:
            title = "이 파일을 검사한 도구가 없습니다."
        return Part("검사 대상 아님", title), ("example-badge--unchecked",)
    if any(p.skipped for p in parts):
        title = (
            "오프라인으로 한 검사에서는 오류가 없었지만 일부 검사는 하지 않았습니다. "
            "하지 않은 검사는 어디에서 하는지 함께 적었습니다."
        )
        return Part("일부만 검사", title), ("example-badge--partial",)
    title = "아래 검사를 모두 했고 오류가 없었습니다."
    return Part("검사 통과", title), ("example-badge--ok",)


def badge(state, path: str) -> Badge:
    """Badge of one example from the cached report (``state``: example_checks.ExampleState)."""
    findings = state.findings_for(path)
    errors = sum(1 for f in findings if str(f.severity) == "error")
    warnings = sum(1 for f in findings if str(f.severity) == "warning")
    parts = parts_of(state.checked_by(path))
    head, classes = _head(state, path, parts, errors)
    if warnings:
        parts.append(Part(f"경고 {warnings}건", f"검사 도구가 경고를 {warnings}건 남겼습니다."))
        classes = (*classes, "example-badge--warning")
    return Badge(head, tuple(parts), classes)


def badge_node(state, path: str) -> nodes.inline:
    """The badge as nodes: each part an <abbr> whose title says what that check did."""
    shown = badge(state, path)
    node = nodes.inline(classes=["example-badge", *shown.classes])
    visible = [p for p in (shown.head, *shown.parts) if p.shown]
    for index, part in enumerate(visible):
        if index:
            node += nodes.Text(" · ")
        classes = ["example-badge-part"] + (["example-badge-skipped"] if part.skipped else [])
        title = shown.title if index == 0 else part.title  # the head explains the whole badge
        node += nodes.abbreviation(part.text, part.text, explanation=title, classes=classes)
    return node


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


def _where(line: int, excerpt, anchor: str | None) -> list[nodes.Node]:
    """How a warning cites its line: the number the code shows, linked to it when shown."""
    if not line:
        return []
    if excerpt is not None and not excerpt.contains(line):
        return [nodes.Text(f" ({line}행: 위 발췌 {excerpt.range_text} 밖의 줄)")]
    cited: nodes.Node = nodes.Text(f"{line}행")
    if anchor:
        cited = nodes.reference("", f"{line}행", refuri=f"#{anchor}-{line}", internal=True)
    return [nodes.Text(" ("), cited, nodes.Text(")")]


def warnings_admonition(
    findings: list, excerpt=None, anchor: str | None = None
) -> nodes.admonition | None:
    """A short Korean admonition listing the checker's warnings for one example, with rule ids.

    ``excerpt`` (example_excerpt.Excerpt) is the part of the file shown, ``anchor`` the prefix
    of the shown lines' ids: a cited line links to its line or says it is not shown.
    """
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
        item.extend(_where(finding.line, excerpt, anchor))
        item += nodes.Text(f": {finding.message}")
        advice = advice_for(finding.rule, finding.message)
        if advice:
            item += nodes.Text(f" — {advice}")
        items += nodes.list_item("", item)
    admonition += items
    return admonition
