"""Helm charts through helm_python (the Helm v4 SDK, no helm binary): lint strictly, render
with the chart's own values, and hand the rendered manifests to the Kubernetes checker."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .discover import display_path
from .findings import Finding, Severity
from .tools import CheckerCouldNotRun
from .yamlload import YamlDocument, load_yaml

TOOL = "helm"
RELEASE_NAME = "example"
NAMESPACE = "default"
# Helm names a template position "<chart>/templates/x.yaml:4" or "<chart>/templates/x.yaml:6:15".
_POSITION = re.compile(
    r"(?<![\w/.-])([\w.-]+)/((?:charts/[\w.-]+/)*templates/[^\s:()\"]+):(\d+)(?::(\d+))?"
)
_METADATA_FIELD = re.compile(r"chart\.metadata\.(\w+)")
_LINT_SEVERITY = {3: Severity.ERROR, 2: Severity.ERROR, 1: Severity.INFO, 0: Severity.INFO}


def helm_module():
    """helm_python, or exit status 2: without it no chart can be checked."""
    try:
        import helm_python
    except (ImportError, OSError) as exc:  # OSError: libhelm_c.so cannot be loaded
        raise CheckerCouldNotRun(f"helm_python (helm-python-sdk) cannot be loaded: {exc}") from exc
    return helm_python


@dataclass
class RenderedTemplate:
    """Where a rendered manifest came from, to put its findings on the template's lines."""

    display: str
    template_lines: list[str]
    rendered_lines: list[str]

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
class ChartResult:
    findings: list[Finding] = field(default_factory=list)
    documents: list[YamlDocument] = field(default_factory=list)
    rendered: dict[str, RenderedTemplate] = field(default_factory=dict)  # display → template
    checked: list[str] = field(default_factory=list)  # displays of every chart file linted


def check_chart(chart_dir: Path, root: Path, files: list[str]) -> ChartResult:
    """Lint and render one chart; ``files`` are the chart's discovered files (displays)."""
    helm = helm_module()
    chart_display = display_path(chart_dir / "Chart.yaml", root)
    result = ChartResult(checked=list(files))
    report = helm.lint(str(chart_dir), strict=True)
    for message in report.get("messages", []):
        result.findings.append(_lint_finding(message, chart_dir, root, chart_display))
    lint_failed = any(f.severity is Severity.ERROR for f in result.findings)
    try:
        with helm.Chart.load(str(chart_dir)) as chart:
            manifests = chart.render(None, name=RELEASE_NAME, namespace=NAMESPACE)
    except helm.HelmError as exc:
        if not lint_failed:  # lint renders too; its message already names the template
            result.findings.append(
                _positioned(str(exc), chart_dir, root, chart_display, Severity.ERROR, "helm-render")
            )
        return result
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
            rendered = RenderedTemplate(display, source.splitlines(), text.splitlines())
            result.rendered[display] = rendered
            result.documents.extend(loaded.documents)
            result.findings.extend(
                f
                for f in map(lambda f: remap(f, rendered), loaded.findings)
                if f.rule != "file-empty"  # only comments after rendering: nothing to apply
            )
    return result


def remap(finding: Finding, rendered: RenderedTemplate) -> Finding:
    """A finding on a rendered manifest, moved to the template line it most likely came from."""
    if finding.line <= 0:  # about the whole manifest: the template as a whole
        return finding
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
    finding = _positioned(text, chart_dir, root, chart_display, severity, "helm-lint")
    if finding.path != chart_display:
        return finding
    path = str(message.get("path") or "")
    target = chart_dir / path if path and not path.endswith("/") else chart_dir / "Chart.yaml"
    if not target.is_file():
        return finding
    line, column = _field_position(target, text)
    return Finding(
        display_path(target, root), line, column, severity, "helm-lint", TOOL, finding.message
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
    text: str, chart_dir: Path, root: Path, chart_display: str, severity: Severity, rule: str
) -> Finding:
    """A Helm message naming ``<chart>/templates/x.yaml:L[:C]`` goes there, else Chart.yaml."""
    flat = " ".join(part.strip() for part in text.splitlines() if part.strip())
    match = _POSITION.search(text)
    if match:
        target = chart_dir / match.group(2)
        if target.is_file():
            return Finding(
                display_path(target, root),
                int(match.group(3)),
                int(match.group(4) or 1),
                severity,
                rule,
                TOOL,
                flat,
            )
    return Finding(chart_display, 0, 0, severity, rule, TOOL, flat)
