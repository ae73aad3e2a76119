"""Schema checking of Kubernetes documents: which schema applies, and either engine's verdict.

``plan`` decides, per (apiVersion, kind), which version's schema file applies; a version
without one is an error (never a pass). ``run_builtin`` and ``run_kubeconform`` then return
the same thing, ``Verdicts``: violations per document and version, plus tool errors.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ...findings import Finding
from ...rules import Rule
from ...yamlload import YamlDocument
from ..lists import ListItem, is_list, list_width
from ..objects import kind_of, name_of
from . import kubeconform
from .jsonschema_rs import BuiltinEngine
from .schemas import SchemaIndex, kubeconform_location, resource_api_versions
from .violations import (
    RULE_TOOL_ERROR,
    RULE_UNAVAILABLE,
    RULE_UNKNOWN_KIND,
    SchemaViolation,
    version_span,
)

_CHUNK_LINE = re.compile(r"\bline (\d+): ")  # goyaml's "line 8: key \"x\" already set"
_BUILTIN = BuiltinEngine()  # Compiled validators live for the process: one compile per schema.


@dataclass
class Target:
    """A document to schema-check and its schema file per version."""

    document: YamlDocument
    schema_paths: dict[str, Path]


@dataclass
class Verdicts:
    # id(document) -> version -> violations
    violations: dict[int, dict[str, list[SchemaViolation]]] = field(default_factory=dict)
    # id(document) -> message of a tool that could not validate it -> versions
    tool_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookup:
    """Schema files of one (apiVersion, kind) per version, and the error if any is missing."""

    paths: dict[str, Path]
    rule: Rule | None = None
    message: str = ""
    field: str = "apiVersion"  # Where the finding points.


class Planner:
    """Looks up each (apiVersion, kind) once per run."""

    def __init__(self, versions: list[str], indexes: dict[str, SchemaIndex]) -> None:
        self.versions = versions
        self.indexes = indexes
        self._lookups: dict[tuple[str, str], Lookup] = {}

    def lookup(self, api_version: str, kind: str) -> Lookup:
        found = self._lookups.get((api_version, kind))
        if found is None:
            found = self._lookups[(api_version, kind)] = self._compute(api_version, kind)
        return found

    def _compute(self, api_version: str, kind: str) -> Lookup:
        versions, indexes = self.versions, self.indexes
        paths: dict[str, Path] = {}
        for version in versions:
            path = indexes[version].path_for(api_version, kind)
            # Files such as deploymentspec-apps-v1.json exist too; only real resources count.
            if path is not None and api_version in resource_api_versions(path, kind):
                paths[version] = path
        missing = [v for v in versions if v not in paths]
        if not missing:
            return Lookup(paths)
        if not any(indexes[v].api_versions_of(kind) for v in versions):
            message = (
                f'unknown kind "{kind}": no Kubernetes {version_span(versions, versions)} '
                "schema serves it, and conf/crds.yaml does not declare it"
            )
            return Lookup(paths, RULE_UNKNOWN_KIND, message, "kind")
        alternatives = sorted({a for v in missing for a in indexes[v].api_versions_of(kind)})
        hint = f"; use {' or '.join(alternatives)}" if alternatives else ""
        span = version_span(missing, versions)
        return Lookup(
            paths,
            RULE_UNAVAILABLE,
            f"{kind} {api_version} is not served by Kubernetes {span}{hint}",
        )

    def finding(self, document: YamlDocument, lookup: Lookup, tool: str) -> Finding:
        line, column = document.locate([lookup.field])
        rule = lookup.rule or RULE_UNAVAILABLE
        return rule.finding(document.path, line, column, lookup.message, tool=tool)


def run_builtin(targets: list[Target]) -> Verdicts:
    verdicts = Verdicts()
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
            verdicts.violations[id(target.document)] = per_version
    return verdicts


def check_custom_metadata(
    documents: list[YamlDocument], folders: dict[str, Path]
) -> dict[int, dict[str, list[SchemaViolation]]]:
    """``metadata`` of custom resources (no CRD schema offline) against each version's ObjectMeta.

    Runs in-process whichever engine checks the built-in kinds: kubeconform has no schema for
    these kinds, so both engines report the same findings.
    """
    found: dict[int, dict[str, list[SchemaViolation]]] = {}
    for document in documents:
        metadata = (
            {"metadata": document.data.get("metadata")} if "metadata" in document.data else {}
        )
        per_version = {}
        for version, folder in folders.items():
            violations = _BUILTIN.validate_with(_BUILTIN.metadata_validator(folder), metadata)
            if violations:
                per_version[version] = violations
        if per_version:
            found[id(document)] = per_version
    return found


def run_kubeconform(
    binary: str,
    targets: list[Target],
    cache_folder: Path,
    versions: list[str],
    root: Path,
    documents: list[YamlDocument] | None = None,
) -> Verdicts:
    """One kubeconform run per version over the targets' files; results mapped to documents.

    kubeconform reads whole files, so ``documents`` (every document of the run; the targets
    if omitted) says where the other documents of a file sit. Raises
    kubeconform.KubeconformFailed when kubeconform cannot run or its report is unreadable.
    """
    verdicts = Verdicts()
    if not targets:
        return verdicts
    by_document = {id(t.document): t for t in targets}
    location = kubeconform_location(cache_folder)
    with tempfile.TemporaryDirectory(prefix="examplecheck-kubeconform-") as tmp:
        files = _files_for(targets, root, Path(tmp))
        layouts = _layouts(files, documents or [t.document for t in targets])
        timeout = kubeconform.timeout_seconds()
        commands = [
            kubeconform.build_command(binary, version, location, sorted(files))
            for version in versions
        ]
        # One process per version, side by side: each spends its time compiling schemas.
        workers = max(1, min(len(commands), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            reports = list(pool.map(lambda command: kubeconform.run(command, timeout), commands))
        for version, report in zip(versions, reports, strict=True):
            per_file: dict[str, list[kubeconform.ResourceResult]] = defaultdict(list)
            for result in report:
                if result.status != kubeconform.STATUS_EMPTY:
                    per_file[result.filename].append(result)
            for filename, placed in layouts.items():
                results = per_file.get(filename, [])
                for document, position in placed:
                    target = by_document.get(id(document))
                    if target is None or version not in target.schema_paths:
                        continue  # Reported otherwise: unknown kind, custom resource, no schema.
                    result = results[position] if position < len(results) else None
                    _record(verdicts, document, version, result)
    return verdicts


def _record(
    verdicts: Verdicts,
    document: YamlDocument,
    version: str,
    result: kubeconform.ResourceResult | None,
) -> None:
    """kubeconform's verdict on one document for one version, into ``verdicts``."""
    key = id(document)
    problem = _mismatch(document, result)
    if problem:
        message = f"kubeconform's results do not line up with the file's documents: {problem}"
    elif result is not None and result.status == kubeconform.STATUS_INVALID:
        violations = kubeconform.violations_of(result, document.data)
        verdicts.violations.setdefault(key, {}).setdefault(version, []).extend(violations)
        return
    elif result is not None and result.status != kubeconform.STATUS_VALID:
        message = f"kubeconform could not validate it: {result.msg or result.status}"
    else:
        return
    verdicts.tool_errors.setdefault(key, {}).setdefault(message, []).append(version)


def _layouts(
    files: dict[str, list[YamlDocument]], documents: list[YamlDocument]
) -> dict[str, list[tuple[YamlDocument, int]]]:
    """File -> (document, position among kubeconform's non-empty results of that file).

    kubeconform reports each non-empty document once, in order, except that a ``List`` is
    replaced by its items (a null item is an empty resource). Documents the checker does not
    hold (no kind, not a mapping) still take one result each: their index says so.
    """
    by_source: dict[int, list[YamlDocument]] = defaultdict(list)
    for document in documents:
        by_source[id(document.source)].append(document)
    layouts: dict[str, list[tuple[YamlDocument, int]]] = {}
    for filename, held in files.items():
        siblings = {id(d): d for d in held}
        for document in by_source.get(id(held[0].source), []):
            siblings.setdefault(id(document), document)
        placed = []
        position, previous, start = 0, -1, 0
        # A List (offset -1) and its items (ListItem) share the List's index.
        for document in sorted(siblings.values(), key=lambda d: (d.index, _offset(d))):
            if document.index != previous:
                position += document.index - previous - 1
                start = position
                position += _width(document)
                previous = document.index
            placed.append((document, start + max(_offset(document), 0)))
        layouts[filename] = placed
    return layouts


def _width(document: YamlDocument) -> int:
    if isinstance(document, ListItem):
        return document.width
    return list_width(document.data) if is_list(document.data) else 1


def _offset(document: YamlDocument) -> int:
    if isinstance(document, ListItem):
        return document.offset
    return -1 if is_list(document.data) else 0


def _mismatch(document: YamlDocument, result: kubeconform.ResourceResult | None) -> str:
    """Why ``result`` is not kubeconform's report of ``document`` ("" when it is)."""
    data = document.data
    metadata = data.get("metadata") if isinstance(data, dict) else None
    metadata = metadata if isinstance(metadata, dict) else {}
    name = name_of(data)
    generate = metadata.get("generateName")
    if isinstance(generate, str) and generate:
        name = generate + "{{ generateName }}"  # kubeconform's own name for such objects.
    expected = (str(data.get("apiVersion")), kind_of(data), name)
    if result is None:
        return f"none for {'/'.join(expected)} (document {document.index + 1})"
    got = (result.api_version, result.kind, result.name)
    if got != expected:
        return (
            f"expected {'/'.join(expected)} as document {document.index + 1}, got {'/'.join(got)}"
        )
    return ""


def tool_error_findings(
    document: YamlDocument, errors: dict[str, list[str]], tool: str, configured: list[str]
) -> list[Finding]:
    """One finding per message, naming the versions it came from, on the line it names."""
    return [
        RULE_TOOL_ERROR.finding(
            document.path, _error_line(document, message), 1,
            f"{message} (Kubernetes {version_span(versions, configured)})", tool=tool,
        )
        for message, versions in errors.items()
    ]  # fmt: skip


def _error_line(document: YamlDocument, message: str) -> int:
    """The file line of kubeconform's first "line N:" (counted in its piece of the file).

    kubeconform cuts a file at each newline followed by "---" and parses each piece alone,
    so its line 1 is the line after the separator above the document (or the file's first).
    """
    match = _CHUNK_LINE.search(message)
    if match is None:
        return document.line
    lines = document.source.text.splitlines()
    start = 1
    for number in range(min(document.line, len(lines)) - 1, 0, -1):  # 1-based, above it
        if lines[number - 1].startswith("---"):
            start = number + 1 if number > 1 else 1  # A "---" on line 1 is in the piece.
            break
    return start + int(match.group(1)) - 1


def _files_for(targets: list[Target], root: Path, tmp: Path) -> dict[str, list[YamlDocument]]:
    """Real file path -> its documents to check (kubeconform reads files, not documents)."""
    real_of_source: dict[int, str] = {}
    files: dict[str, list[YamlDocument]] = {}
    for target in sorted(targets, key=lambda t: (t.document.path, t.document.index)):
        source = target.document.source
        if id(source) not in real_of_source:
            shown = Path(target.document.path)
            real = shown if shown.is_absolute() else root / shown
            # A rendered Helm template, a page's block, a second render of one template.
            if str(real) in files or not _holds(real, source.text):
                real = tmp / f"{len(real_of_source)}.yaml"
                real.write_text(source.text, "utf-8")
            real_of_source[id(source)] = str(real)
        files.setdefault(real_of_source[id(source)], []).append(target.document)
    return files


def _holds(path: Path, text: str) -> bool:
    """Whether the file on disk is exactly the text the documents were loaded from."""
    try:
        # Bytes, not read_text: universal newlines would call a CRLF file equal to LF text.
        return path.is_file() and path.read_bytes().decode("utf-8-sig") == text
    except (OSError, UnicodeDecodeError):
        return False
