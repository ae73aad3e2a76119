"""Helm charts through helm_python (the Helm v4 SDK, no helm binary): lint strictly and
render with every values set the chart ships, as the pages run it (``values.yaml`` alone, and
``values.yaml`` under each ``values-*.yaml`` as with ``helm template -f values-prod.yaml``),
and hand each render to the Kubernetes checker. A finding on a rendered line goes to the
values line that supplied the value, else to the template line."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..discover import display_path
from ..executables import CheckerCouldNotRun
from ..findings import Finding, Severity
from ..rules import Rule, RuleSet
from ..yamlload import YamlDocument, load_yaml

TOOL = "helm"
HELM = RuleSet(
    TOOL, applies_to=("helm-chart", "helm-template"), title_ko="Helm 차트", title_en="Helm charts"
)
HELM_LINT = HELM.rule(
    "helm-lint",
    levels=(Severity.WARNING, Severity.INFO),
    ko="`helm lint --strict`가 차트에서 문제를 찾았습니다(`values.yaml`과 `values-*.yaml` "
    "각각으로). "
    "메시지는 Helm의 문장 그대로입니다.",
    en="helm lint --strict found a problem in the chart (with values.yaml and with each "
    "values-*.yaml); the message is Helm's own.",
    fix_ko="메시지가 가리키는 템플릿이나 values 파일의 줄을 고칩니다.",
    fix_en="Fix the template or values line the message names.",
)
HELM_RENDER = HELM.rule(
    "helm-render",
    ko="`helm template`이 차트를 렌더링하지 못했습니다(닫히지 않은 `{{`, 없는 값, 함수 오류 …). "
    "렌더링된 매니페스트의 문제는 쿠버네티스 규칙으로 템플릿의 줄에 나옵니다.",
    en="helm template could not render the chart (an unclosed {{, a missing value, a function "
    "error ...); problems of the rendered manifests come as Kubernetes rules on template lines.",
    fix_ko="메시지가 가리키는 템플릿의 줄을 고칩니다.",
    fix_en="Fix the template line the message names.",
)
RELEASE_NAME = "example"
NAMESPACE = "default"
# Helm names a template position "<chart>/templates/x.yaml:4" or "<chart>/templates/x.yaml:6:15".
_POSITION = re.compile(
    r"(?<![\w/.-])([\w.-]+)/((?:charts/[\w.-]+/)*templates/[^\s:()\"]+):(\d+)(?::(\d+))?"
)
_METADATA_FIELD = re.compile(r"chart\.metadata\.(\w+)")
_LINT_SEVERITY = {3: Severity.ERROR, 2: Severity.ERROR, 1: Severity.INFO, 0: Severity.INFO}
# `.Values.image.tag`, `$.Values.env`: the value a template line interpolates.
_VALUES_REFERENCE = re.compile(r"\.Values((?:\.[A-Za-z_][\w-]*)+)")
# Helm's values-schema messages name the value as a JSON pointer: "- at '/replicaCount': ...".
_SCHEMA_POINTER = re.compile(r"at '(/[^']*)'")
OVERLAY_GLOB = "values-*.yaml"


def helm_module():
    """helm_python, or exit status 2: without it no chart can be checked."""
    try:
        import helm_python
    except (ImportError, OSError) as exc:  # OSError: libhelm_c.so cannot be loaded
        raise CheckerCouldNotRun(f"helm_python (helm-python-sdk) cannot be loaded: {exc}") from exc
    return helm_python


@dataclass(frozen=True)
class ValuesFile:
    """One values file of a render, to put a finding on the line that set the value."""

    display: str
    document: YamlDocument
    lines: tuple[str, ...]

    def position(self, path: list[str]) -> tuple[int, int] | None:
        """(line, column) of the value at ``path`` when this file sets it."""
        node: Any = self.document.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return self.document.locate(path)

    def line_with(self, text: str) -> tuple[int, int] | None:
        """The line whose text is ``text`` (a value toYaml copied verbatim), if exactly one."""
        found = [i for i, line in enumerate(self.lines) if line.strip() == text]
        if len(found) != 1:
            return None
        line = self.lines[found[0]]
        return found[0] + 1, len(line) - len(line.lstrip()) + 1


@dataclass
class RenderedTemplate:
    """Where a rendered manifest came from, to put its findings on the template's lines."""

    display: str
    template_lines: list[str]
    rendered_lines: list[str]
    values: tuple[ValuesFile, ...] = ()  # the render's values files, the overriding one first

    def values_position(self, line: int) -> tuple[ValuesFile, int, int] | None:
        """The values line behind rendered ``line``: the value its template line interpolates
        (``replicas: {{ .Values.replicaCount }}``), or a line toYaml copied verbatim."""
        if not self.values or not 1 <= line <= len(self.rendered_lines):
            return None
        wanted = self.rendered_lines[line - 1].strip()
        template_line, _, exact = self.template_position(line, 1)
        if exact:
            source = self.template_lines[template_line - 1]
            for match in _VALUES_REFERENCE.finditer(source):
                path = match.group(1).lstrip(".").split(".")
                for values in self.values:
                    position = values.position(path)
                    if position is not None:
                        return values, *position
            return None
        if not wanted or wanted.startswith("#"):
            return None
        for values in self.values:
            position = values.line_with(wanted)
            if position is not None:
                return values, *position
        return None

    def template_position(self, line: int, column: int) -> tuple[int, int, bool]:
        """(line, column, exact) in the template for a rendered line: the template line with
        the same text, else the same key, nearest to the rendered position."""
        if not 1 <= line <= len(self.rendered_lines):
            return 1, 1, False
        wanted = self.rendered_lines[line - 1].strip()
        if not wanted:
            return 1, 1, False
        exact = [i for i, text in enumerate(self.template_lines) if text.strip() == wanted]
        if exact:
            best = min(exact, key=lambda i: abs(i + 1 - line))
            return best + 1, column, True
        key = wanted.split(":", 1)[0] + ":" if ":" in wanted else None
        keyed = [
            i
            for i, text in enumerate(self.template_lines)
            if key is not None and text.strip().startswith(key)
        ]
        if keyed:
            best = min(keyed, key=lambda i: abs(i + 1 - line))
            text = self.template_lines[best]
            return best + 1, len(text) - len(text.lstrip()) + 1, True
        return 1, 1, False


@dataclass
class Render:
    """The manifests of one values set, for the Kubernetes checker."""

    label: str  # "-f values-prod.yaml": what a finding of this render says it was rendered with
    documents: list[YamlDocument] = field(default_factory=list)
    rendered: dict[str, RenderedTemplate] = field(default_factory=dict)  # display → template


@dataclass
class ChartResult:
    findings: list[Finding] = field(default_factory=list)
    documents: list[YamlDocument] = field(default_factory=list)  # rendered with values.yaml
    rendered: dict[str, RenderedTemplate] = field(default_factory=dict)  # display → template
    checked: list[str] = field(default_factory=list)  # displays of every chart file linted
    overlays: list[Render] = field(default_factory=list)  # one per values-*.yaml


def check_chart(chart_dir: Path, root: Path, files: list[str]) -> ChartResult:
    """Lint and render one chart with each values set; ``files`` are the chart's discovered
    files (displays)."""
    helm = helm_module()
    result = ChartResult(checked=list(files))
    defaults = _values_file(chart_dir / "values.yaml", root)
    base = _check_values_set(helm, chart_dir, root, None, [defaults] if defaults else [])
    result.findings.extend(base.findings)
    result.documents, result.rendered = base.render.documents, base.render.rendered
    seen = {finding_key(f) for f in result.findings}
    for path in sorted(chart_dir.glob(OVERLAY_GLOB)):
        overlay = _values_file(path, root)
        if overlay is None:  # not a mapping or not YAML: the file's own findings say so
            continue
        chosen = [overlay, defaults] if defaults else [overlay]
        checked = _check_values_set(helm, chart_dir, root, overlay, chosen)
        result.findings.extend(tagged(checked.findings, checked.render.label, seen))
        result.overlays.append(checked.render)
    return result


@dataclass
class _ValuesSetResult:
    findings: list[Finding]
    render: Render


def _check_values_set(
    helm: Any,
    chart_dir: Path,
    root: Path,
    overlay: ValuesFile | None,
    values: list[ValuesFile],
) -> _ValuesSetResult:
    """helm lint --strict and helm template for one values set (``-f overlay`` when given)."""
    chart_display = display_path(chart_dir / "Chart.yaml", root)
    user_values = overlay.document.data if overlay is not None else None
    render = Render(f"-f {overlay.display.rsplit('/', 1)[-1]}" if overlay else "values.yaml")
    findings: list[Finding] = []
    report = helm.lint(str(chart_dir), user_values, strict=True)
    for message in report.get("messages", []):
        finding = _lint_finding(message, chart_dir, root, chart_display)
        findings.append(_at_schema_pointer(finding, str(message.get("error", "")), values))
    lint_failed = any(f.severity is Severity.ERROR for f in findings)
    try:
        with helm.Chart.load(str(chart_dir)) as chart:
            manifests = chart.render(user_values, name=RELEASE_NAME, namespace=NAMESPACE)
    except helm.HelmError as exc:
        if not lint_failed:  # lint renders too; its message already names the template
            finding = _positioned(str(exc), chart_dir, root, chart_display, None, HELM_RENDER)
            findings.append(_at_schema_pointer(finding, str(exc), values))
        return _ValuesSetResult(findings, render)
    findings.extend(_load_rendered(manifests, chart_dir, root, render, tuple(values)))
    return _ValuesSetResult(findings, render)


def _load_rendered(
    manifests: dict[str, str],
    chart_dir: Path,
    root: Path,
    render: Render,
    values: tuple[ValuesFile, ...],
) -> list[Finding]:
    """Rendered manifests → YAML documents of ``render``; their load problems as findings."""
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="examplecheck-helm-") as folder:
        for index, (name, text) in enumerate(sorted(manifests.items())):
            template = _template_path(name, chart_dir)
            if template.suffix not in {".yaml", ".yml"} or not text.strip():
                continue  # NOTES.txt, or a template that renders nothing with these values
            display = display_path(template, root)
            rendered_file = Path(folder, f"{index:04d}.yaml")
            rendered_file.write_text(text, encoding="utf-8")
            loaded = load_yaml(rendered_file, display)
            source = template.read_text(encoding="utf-8") if template.is_file() else ""
            rendered = RenderedTemplate(display, source.splitlines(), text.splitlines(), values)
            render.rendered[display] = rendered
            render.documents.extend(loaded.documents)
            findings.extend(
                f
                for f in map(lambda f: remap(f, rendered), loaded.findings)
                if f.rule != "file-empty"  # only comments after rendering: nothing to apply
            )
    return findings


def tagged(findings: list[Finding], label: str, seen: set[tuple]) -> list[Finding]:
    """An overlay render's findings that the defaults' render did not already give, each
    saying which values file it was rendered with; ``seen`` grows with what is returned."""
    fresh = []
    for finding in findings:
        key = finding_key(finding)
        if key in seen:
            continue
        seen.add(key)
        message = f"{finding.message} (rendered with {label})"
        fresh.append(replace(finding, message=message))
    return fresh


def finding_key(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.rule, finding.message)


def _values_file(path: Path, root: Path) -> ValuesFile | None:
    if not path.is_file():
        return None
    loaded = load_yaml(path, display_path(path, root))
    if (
        loaded.findings
        or len(loaded.documents) != 1
        or not isinstance(loaded.documents[0].data, dict)
    ):
        return None
    lines = tuple((loaded.text or "").splitlines())
    return ValuesFile(loaded.documents[0].path, loaded.documents[0], lines)


def _at_schema_pointer(finding: Finding, message: str, values: list[ValuesFile]) -> Finding:
    """A values-schema failure ("at '/replicaCount': got string") goes to that values line."""
    match = _SCHEMA_POINTER.search(message)
    if match is None:
        return finding
    path = [part.replace("~1", "/").replace("~0", "~") for part in match.group(1).split("/")[1:]]
    for file in values:
        position = file.position(path)
        if position is not None:
            return replace(finding, path=file.display, line=position[0], column=position[1])
    return finding


def remap(finding: Finding, rendered: RenderedTemplate) -> Finding:
    """A finding on a rendered manifest, moved to the values line that set the value, else to
    the template line it most likely came from."""
    if finding.line <= 0:  # about the whole manifest: the template as a whole
        return finding
    from_values = rendered.values_position(finding.line)
    if from_values is not None:
        values, line, column = from_values
        template_line, _, exact = rendered.template_position(finding.line, finding.column)
        where = f"{rendered.display}:{template_line}" if exact else rendered.display
        return replace(
            finding,
            path=values.display,
            line=line,
            column=column,
            message=f"{finding.message} (the value renders into {where})",
        )
    line, column, exact = rendered.template_position(finding.line, finding.column)
    note = "" if exact else f" (line {finding.line} of the rendered manifest)"
    return Finding(
        finding.path,
        line,
        column,
        finding.severity,
        finding.rule,
        finding.tool,
        finding.message + note,
    )


def _template_path(name: str, chart_dir: Path) -> Path:
    """``<chart>/templates/x.yaml`` → the file under ``chart_dir``."""
    parts = name.split("/", 1)
    return chart_dir / (parts[1] if len(parts) == 2 else parts[0])


def _lint_finding(message: dict, chart_dir: Path, root: Path, chart_display: str) -> Finding:
    severity = _LINT_SEVERITY.get(int(message.get("severity") or 0), Severity.INFO)
    text = str(message.get("error", ""))
    finding = _positioned(text, chart_dir, root, chart_display, severity, HELM_LINT)
    if finding.path != chart_display:
        return finding
    path = str(message.get("path") or "")
    target = chart_dir / path if path and not path.endswith("/") else chart_dir / "Chart.yaml"
    if not target.is_file():
        return finding
    line, column = _field_position(target, text)
    return HELM_LINT.finding(
        display_path(target, root), line, column, finding.message, severity=severity
    )


def _field_position(path: Path, message: str) -> tuple[int, int]:
    """The line of the top-level field a lint message is about ("version 'x' is not a valid
    SemVer", "chart.metadata.version ..."), or 0 (whole file) when it names none present."""
    match = _METADATA_FIELD.search(message) or re.match(r"^\s*(\w+)\b", message)
    if not match:
        return 0, 0
    key = re.compile(rf"^{re.escape(match.group(1))}\s*:")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0, 0
    for number, text in enumerate(lines, 1):
        if key.match(text):
            return number, 1
    return 0, 0


def _positioned(
    text: str, chart_dir: Path, root: Path, chart_display: str, severity: Severity | None,
    rule: Rule,
) -> Finding:  # fmt: skip
    """A Helm message naming ``<chart>/templates/x.yaml:L[:C]`` goes there, else Chart.yaml."""
    flat = " ".join(part.strip() for part in text.splitlines() if part.strip())
    match = _POSITION.search(text)
    if match:
        target = chart_dir / match.group(2)
        if target.is_file():
            return rule.finding(
                display_path(target, root),
                int(match.group(3)),
                int(match.group(4) or 1),
                flat,
                severity=severity,
            )
    return rule.finding(chart_display, 0, 0, flat, severity=severity)
