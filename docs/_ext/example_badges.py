"""What a reader sees about an example's checks: a compact badge and a warnings admonition.

The badge turns the checker's ``checked_by`` records (examplecheck.findings.Check: the tool,
the Kubernetes versions, strict or not, done offline or not) into Korean parts such as
"검사 통과 · 쿠버네티스 1.33–1.37 스키마(엄격) · yamllint", each with a one-sentence tooltip
saying what the check did. A check the checker reports as not done offline (a custom
resource's spec schema, conf/crds.yaml) never counts as passed: the badge says where it is
done instead. Warnings cite their rule, linked to its entry on the rule page, with the rule's
own remediation (examplecheck.catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docutils import nodes
from rule_catalogue import inline_code, rule_reference_node

from examplecheck import catalogue
from examplecheck.findings import Check

# Where the checks the offline checker leaves out are made (noxfile.py, .github/workflows/ci.yml).
SERVER_CHECK = (
    "기본 검사 실행(nox)의 apiserver 세션이 게이트웨이 API CRD를 설치한 실제 kube-apiserver에 "
    "kubectl apply --dry-run=server로 적용해 spec 스키마와 CEL 규칙을 검사합니다. CI의 클러스터 "
    "작업도 kind 클러스터에 같은 방법으로 적용합니다."
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


def _span(versions: tuple[str, ...]) -> str:
    if not versions:
        return ""
    return versions[0] if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"


def _schema(check: Check) -> Part:
    span = _span(check.versions)
    engine = (
        "kubeconform"
        if check.tool == "kubeconform"
        else "kubeconform과 같은 스키마 파일을 쓰는 내부 검사 엔진"
    )
    strictly = " 엄격 모드라 스키마에 없는 필드도 오류로 봅니다." if check.strict else ""
    return Part(
        f"쿠버네티스 {span} 스키마{'(엄격)' if check.strict else ''}",
        f"{engine}로 쿠버네티스 {span}의 모든 버전 API 스키마에 맞는지 검사했습니다.{strictly}",
    )


def _metadata(check: Check) -> Part:
    span = _span(check.versions)
    versions = f"쿠버네티스 {span} " if span else ""
    return Part(
        f"{versions}메타데이터 스키마",
        f"사용자 정의 리소스의 metadata를 {versions}ObjectMeta 스키마로 검사했습니다.",
    )


def _fixed(text: str, title: str, *, shown: bool = True, skipped: bool = False) -> Callable:
    return lambda _check: Part(text, title, shown, skipped)


_NOT_DONE = _fixed(
    "CRD 명세 스키마는 실제 API 서버 검사에서 확인",
    "이 파일의 사용자 정의 리소스(CRD) 종류는 스키마를 담은 오프라인 패키지가 없어 검사기가 spec "
    "스키마를 검사하지 않았습니다(conf/crds.yaml). " + SERVER_CHECK,
    skipped=True,
)
_COMPOSE = _fixed(
    "Docker Compose 구성 검사",
    "실제 Docker Compose v2(docker-compose config)가 프로필을 모두 켠 경우와 모두 끈 경우로 "
    "파일을 읽어 키, 형식, 변수, 참조를 검사했고, 빌드 컨텍스트와 바인드 마운트 원본이 있는지도 "
    "확인했습니다.",
)
_HELM_RENDER = _fixed(
    "helm template 렌더링", "차트를 helm template으로 렌더링해 나온 매니페스트를 검사했습니다."
)
_KUSTOMIZE = _fixed(
    "Kustomize 렌더링",
    "실제 Kustomize로 렌더링한 결과를 다른 매니페스트와 같은 규칙으로 검사했습니다.",
)
# Check.tool → the badge's part, in the order the badge lists them: versions first, linters
# after, what was not checked last.
_PARTS: dict[str, Callable[[Check], Part]] = {
    "kubeconform": _schema,
    "kubernetes-schema": _schema,
    "kubernetes-api": _fixed(
        "API 서버 규칙",
        "셀렉터와 레이블, 이름 형식, base64 값처럼 API 서버가 거부하는 규칙을 검사했습니다.",
        shown=False,
    ),
    "kubernetes-set": _fixed(
        "예제 묶음 참조",
        "같은 예제 묶음 안의 참조(서비스 셀렉터, 인그레스 백엔드, 컨피그맵 키 등)가 맞는지 "
        "검사했습니다.",
        shown=False,
    ),
    "docker-compose": _COMPOSE,
    "buildkit-parser": _fixed(
        "BuildKit 파서", "docker build가 쓰는 BuildKit 파서로 Dockerfile 문법을 검사했습니다."
    ),
    "hadolint": _fixed(
        "hadolint", "hadolint로 Dockerfile 작성 규칙과 RUN 명령의 셸 코드를 검사했습니다."
    ),
    "helm-render": _HELM_RENDER,
    "helm-lint": _fixed("helm lint", "helm lint(엄격 모드)로 차트를 검사했습니다."),
    "kustomize": _KUSTOMIZE,
    "kubectl kustomize": _KUSTOMIZE,
    "shellcheck": _fixed("ShellCheck", "ShellCheck로 셸 코드를 검사했습니다."),
    "cli-help": _fixed(
        "명령 대조",
        "명령의 하위 명령과 플래그를 설치된 CLI의 --help와 대조했습니다.",
        shown=False,
    ),
    "python-compile": _fixed("Python 문법", "Python 컴파일러로 문법을 검사했습니다."),
    "json": _fixed("JSON 문법", "JSON 문법을 검사했습니다."),
    "yamllint": _fixed(
        "yamllint", "yamllint로 YAML 문법과 형식(conf/yamllint.yaml)을 검사했습니다."
    ),
}
_ORDER = {tool: rank for rank, tool in enumerate(_PARTS)}


def _part(check: Check) -> tuple[int, Part]:
    """(position on the badge, part) of one check; a tool the site does not know goes last
    under its own name (tests/test_example_badges.py keeps every tool of the checker known)."""
    if not check.done:
        return len(_ORDER) + 1, _NOT_DONE(check)
    make = _metadata if check.scope == "metadata" else _PARTS.get(check.tool)
    if make is None:
        return len(_ORDER), Part(check.tool, f"{check.tool}(으)로 검사했습니다.")
    return _ORDER.get(check.tool, len(_ORDER)), make(check)


def parts_of(checks: list[Check]) -> list[Part]:
    """The badge's parts for the checks: version claim first, each said once."""
    out: list[Part] = []
    for _rank, part in sorted((_part(check) for check in checks), key=lambda p: p[0]):
        if part.text not in (p.text for p in out):
            out.append(part)
    return out


def known_tools() -> frozenset[str]:
    """The checker's tools the badge has Korean words for."""
    return frozenset(_PARTS)


def compact_labels(checks: list[Check]) -> list[str]:
    """The texts the badge line shows for these checks."""
    return [p.text for p in parts_of(checks) if p.shown]


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


def advice_for(rule: str) -> str | None:
    """Korean advice for a finding: its rule's remediation, unless its message says it."""
    found = catalogue.lookup(rule)
    return found.fix_ko if found and not found.message_says_fix else None


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
        item += rule_reference_node(finding.rule)
        item.extend(_where(finding.line, excerpt, anchor))
        item += nodes.Text(f": {finding.message}")
        advice = advice_for(finding.rule)
        if advice:
            item += nodes.Text(" — ")
            item.extend(inline_code(advice))
        items += nodes.list_item("", item)
    admonition += items
    return admonition
