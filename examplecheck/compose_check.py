"""Compose files: the Compose Specification schema (the copy check-jsonschema vendors,
used offline as a library) and the references the schema cannot see."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import best_match

from .findings import Finding, Severity
from .yamlload import YamlDocument

TOOL = "compose-spec"
SCHEMA_PACKAGE = "check_jsonschema.builtin_schemas.vendor"
SCHEMA_FILE = "compose-spec.json"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^git@|\.git(#|$)", re.I)


@functools.cache
def compose_schema() -> dict[str, Any]:
    """The Compose Specification JSON schema check-jsonschema vendors (read once, offline)."""
    return json.loads((resources.files(SCHEMA_PACKAGE) / SCHEMA_FILE).read_text("utf-8"))


@functools.cache
def fast_validator() -> Any:
    """jsonschema-rs decides valid or not in milliseconds; most files are valid."""
    return jsonschema_rs.validator_for(compose_schema())


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    """The python-jsonschema validator, only for invalid files: its errors carry the
    subschema (``error.schema``) that tells unknown keys from failed values."""
    return jsonschema.Draft202012Validator(compose_schema())


def check(
    documents: list[YamlDocument], path: Path, display: str
) -> tuple[list[Finding], set[Path]]:
    """Findings for one Compose file, and the files it refers to (env files, bind sources…)."""
    if len(documents) != 1:
        return [
            _error(
                display,
                documents[1].line if documents[1:] else 1,
                1,
                "compose-schema",
                "a Compose file holds exactly one YAML document",
            )
        ], set()
    document = documents[0]
    data = document.data
    if not isinstance(data, dict):
        return [
            _error(
                display,
                document.line,
                1,
                "compose-schema",
                "a Compose file is a mapping (services:, volumes:, ...)",
            )
        ], set()
    findings: list[Finding] = []
    if "version" in data:
        line, column = document.locate([], key="version")
        findings.append(
            Finding(
                display,
                line,
                column,
                Severity.WARNING,
                "compose-version-obsolete",
                TOOL,
                "`version` is obsolete in the Compose Specification and ignored; remove it",
            )
        )
    findings.extend(_schema_findings(document, display))
    references = _References(document, path.parent, display)
    references.check()
    dotenv = path.parent / ".env"  # read by Compose itself for ${VARIABLE} interpolation
    if dotenv.is_file():
        references.files.add(dotenv.resolve())
    return findings + references.findings, references.files


def _schema_findings(document: YamlDocument, display: str) -> list[Finding]:
    if fast_validator().is_valid(document.data):
        return []
    findings = []
    for error in validator().iter_errors(document.data):
        where = list(error.absolute_path)
        if error.validator in ("unevaluatedProperties", "additionalProperties"):
            findings.extend(_unknown_keys(error, where, document, display))
            continue
        detail = _deepest(error)
        line, column = document.locate(list(detail.absolute_path))
        findings.append(_error(display, line, column, "compose-schema", _message(detail)))
    return findings


def _unknown_keys(error, where, document, display) -> list[Finding]:
    """Only the keys the schema really does not know: the spec's `unevaluatedProperties`
    also lists valid keys whose values failed, which get their own finding."""
    instance, schema = error.instance, error.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    known, pattern_texts = _declared_keys(schema)
    patterns = [re.compile(p) for p in pattern_texts]
    findings = []
    for key in instance:
        if key in known or any(p.search(str(key)) for p in patterns):
            continue
        line, column = document.locate(where, key=str(key))
        place = ".".join(map(str, where)) or "top level"
        findings.append(
            _error(
                display,
                line,
                column,
                "compose-unknown-key",
                f"unknown key {key!r} in {place} (not in the Compose Specification)",
            )
        )
    return findings


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf, the branch error that got furthest into the value says most."""
    if not error.context:
        return error
    depth = max(len(e.absolute_path) for e in error.context)
    return best_match(e for e in error.context if len(e.absolute_path) == depth) or error


def _declared_keys(schema: dict, depth: int = 0) -> tuple[set[str], set[str]]:
    """Property names and patterns a subschema declares, through local $ref and allOf."""
    names = set(schema.get("properties", {}))
    patterns = set(schema.get("patternProperties", {}))
    parts = list(schema.get("allOf", []))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and depth < 10:
        target: Any = compose_schema()
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        parts.append(target)
    for part in parts:
        if isinstance(part, dict):
            more_names, more_patterns = _declared_keys(part, depth + 1)
            names |= more_names
            patterns |= more_patterns
    return names, patterns


def _message(error: jsonschema.ValidationError) -> str:
    place = ".".join(map(str, error.absolute_path)) or "top level"
    return f"{place}: {error.message}"


class _References:
    """depends_on targets; named volumes, networks, secrets and configs; env files, build
    contexts and other files."""

    def __init__(self, document: YamlDocument, folder: Path, display: str) -> None:
        self.document = document
        self.data: dict[str, Any] = document.data
        self.folder = folder
        self.display = display
        self.findings: list[Finding] = []
        self.files: set[Path] = set()

    def check(self) -> None:
        services = self.data.get("services")
        if isinstance(services, dict):
            for name, service in services.items():
                if isinstance(service, dict):
                    self._service(str(name), service, services)
        for section in ("configs", "secrets"):
            entries = self.data.get(section)
            if isinstance(entries, dict):
                for name, entry in entries.items():
                    if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                        self._file(entry["file"], [section, name, "file"], "compose-file-missing")

    def _service(self, name: str, service: dict, services: dict) -> None:
        at = ["services", name]
        depends = service.get("depends_on")
        targets = depends if isinstance(depends, list) else list(depends or {})
        for index, target in enumerate(targets):
            if isinstance(target, str) and target not in services:
                where = [*at, "depends_on"] + ([index] if isinstance(depends, list) else [])
                key = None if isinstance(depends, list) else target
                self._add(
                    where,
                    "compose-depends-on-missing",
                    f"service {name!r} depends on {target!r}, which is not a service here",
                    key=key,
                )
        for section in ("secrets", "configs"):
            self._declared(name, section, service.get(section), at)
        self._volumes(name, service.get("volumes"), at)
        self._networks(name, service.get("networks"), at)
        env_files = service.get("env_file")
        for index, entry in enumerate(env_files if isinstance(env_files, list) else [env_files]):
            where = [*at, "env_file", index] if isinstance(env_files, list) else [*at, "env_file"]
            if isinstance(entry, str):
                self._file(entry, where, "compose-env-file-missing")
            elif (
                isinstance(entry, dict)
                and isinstance(entry.get("path"), str)
                and entry.get("required", True) is not False
            ):
                self._file(entry["path"], [*where, "path"], "compose-env-file-missing")
        self._build(service.get("build"), at)

    def _declared(self, name: str, section: str, entries: Any, at: list) -> None:
        """A service's `secrets:`/`configs:` (names or {source: name}) are declared on top."""
        declared = self.data.get(section) or {}
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            source = entry.get("source") if isinstance(entry, dict) else entry
            if isinstance(source, str) and source not in declared:
                where = [*at, section, index] + (["source"] if isinstance(entry, dict) else [])
                self._add(
                    where,
                    f"compose-{section[:-1]}-undeclared",
                    f"service {name!r} uses {section[:-1]} {source!r}, which is not declared "
                    f"under top-level `{section}:`",
                )

    def _volumes(self, name: str, volumes: Any, at: list) -> None:
        declared = self.data.get("volumes") or {}
        for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
            where = [*at, "volumes", index]
            if isinstance(volume, str):
                source = volume.split(":", 1)[0] if ":" in volume else None
                kind = "bind" if source and source[:1] in "./~" else "volume"
            elif isinstance(volume, dict):
                source, kind = volume.get("source"), volume.get("type", "volume")
                where = [*where, "source"]
            else:
                continue
            if not isinstance(source, str) or not source or "$" in source:
                continue
            if kind == "volume" and source not in declared:
                self._add(
                    where,
                    "compose-volume-undeclared",
                    f"service {name!r} mounts named volume {source!r}, which is not "
                    "declared under top-level `volumes:`",
                )
            elif kind == "bind" and source.startswith("."):  # host paths (/, ~) are the reader's
                self._file(source, where, "compose-bind-source-missing", directory_ok=True)

    def _networks(self, name: str, networks: Any, at: list) -> None:
        declared = set(self.data.get("networks") or {}) | {"default"}
        listed = networks if isinstance(networks, list) else list(networks or {})
        for index, network in enumerate(listed):
            if isinstance(network, str) and network not in declared:
                where = [*at, "networks"] + ([index] if isinstance(networks, list) else [])
                key = None if isinstance(networks, list) else network
                self._add(
                    where,
                    "compose-network-undeclared",
                    f"service {name!r} joins network {network!r}, which is not declared "
                    "under top-level `networks:`",
                    key=key,
                )

    def _build(self, build: Any, at: list) -> None:
        if isinstance(build, str):
            build, where = {"context": build}, [*at, "build"]
        elif isinstance(build, dict):
            where = [*at, "build", "context"]
        else:
            return
        context = build.get("context", ".")
        if not isinstance(context, str) or "$" in context or _URL.search(context):
            return
        folder = (self.folder / context).resolve()
        if not folder.is_dir():
            self._add(
                where,
                "compose-build-context-missing",
                f"build context {context!r} is not a folder next to this file",
            )
            return
        dockerfile = build.get("dockerfile")
        if isinstance(dockerfile, str) and "$" not in dockerfile:
            target = (folder / dockerfile).resolve()
            if target.is_file():
                self.files.add(target)
            else:
                self._add(
                    [*at, "build", "dockerfile"],
                    "compose-build-context-missing",
                    f"Dockerfile {dockerfile!r} is not in the build context {context!r}",
                )

    def _file(self, relative: str, where: list, rule: str, *, directory_ok: bool = False) -> None:
        if "$" in relative:
            return
        target = (self.folder / relative).resolve()
        if target.is_file():
            self.files.add(target)
        elif directory_ok and target.is_dir():
            self.files.update(p for p in target.rglob("*") if p.is_file())
        else:
            self._add(where, rule, f"{relative!r} does not exist next to this file")

    def _add(self, where: list, rule: str, message: str, key: str | None = None) -> None:
        line, column = self.document.locate(where, key=key)
        self.findings.append(_error(self.display, line, column, rule, message))


def _error(display: str, line: int, column: int, rule: str, message: str) -> Finding:
    return Finding(display, line, column, Severity.ERROR, rule, TOOL, message)
