"""Decide what each file is, by content first and name second, loading it exactly once."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding
from .jsonload import json_document, looks_like_kubernetes
from .wrappers.kustomize import is_kustomization
from .yamlload import FILE_UNREADABLE, YamlDocument, load_yaml, read_text

KUBERNETES = "kubernetes"
COMPOSE = "compose"
DOCKERFILE = "dockerfile"
SHELL = "shell"
PYTHON = "python"
YAML = "yaml"
JSON = "json"
PAGE = "page"  # a Markdown page: its shell code blocks are checked
HELM_CHART = "helm-chart"  # Chart.yaml, values*.yaml and other files of a chart
HELM_TEMPLATE = "helm-template"  # files under a chart's templates/: Go templates, not YAML
KUSTOMIZATION = "kustomization"  # rendered by kustomize; the output is checked as manifests
KUSTOMIZE_PART = "kustomize-part"  # a resource or patch a kustomization reads: checked rendered
DATA = "data"  # plain input of another example (listed in conf or referenced)
EXCEPTION = "exception"  # listed in conf/exceptions.yaml `unchecked:` with a reason
UNKNOWN = "unknown"
UNREADABLE = "unreadable"  # a symlink loop, no read permission, a FIFO: its finding says which

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$")
_DOCKERFILE_NAME = re.compile(r"^(Dockerfile|Containerfile)(\.[\w.-]+)?$|\.dockerfile$", re.I)
_SHEBANG_SHELL = re.compile(r"^#!\s*\S*(/|env\s+)(ba|da|z|k)?sh\b")
_SHEBANG_PYTHON = re.compile(r"^#!\s*\S*(/|env\s+)python[\d.]*\b")
_DOCKERFILE_FIRST = re.compile(r"^(FROM|ARG)\s", re.I)
_DOCKERFILE_SYNTAX = re.compile(r"^#\s*syntax\s*=", re.I)


@dataclass
class ExampleFile:
    """One discovered file with its content, loaded once, and its kind."""

    path: Path
    display: str
    kind: str
    text: str | None = None
    documents: list[YamlDocument] = field(default_factory=list)
    load_findings: list[Finding] = field(default_factory=list)
    chart_root: Path | None = None  # the folder holding Chart.yaml, for chart files
    reason: str | None = None  # for exceptions and data files: why

    @property
    def is_yaml(self) -> bool:
        return self.path.suffix in YAML_SUFFIXES and self.kind != HELM_TEMPLATE


def chart_root_of(path: Path, root: Path) -> Path | None:
    """The nearest folder above ``path`` (not above ``root``) holding Chart.yaml."""
    inside = path.is_relative_to(root)  # outside the root (a test's tmp folder): walk to /
    for folder in path.parents:
        if inside and not folder.is_relative_to(root):
            break
        if (folder / "Chart.yaml").is_file():
            return folder
    return None


def matches(display: str, pattern: str) -> bool:
    """A conf pattern matches a path exactly, as a glob, or as a folder prefix."""
    return (
        display == pattern
        or fnmatch.fnmatchcase(display, pattern)
        or display.startswith(pattern.rstrip("/") + "/")
    )


def classify(path: Path, display: str, root: Path) -> ExampleFile:
    """Load ``path`` once and decide its kind from its content (and name where it helps).

    ``UNKNOWN`` files may still become ``DATA`` later, when another example refers to them.
    """
    example = _classify(path, display, root)
    if any(f.rule == FILE_UNREADABLE.id for f in example.load_findings):
        example.kind = UNREADABLE  # nothing to check or refer to (its path may not resolve)
    return example


def _classify(path: Path, display: str, root: Path) -> ExampleFile:
    chart = chart_root_of(path, root)
    if chart is not None:
        return _chart_file(path, display, chart)
    if path.suffix in YAML_SUFFIXES:
        return _yaml_file(path, display)
    text, findings = read_text(path, display)
    example = ExampleFile(path, display, UNKNOWN, text, load_findings=findings)
    example.kind = _kind_of_text(path, text)
    if example.kind == JSON and text is not None:
        document = json_document(display, text)  # kubectl applies JSON manifests too
        if document is not None and looks_like_kubernetes(document.data):
            example.kind, example.documents = KUBERNETES, [document]
    return example


def _chart_file(path: Path, display: str, chart: Path) -> ExampleFile:
    in_templates = path.is_relative_to(chart / "templates")
    if path.suffix in YAML_SUFFIXES and not in_templates:
        loaded = load_yaml(path, display)
        return ExampleFile(
            path, display, HELM_CHART, loaded.text, loaded.documents, loaded.findings, chart
        )
    text, findings = read_text(path, display)
    kind = HELM_TEMPLATE if in_templates else HELM_CHART
    return ExampleFile(path, display, kind, text, load_findings=findings, chart_root=chart)


def _yaml_file(path: Path, display: str) -> ExampleFile:
    loaded = load_yaml(path, display)
    example = ExampleFile(path, display, YAML, loaded.text, loaded.documents, loaded.findings)
    mappings = [d.data for d in loaded.documents if isinstance(d.data, dict)]
    if is_kustomization(path, loaded.documents):
        example.kind = KUSTOMIZATION
    elif any("apiVersion" in m or "kind" in m for m in mappings):
        example.kind = KUBERNETES
    elif _COMPOSE_NAME.match(path.name) or (
        len(loaded.documents) == 1 and mappings and "services" in mappings[0]
    ):
        example.kind = COMPOSE
    return example


def _kind_of_text(path: Path, text: str | None) -> str:
    name, suffix = path.name, path.suffix
    if _DOCKERFILE_NAME.search(name):
        return DOCKERFILE
    if suffix == ".py":
        return PYTHON
    if suffix in {".sh", ".bash"}:
        return SHELL
    if suffix == ".md":
        return PAGE
    if suffix == ".json":
        return JSON
    if text is None:
        return UNKNOWN
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if _SHEBANG_PYTHON.match(first):
        return PYTHON
    if _SHEBANG_SHELL.match(first):
        return SHELL
    if _looks_like_dockerfile(text):
        return DOCKERFILE
    return UNKNOWN


def _looks_like_dockerfile(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if _DOCKERFILE_SYNTAX.match(stripped):
            return True
        if not stripped or stripped.startswith("#"):
            continue
        return bool(_DOCKERFILE_FIRST.match(stripped))
    return False
