"""Kustomizations through the real kustomize (``kustomize build``, else ``kubectl kustomize``):
render each as ``kubectl apply -k`` would, and hand the output to the Kubernetes checker.

Every rendered object carries kustomize's own origin annotation (``buildMetadata:
[originAnnotations]`` in a wrapper kustomization), so its findings go back to the resource
file it came from, or to the patch line that set the value.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..discover import display_path
from ..executables import TOOL_TIMEOUT, CheckerCouldNotRun, ToolTimeout, run_tool
from ..findings import Finding
from ..rules import Rule, RuleSet
from ..yamlload import YamlDocument, load_yaml
from .helm import RenderedTemplate, ValuesFile
from .helm import remap as remap_rendered

TOOL = "kustomize"
KUSTOMIZE = RuleSet(TOOL, applies_to=("kustomization",), title_ko="Kustomize", title_en="Kustomize")
KUSTOMIZE_BUILD = KUSTOMIZE.rule(
    "kustomize-build",
    ko="`kustomize build`가 kustomization을 렌더링하지 못했습니다(없는 리소스나 패치, 맞지 않는 "
    "패치 "
    "대상 …). 렌더링된 매니페스트의 문제는 쿠버네티스 규칙으로 원래 리소스나 패치의 줄에 나옵니다.",
    en="kustomize build could not render the kustomization (a missing resource or patch, a patch "
    "target that matches nothing ...); problems of the rendered manifests come as Kubernetes "
    "rules on the resource or patch lines.",
    fix_ko="메시지가 가리키는 `kustomization.yaml`의 항목이나 파일을 고칩니다.",
    fix_en="Fix the kustomization.yaml entry or file the message names.",
)
# The version noxfile.py go-installs (GO_TOOLS); `kubectl kustomize` bundles its own.
PINNED = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.2"
FILE_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
API_GROUP = "kustomize.config.k8s.io/"
ORIGIN = "config.kubernetes.io/origin"
# kubectl logs its error: `E1204 20:13:54.59 15292 run.go:72] "command failed" err="..."`.
_KLOG = re.compile(r'^[EFW]\d{4} [\d:.]+ +\d+ \S+\] "command failed" err="(.*)"$')
_HOP = "accumulating resources from '"
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")


def is_kustomization(path: Path, documents: list[YamlDocument]) -> bool:
    """kustomization.yaml by name, or a document of kind Kustomization/Component."""
    if path.name in FILE_NAMES:
        return True
    return any(
        isinstance(d.data, dict)
        and str(d.data.get("apiVersion", "")).startswith(API_GROUP)
        and d.data.get("kind") in ("Kustomization", "Component")
        for d in documents
    )


def is_component(documents: list[YamlDocument]) -> bool:
    """A Component is built only as part of the kustomization that lists it."""
    return any(isinstance(d.data, dict) and d.data.get("kind") == "Component" for d in documents)


@dataclass(frozen=True)
class Binary:
    command: tuple[str, ...]  # the words before the folder: ("kustomize", "build")
    label: str  # what checked_by and the messages name


def find_binary() -> Binary | None:
    """$KUSTOMIZE, kustomize on PATH or beside this Python (nox's GOBIN), else kubectl."""
    named = os.environ.get("KUSTOMIZE")
    if named:
        found = shutil.which(named)
        if found is None:
            raise CheckerCouldNotRun(f"KUSTOMIZE={named} is not an executable")
        return Binary((found, "build"), "kustomize")
    beside = Path(sys.executable).parent / "kustomize"
    found = shutil.which("kustomize") or (str(beside) if os.access(beside, os.X_OK) else None)
    if found:
        return Binary((found, "build"), "kustomize")
    kubectl = shutil.which("kubectl")
    if kubectl:
        return Binary((kubectl, "kustomize"), "kubectl kustomize")
    return None


def missing_binary_message() -> str:
    return (
        f"kustomize not found: `nox -s validate` installs it (go install {PINNED}), "
        "or put kustomize or kubectl on PATH"
    )


def parts(kustomization: Path, data: Any, seen: set[Path] | None = None) -> set[Path]:
    """The resource and patch files a kustomization (and the bases and components it lists)
    reads: checked through the render, not as manifests on their own (a patch is partial)."""
    seen = set() if seen is None else seen
    folder = kustomization.parent
    found: set[Path] = set()
    if kustomization in seen or not isinstance(data, dict):
        return found
    seen.add(kustomization)
    names: list[Any] = [*_list(data.get("resources")), *_list(data.get("components"))]
    names += _list(data.get("bases")) + _list(data.get("patchesStrategicMerge"))
    for patch in _list(data.get("patches")) + _list(data.get("patchesJson6902")):
        if isinstance(patch, dict):
            names.append(patch.get("path"))
    for name in names:
        if not isinstance(name, str) or "://" in name or "\n" in name:
            continue  # remote bases, inline patches
        target = (folder / name).resolve()
        if target.is_file():
            found.add(target)
        elif target.is_dir():
            nested = next((target / n for n in FILE_NAMES if (target / n).is_file()), None)
            if nested is not None:
                loaded = load_yaml(nested, str(nested))
                nested_data = loaded.documents[0].data if loaded.documents else None
                found |= parts(nested.resolve(), nested_data, seen)
    return found


@dataclass
class Render:
    label: str  # "kustomize build examples/.../overlays/prod"
    findings: list[Finding] = field(default_factory=list)
    documents: list[YamlDocument] = field(default_factory=list)
    rendered: dict[str, RenderedTemplate] = field(default_factory=dict)
    patches: list[ValuesFile] = field(default_factory=list)
    # display → (rendered document, the same object in the source file or None)
    sources: dict[str, list[tuple[YamlDocument, YamlDocument | None]]] = field(default_factory=dict)


def build(binary: Binary, kustomization: Path, data: Any, root: Path, *, timeout: float) -> Render:
    """Render the kustomization's folder; a failed build is one finding on the kustomization."""
    display = display_path(kustomization, root)
    folder = kustomization.parent
    verb = "kustomize build" if binary.label == "kustomize" else binary.label
    render = Render(f"{verb} {display_path(folder, root)}")
    render.patches = _patches(kustomization, data, root)
    with tempfile.TemporaryDirectory(prefix="examplecheck-kustomize-") as wrapper_dir:
        wrapper = Path(wrapper_dir)
        relative = os.path.relpath(folder.resolve(), wrapper)
        (wrapper / "kustomization.yaml").write_text(
            yaml.safe_dump({"resources": [relative], "buildMetadata": ["originAnnotations"]}),
            encoding="utf-8",
        )
        try:
            output = run_tool([*binary.command, str(wrapper)], timeout=timeout)
        except ToolTimeout as exc:
            render.findings.append(_finding(display, 0, 0, TOOL_TIMEOUT, str(exc)))
            return render
        if output.returncode != 0:
            message = " ".join(output.stderr.split()) or f"exit status {output.returncode}"
            logged = _KLOG.match(message)
            message = logged.group(1) if logged else message
            line = _line_named(kustomization, message)
            inner = message.rfind(_HOP)  # the innermost cause, not the wrapper's outer hops
            message = message[inner:] if inner > 0 else message
            render.findings.append(
                _finding(display, line, 1 if line else 0, KUSTOMIZE_BUILD, message)
            )
            return render
        by_source = _by_source(output.stdout, wrapper, kustomization)
    with tempfile.TemporaryDirectory(prefix="examplecheck-kustomize-out-") as out:
        for index, (source, objects) in enumerate(sorted(by_source.items())):
            source_display = display_path(source, root)
            text = yaml.safe_dump_all(objects, sort_keys=False)
            rendered_file = Path(out, f"{index:04d}.yaml")
            rendered_file.write_text(text, encoding="utf-8")
            loaded = load_yaml(rendered_file, source_display)
            source_text = source.read_text(encoding="utf-8") if source.is_file() else ""
            rendered = RenderedTemplate(source_display, source_text.splitlines(), text.splitlines())
            render.rendered[source_display] = rendered
            render.documents.extend(loaded.documents)
            originals = load_yaml(source, source_display).documents if source.is_file() else []
            render.sources[source_display] = [
                (d, _original(d.data, originals)) for d in loaded.documents
            ]
    return render


def remap(finding: Finding, render: Render) -> Finding:
    """A finding on a rendered object goes to the same field of the file it came from, or
    to the patch that set it when the rendered value is the patch's (kustomize reorders keys,
    so fields are matched by path, not by line)."""
    sources = render.sources.get(finding.path)
    if sources is None or finding.line <= 0:
        return finding
    hit = next(((d, s) for d, s in reversed(sources) if d.line <= finding.line), (None, None))
    rendered, source = hit
    if rendered is None:
        return finding
    node = rendered.node()
    path = _path_at(node, finding.line - 1, finding.column - 1) if node is not None else None
    if path is None:
        return remap_rendered(finding, render.rendered[finding.path])
    value = _value_at(rendered.data, path)
    for patch in render.patches:
        if not _same_object(patch.document.data, rendered.data):
            continue
        in_patch = _patch_path(patch.document.data, rendered.data, path)
        if in_patch is not None and _value_at(patch.document.data, in_patch) == value:
            line, column = patch.document.locate(in_patch)
            return replace(finding, path=patch.display, line=line, column=column)
    if source is None:
        return replace(finding, line=0, column=0)
    line, column = source.locate(path)
    return replace(finding, line=line, column=column)


_MISSING = object()


def _patch_path(patch: Any, rendered: Any, path: list) -> list | None:
    """``path`` of the rendered object as it is written in a strategic merge patch: a list
    item is the patch's item of the same ``name`` (how such patches merge containers, ports,
    volumes ...), else the one at the same position; None when the patch does not set it."""
    translated: list = []
    for part in path:
        if isinstance(part, int):
            if not (isinstance(rendered, list) and isinstance(patch, list)):
                return None
            item = rendered[part] if 0 <= part < len(rendered) else None
            name = item.get("name") if isinstance(item, dict) else None
            named = [
                i for i, p in enumerate(patch) if isinstance(p, dict) and p.get("name") == name
            ]
            index = named[0] if name is not None and named else part
            if not 0 <= index < len(patch):
                return None
            translated.append(index)
            patch, rendered = patch[index], item
            continue
        if not (isinstance(patch, dict) and part in patch):
            return None
        translated.append(part)
        patch = patch[part]
        rendered = rendered.get(part) if isinstance(rendered, dict) else None
    return translated


def _value_at(data: Any, path: list) -> Any:
    for part in path:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_list or (isinstance(data, dict) and part in data)):
            return _MISSING
        data = data[part]
    return data


def _same_object(patch: Any, rendered: Any) -> bool:
    """A patch applies to an object of its kind whose name ends with the patch's name (after
    namePrefix) or equals it."""
    if not isinstance(patch, dict) or not isinstance(rendered, dict):
        return False
    name = str((patch.get("metadata") or {}).get("name", ""))
    rendered_name = str((rendered.get("metadata") or {}).get("name", ""))
    return patch.get("kind") == rendered.get("kind") and bool(name) and name in rendered_name


def _path_at(node: yaml.Node, line: int, column: int) -> list | None:
    """The JSON path of the key or value node starting at (line, column), 0-based."""

    def starts(n: yaml.Node) -> bool:
        return n.start_mark.line == line and n.start_mark.column == column

    def inside(n: yaml.Node) -> bool:
        return (
            (n.start_mark.line, n.start_mark.column)
            <= (line, column)
            < (
                n.end_mark.line,
                n.end_mark.column,
            )
        )

    path: list = []
    while True:
        if starts(node):  # the object itself (a whole container, the whole document)
            return path
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if starts(key):
                    return [*path, key.value]
                if inside(value) or starts(value):
                    path.append(key.value)
                    node = value
                    break
            else:
                return path
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if inside(item) or starts(item):
                    path.append(index)
                    node = item
                    break
            else:
                return path
        else:
            return path


def _original(rendered: Any, originals: list[YamlDocument]) -> YamlDocument | None:
    """The source document of a rendered object: same kind, its name inside the new name."""
    candidates = [d for d in originals if _same_object(d.data, rendered)]
    return max(candidates, key=lambda d: len(str(d.data["metadata"]["name"])), default=None)


def _patches(kustomization: Path, data: Any, root: Path) -> list[ValuesFile]:
    files = []
    for path in sorted(parts(kustomization.resolve(), data)):
        loaded = load_yaml(path, display_path(path, root))
        if loaded.findings or len(loaded.documents) != 1:
            continue
        document = loaded.documents[0]
        files.append(ValuesFile(document.path, document, tuple((loaded.text or "").splitlines())))
    return files


def _by_source(stdout: str, wrapper: Path, kustomization: Path) -> dict[Path, list[dict]]:
    """Rendered objects grouped by the file kustomize says each came from (a generator's
    object by the kustomization that configured it), origin annotation removed."""
    grouped: dict[Path, list[dict]] = {}
    for document in yaml.safe_load_all(stdout):
        if not isinstance(document, dict):
            continue
        metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        origin: Any = None
        if isinstance(annotations, dict) and ORIGIN in annotations:
            origin = yaml.safe_load(str(annotations.pop(ORIGIN)))
            if not annotations:
                del metadata["annotations"]
        source = kustomization
        if isinstance(origin, dict):
            named = origin.get("path") or origin.get("configuredIn")
            if isinstance(named, str):
                source = Path(os.path.normpath(wrapper / named))
        grouped.setdefault(source, []).append(document)
    return grouped


def _line_named(kustomization: Path, message: str) -> int:
    """The kustomization line naming a path the error quotes (a missing resource), or 0."""
    try:
        lines = kustomization.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for match in reversed(list(_QUOTED.finditer(message))):  # the innermost cause first
        quoted = match.group(1) or match.group(2)
        name = Path(quoted).name
        for number, line in enumerate(lines, 1):
            if name and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", line):
                return number
    return 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _finding(display: str, line: int, column: int, rule: Rule, message: str) -> Finding:
    return rule.finding(display, line, column, message, tool=TOOL)
