"""The Kubernetes checks: strict schemas for every configured version, API-server rules, set rules.

``check_kubernetes`` is the one entry point: the runner passes every Kubernetes document of
the run at once (the set rules need them together). Schema validation runs kubeconform when
the binary exists (``engine="auto"``) and the in-process jsonschema-rs engine otherwise; both
read the same offline schema copy and report through the same rule ids and messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Check, Finding
from ..settings import ConfigError
from ..yamlload import YamlDocument
from .crds import SPEC_NOT_CHECKED, declared, load_custom_resources
from .engines import kubeconform
from .engines.schemacheck import (
    Planner,
    Target,
    check_custom_metadata,
    run_builtin,
    run_kubeconform,
    tool_error_findings,
)
from .engines.schemas import SchemaIndex, SchemaSetMissing, ensure_cache
from .engines.violations import RULE_NOT_A_RESOURCE, RULE_UNKNOWN_KIND, merge_to_findings
from .keys import json_keys
from .lists import expand_lists
from .rules import apirules, crossfile
from .rules.apirules import check_document
from .rules.crossfile import check_sets, load_sets_config
from .rules.practices import check_practices

__all__ = ["ENGINES", "KubernetesResult", "check_kubernetes"]

ENGINES = ("auto", "kubeconform", "builtin")
SCHEMA_TOOL = {"builtin": "kubernetes-schema", "kubeconform": "kubeconform"}
METADATA_TOOL = SCHEMA_TOOL["builtin"]  # Custom resources' metadata is always checked in-process.
API_CHECK = Check(apirules.TOOL)
SET_CHECK = Check(crossfile.TOOL)


@dataclass
class KubernetesResult:
    findings: list[Finding]
    # path -> the checks it went through (the schema engine with its versions, API rules ...)
    checked_by: dict[str, list[Check]] = field(default_factory=dict)
    fatal: str | None = None  # The checker could not run (the CLI exits 2).


def check_kubernetes(
    documents: list[YamlDocument],
    *,
    versions: Sequence[str],
    root: Path,
    engine: str = "auto",
    practices: bool = True,
    one_set: str | None = None,
) -> KubernetesResult:
    """Every Kubernetes check on these documents; ``fatal`` says why it could not run.

    ``practices=False`` leaves out the best-practice warnings (tests of the other rules);
    ``one_set`` names the set all documents form (a kustomization's render) instead of the
    sets of their folders.
    """
    versions = list(versions)
    if engine not in ENGINES:
        return KubernetesResult([], fatal=f"unknown Kubernetes engine {engine!r}")
    binary = kubeconform.find_binary() if engine in ("auto", "kubeconform") else None
    if engine == "kubeconform" and binary is None:
        return KubernetesResult(
            [], fatal="kubeconform not found (install it or set KUBECONFORM=/path/to/kubeconform)"
        )
    chosen = "kubeconform" if binary else "builtin"
    tool = SCHEMA_TOOL[chosen]
    try:
        crds = load_custom_resources(root)
        sets_config = load_sets_config(root)
        cache_folder = ensure_cache(versions, root)
    except (ConfigError, SchemaSetMissing) as exc:
        return KubernetesResult([], fatal=str(exc))
    planner = Planner(versions, {v: SchemaIndex.load(cache_folder, v) for v in versions})

    # kubeconform's results are placed among every document of a file, Lists included.
    layout = list(documents)
    documents, findings = expand_lists(documents, tool)
    documents, null_keys = json_keys(documents, tool)
    findings.extend(null_keys)
    held = {id(d) for d in layout}
    layout += [d for d in documents if id(d) not in held]
    checked_by: dict[str, list[Check]] = defaultdict(list)
    schema_check = Check(tool, tuple(versions), strict=True)
    # The versions too: the site's badge says which ObjectMeta schemas the metadata met.
    metadata_check = Check(METADATA_TOOL, tuple(versions), scope="metadata")
    targets: list[Target] = []
    custom: list[YamlDocument] = []
    unknown: set[int] = set()  # documents already refused as no resource or an unknown kind
    for document in documents:
        data = document.data
        api_version = data.get("apiVersion") if isinstance(data, dict) else None
        kind = data.get("kind") if isinstance(data, dict) else None
        if not isinstance(api_version, str) or not isinstance(kind, str):
            message = "document has no string apiVersion and kind"
            findings.append(
                RULE_NOT_A_RESOURCE.finding(document.path, document.line, 1, message, tool=tool)
            )
            unknown.add(id(document))
            continue
        labels = checked_by[document.path]
        if declared(crds, api_version, kind):
            _add(labels, SPEC_NOT_CHECKED)
            _add(labels, metadata_check)
            custom.append(document)
            continue
        _add(labels, schema_check)
        lookup = planner.lookup(api_version, kind)
        if lookup.rule:
            findings.append(planner.finding(document, lookup, tool))
            if lookup.rule is RULE_UNKNOWN_KIND:
                unknown.add(id(document))
        if lookup.paths:
            targets.append(Target(document, lookup.paths))

    try:
        if chosen == "kubeconform":
            verdicts = run_kubeconform(binary or "", targets, cache_folder, versions, root, layout)
        else:
            verdicts = run_builtin(targets)
    except kubeconform.KubeconformFailed as exc:
        return KubernetesResult(findings, dict(checked_by), fatal=str(exc))
    for target in targets:
        key = id(target.document)
        per_version = verdicts.violations.get(key, {})
        findings.extend(merge_to_findings(target.document, per_version, versions, tool))
        findings.extend(
            tool_error_findings(target.document, verdicts.tool_errors.get(key, {}), tool, versions)
        )

    folders = {v: index.folder for v, index in planner.indexes.items()}
    custom_metadata = check_custom_metadata(custom, folders)
    for document in custom:
        per_version = custom_metadata.get(id(document), {})
        findings.extend(merge_to_findings(document, per_version, versions, METADATA_TOOL))

    for document in documents:
        if isinstance(document.data, dict):
            findings.extend(check_document(document, known_kind=id(document) not in unknown))
            labels = checked_by[document.path]
            _add(labels, API_CHECK)
            _add(labels, SET_CHECK)
    if practices:
        findings.extend(check_practices(documents))  # Warnings only; they never fail a run.
    findings.extend(check_sets(documents, sets_config, one_set))
    return KubernetesResult(findings, dict(checked_by))


def _add(checks: list[Check], check: Check) -> None:
    if check not in checks:
        checks.append(check)
