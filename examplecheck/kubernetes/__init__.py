"""The Kubernetes checks: strict schemas for every configured version, API-server rules, set rules.

``check_kubernetes`` is the one entry point: the runner passes every Kubernetes document of
the run at once (the set rules need them together). Schema validation runs kubeconform when
the binary exists (``engine="auto"``) and the in-process jsonschema-rs engine otherwise; both
read the same offline schema copy and report through the same rule ids and messages.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Severity
from ..yamlload import YamlDocument
from . import kubeconform
from .apirules import check_document
from .crds import NOT_CHECKED_LABEL, CrdConfigError, declared, load_custom_resources
from .crossfile import SetsConfigError, check_sets, load_sets_config
from .engine import BuiltinEngine
from .objects import kind_of, name_of
from .schemas import (
    SchemaIndex,
    SchemaSetMissing,
    ensure_cache,
    kubeconform_location,
    resource_api_versions,
)
from .violations import (
    RULE_NOT_A_RESOURCE,
    RULE_TOOL_ERROR,
    RULE_UNAVAILABLE,
    RULE_UNKNOWN_KIND,
    SchemaViolation,
    merge_to_findings,
    version_span,
)

__all__ = ["ENGINES", "KubernetesResult", "check_kubernetes"]

ENGINES = ("auto", "kubeconform", "builtin")
SCHEMA_TOOL = {"builtin": "kubernetes-schema", "kubeconform": "kubeconform"}
_BUILTIN = BuiltinEngine()  # Compiled validators live for the process: one compile per schema.


@dataclass
class KubernetesResult:
    findings: list[Finding]
    # path -> what checked it, e.g. ["kubeconform (Kubernetes 1.33–1.37, strict)", ...]
    checked_by: dict[str, list[str]] = field(default_factory=dict)
    fatal: str | None = None  # The checker could not run (the CLI exits 2).


@dataclass
class _Target:
    """A document to schema-check and its schema file per version."""

    document: YamlDocument
    schema_paths: dict[str, Path]


def check_kubernetes(
    documents: list[YamlDocument],
    *,
    versions: Sequence[str],
    root: Path,
    engine: str = "auto",
) -> KubernetesResult:
    versions = list(versions)
    if engine not in ENGINES:
        return KubernetesResult([], fatal=f"unknown Kubernetes engine {engine!r}")
    binary = kubeconform.find_binary() if engine in ("auto", "kubeconform") else None
    if engine == "kubeconform" and binary is None:
        return KubernetesResult(
            [], fatal="kubeconform not found (install it or set KUBECONFORM=/path/to/kubeconform)"
        )
    chosen = "kubeconform" if binary else "builtin"
    try:
        crds = load_custom_resources(root)
        sets_config = load_sets_config(root)
        cache_folder = ensure_cache(versions, root)
    except (CrdConfigError, SetsConfigError, SchemaSetMissing) as exc:
        return KubernetesResult([], fatal=str(exc))
    indexes = {v: SchemaIndex.load(cache_folder, v) for v in versions}

    findings: list[Finding] = []
    checked_by: dict[str, list[str]] = defaultdict(list)
    schema_label = f"{SCHEMA_TOOL[chosen]} (Kubernetes {version_span(versions, versions)}, strict)"
    targets: list[_Target] = []
    lookups: dict[tuple[str, str], _Lookup] = {}
    for document in documents:
        data = document.data
        api_version = data.get("apiVersion") if isinstance(data, dict) else None
        kind = data.get("kind") if isinstance(data, dict) else None
        if not isinstance(api_version, str) or not isinstance(kind, str):
            findings.append(
                Finding(
                    document.path,
                    document.line,
                    1,
                    Severity.ERROR,
                    RULE_NOT_A_RESOURCE,
                    SCHEMA_TOOL[chosen],
                    "document has no string apiVersion and kind",
                )
            )
            continue
        labels = checked_by[document.path]
        if declared(crds, api_version, kind):
            _add(labels, NOT_CHECKED_LABEL)
            continue
        _add(labels, schema_label)
        lookup = lookups.get((api_version, kind))
        if lookup is None:
            lookup = lookups[(api_version, kind)] = _lookup(api_version, kind, versions, indexes)
        if lookup.rule:
            line, column = document.locate([lookup.field])
            findings.append(
                Finding(document.path, line, column, Severity.ERROR, lookup.rule,
                        SCHEMA_TOOL[chosen], lookup.message)
            )  # fmt: skip
        if lookup.paths:
            targets.append(_Target(document, lookup.paths))

    try:
        if chosen == "kubeconform":
            per_doc = _run_kubeconform(binary or "", targets, cache_folder, versions, root)
        else:
            per_doc = _run_builtin(targets)
    except kubeconform.KubeconformFailed as exc:
        return KubernetesResult(findings, dict(checked_by), fatal=str(exc))
    for target in targets:
        per_version = per_doc.get(id(target.document), {})
        extra = per_version.pop("*", [])
        findings.extend(
            merge_to_findings(target.document, per_version, versions, SCHEMA_TOOL[chosen])
        )
        findings.extend(extra_findings(target.document, extra, SCHEMA_TOOL[chosen]))

    for document in documents:
        if isinstance(document.data, dict):
            findings.extend(check_document(document))
            _add(checked_by[document.path], "kubernetes-api")
            _add(checked_by[document.path], "kubernetes-set")
    findings.extend(check_sets(documents, sets_config))
    return KubernetesResult(findings, dict(checked_by))


def _add(labels: list[str], label: str) -> None:
    if label not in labels:
        labels.append(label)


@dataclass(frozen=True)
class _Lookup:
    """Schema files of one (apiVersion, kind) per version, and the error if any is missing."""

    paths: dict[str, Path]
    rule: str | None = None
    message: str = ""
    field: str = "apiVersion"


def _lookup(
    api_version: str, kind: str, versions: list[str], indexes: dict[str, SchemaIndex]
) -> _Lookup:
    """Which versions have a schema for this (apiVersion, kind); a gap is an error, not a pass."""
    paths: dict[str, Path] = {}
    for version in versions:
        path = indexes[version].path_for(api_version, kind)
        # Files such as deploymentspec-apps-v1.json exist too; only real resources count.
        if path is not None and api_version in resource_api_versions(path, kind):
            paths[version] = path
    missing = [v for v in versions if v not in paths]
    if not missing:
        return _Lookup(paths)
    span = version_span(versions, versions)
    if not any(indexes[v].api_versions_of(kind) for v in versions):
        message = (
            f'unknown kind "{kind}": no Kubernetes {span} schema serves it, '
            "and conf/crds.yaml does not declare it"
        )
        return _Lookup(paths, RULE_UNKNOWN_KIND, message, "kind")
    alternatives = sorted({a for v in missing for a in indexes[v].api_versions_of(kind)})
    hint = f"; use {' or '.join(alternatives)}" if alternatives else ""
    message = (
        f"{kind} {api_version} is not served by Kubernetes {version_span(missing, versions)}{hint}"
    )
    return _Lookup(paths, RULE_UNAVAILABLE, message)


def _run_builtin(targets: list[_Target]) -> dict[int, dict[str, list[SchemaViolation]]]:
    out: dict[int, dict[str, list[SchemaViolation]]] = {}
    plans: dict[int, list[tuple[object, list[str]]]] = {}
    for target in targets:
        key = id(target.schema_paths)  # Shared by every document of one (apiVersion, kind).
        plan = plans.get(key)
        if plan is None:  # Versions with an identical schema are validated once.
            by_validator: dict[int, tuple[object, list[str]]] = {}
            for version, path in target.schema_paths.items():
                validator = _BUILTIN.validator(path)
                by_validator.setdefault(id(validator), (validator, []))[1].append(version)
            plan = plans[key] = list(by_validator.values())
        per_version = {}
        for validator, versions in plan:
            violations = _BUILTIN.validate_with(validator, target.document.data)
            if violations:
                for version in versions:
                    per_version[version] = violations
        if per_version:
            out[id(target.document)] = per_version
    return out


def _run_kubeconform(
    binary: str, targets: list[_Target], cache_folder: Path, versions: list[str], root: Path
) -> dict[int, dict[str, list]]:
    """One kubeconform run per version over the targets' files; results mapped to documents."""
    out: dict[int, dict[str, list]] = {}
    if not targets:
        return out
    location = kubeconform_location(cache_folder)
    with tempfile.TemporaryDirectory(prefix="examplecheck-kubeconform-") as tmp:
        files = _files_for(targets, root, Path(tmp))
        timeout = kubeconform.timeout_seconds()
        for version in versions:
            command = kubeconform.build_command(binary, version, location, sorted(files))
            queues = _result_queues(files)
            for result in kubeconform.run(command, timeout):
                queue = queues.get((result.filename, result.api_version, result.kind, result.name))
                document = queue.pop(0) if queue else None
                target = _target_of(targets, document)
                if document is None or target is None:
                    continue  # A document we report otherwise (unknown kind, CRD, no schema).
                if version not in target.schema_paths:
                    continue
                if result.status == kubeconform.STATUS_INVALID:
                    out.setdefault(id(document), {}).setdefault(version, []).extend(
                        kubeconform.violations_of(result, document.data)
                    )
                elif result.status == kubeconform.STATUS_ERROR:
                    out.setdefault(id(document), {}).setdefault("*", []).append(
                        f"kubeconform could not validate it for Kubernetes {version}: {result.msg}"
                    )
    return out


def _target_of(targets: list[_Target], document: YamlDocument | None) -> _Target | None:
    for target in targets:
        if target.document is document:
            return target
    return None


def _files_for(targets: list[_Target], root: Path, tmp: Path) -> dict[str, list[YamlDocument]]:
    """Real file path -> its documents to check (kubeconform reads files, not documents)."""
    real_of_source: dict[int, str] = {}
    files: dict[str, list[YamlDocument]] = {}
    for target in sorted(targets, key=lambda t: (t.document.path, t.document.index)):
        source = target.document.source
        if id(source) not in real_of_source:
            shown = Path(target.document.path)
            real = shown if shown.is_absolute() else root / shown
            if not _holds(real, source.text):  # A rendered Helm template, a page's block.
                real = tmp / f"{len(real_of_source)}.yaml"
                real.write_text(source.text, "utf-8")
            real_of_source[id(source)] = str(real)
        files.setdefault(real_of_source[id(source)], []).append(target.document)
    return files


def _holds(path: Path, text: str) -> bool:
    """Whether the file on disk is exactly the text the documents were loaded from."""
    try:
        return path.is_file() and path.read_text("utf-8-sig") == text
    except (OSError, UnicodeDecodeError):
        return False


def _result_queues(
    files: dict[str, list[YamlDocument]],
) -> dict[tuple[str, str, str, str], list[YamlDocument]]:
    queues: dict[tuple[str, str, str, str], list[YamlDocument]] = defaultdict(list)
    for filename, documents in files.items():
        for document in documents:
            data = document.data
            key = (filename, str(data.get("apiVersion")), kind_of(data), name_of(data))
            queues[key].append(document)
    return queues


def extra_findings(document: YamlDocument, messages: list[str], tool: str) -> list[Finding]:
    return [
        Finding(document.path, document.line, 1, Severity.ERROR, RULE_TOOL_ERROR, tool, message)
        for message in messages
    ]
