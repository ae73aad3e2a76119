"""The in-process schema engine: jsonschema-rs over the same offline schema files kubeconform reads.

Each (version, schema file) is compiled once per process; ``_definitions.json`` is registered
under its ``file://`` URI, and a retriever that refuses everything keeps validation off the
network even if a schema were to name a remote reference.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..linemap import JsonPath
from .schemas import DEFINITIONS
from .violations import (
    SchemaViolation,
    invalid,
    json_type,
    not_in_enum,
    required_field,
    unknown_field,
    wrong_type,
)

NAME = "kubernetes-schema"
FINGERPRINTS = ".fingerprints"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
# Every kind shares ObjectMeta; a custom resource without its CRD schema still gets this part.
_METADATA_SCHEMA = {
    "type": "object",
    "properties": {"metadata": {"$ref": f"{DEFINITIONS}#/$defs/{OBJECT_META}"}},
}


def _refuse(uri: str) -> Any:
    raise ValueError(f"refusing to fetch {uri}: schemas are validated offline")


def jsonable(value: Any) -> Any:
    """YAML data as JSON would carry it (what kubeconform's YAML-to-JSON step produces)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


class BuiltinEngine:
    """Validates documents against one version's schema file; validators are cached."""

    name = NAME

    def __init__(self) -> None:
        self._definitions: dict[Path, dict] = {}
        self._registries: dict[Path, jsonschema_rs.Registry] = {}
        self._fingerprints: dict[Path, str] = {}
        self._stored: dict[Path, dict[str, str]] = {}
        # Keyed by fingerprint: versions whose schema is identical share one validator.
        self._validators: dict[str, Any] = {}

    def _load_definitions(self, folder: Path) -> dict:
        definitions = self._definitions.get(folder)
        if definitions is None:
            definitions = json.loads((folder / DEFINITIONS).read_text("utf-8"))
            self._definitions[folder] = definitions
        return definitions

    def _registry(self, folder: Path) -> jsonschema_rs.Registry:
        registry = self._registries.get(folder)
        if registry is None:
            uri = (folder / DEFINITIONS).resolve().as_uri()
            resources = [(uri, self._load_definitions(folder))]
            registry = jsonschema_rs.Registry(resources, retriever=_refuse)
            self._registries[folder] = registry
        return registry

    def fingerprint(self, schema_path: Path) -> str:
        """Hash of the schema and every definition it reaches: equal hashes validate alike.

        Kept in the cache folder (``.fingerprints``), which is derived per package version.
        """
        known = self._fingerprints.get(schema_path)
        if known is not None:
            return known
        stored = self._stored_fingerprints(schema_path.parent)
        if schema_path.name in stored:
            self._fingerprints[schema_path] = stored[schema_path.name]
            return stored[schema_path.name]
        schema = json.loads(schema_path.read_text("utf-8"))
        definitions = self._load_definitions(schema_path.parent).get("$defs", {})
        reached: dict[str, Any] = {}
        pending = [schema]
        while pending:
            for ref in _refs(pending.pop()):
                name = ref.rpartition("/$defs/")[2]
                if name and name not in reached and name in definitions:
                    reached[name] = definitions[name]
                    pending.append(definitions[name])
        blob = json.dumps([schema, reached], sort_keys=True).encode()
        known = hashlib.sha256(blob).hexdigest()
        self._fingerprints[schema_path] = stored[schema_path.name] = known
        with contextlib.suppress(OSError):  # A read-only cache still works, recomputing.
            (schema_path.parent / FINGERPRINTS).write_text(json.dumps(stored), "utf-8")
        return known

    def _stored_fingerprints(self, folder: Path) -> dict[str, str]:
        stored = self._stored.get(folder)
        if stored is None:
            try:
                stored = json.loads((folder / FINGERPRINTS).read_text("utf-8"))
            except (OSError, ValueError):
                stored = {}
            self._stored[folder] = stored
        return stored

    def validator(self, schema_path: Path) -> Any:
        key = self.fingerprint(schema_path)
        validator = self._validators.get(key)
        if validator is None:
            schema = json.loads(schema_path.read_text("utf-8"))
            validator = jsonschema_rs.validator_for(
                schema,
                registry=self._registry(schema_path.parent),
                retriever=_refuse,
                base_uri=schema_path.resolve().as_uri(),
            )
            self._validators[key] = validator
        return validator

    def metadata_validator(self, folder: Path) -> Any:
        """Validates only ``metadata`` of an object, against one version's ObjectMeta."""
        definition = self._load_definitions(folder).get("$defs", {}).get(OBJECT_META)
        key = (
            "metadata:"
            + hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        )
        validator = self._validators.get(key)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                _METADATA_SCHEMA,
                registry=self._registry(folder),
                retriever=_refuse,
                base_uri=(folder / "custom-resource-metadata.json").resolve().as_uri(),
            )
            self._validators[key] = validator
        return validator

    def validate(self, data: Any, schema_path: Path) -> list[SchemaViolation]:
        return self.validate_with(self.validator(schema_path), data)

    def validate_with(self, validator: Any, data: Any) -> list[SchemaViolation]:
        try:
            if validator.is_valid(data):
                return []
        except ValueError:  # Non-JSON YAML values (int keys, dates): compare as JSON would.
            data = jsonable(data)
            if validator.is_valid(data):
                return []
        return [v for error in validator.iter_errors(data) for v in to_violations(error, data)]


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def to_violations(error: Any, data: Any = None) -> list[SchemaViolation]:
    path: JsonPath = _keys_as_strings(tuple(error.instance_path), data)
    kind = error.kind
    name = kind.name
    if name == "additionalProperties":
        return [unknown_field(path, field) for field in kind.unexpected]
    if name == "required":
        return [required_field(path, kind.property)]
    if name == "type":
        return [wrong_type(path, kind.types, json_type(error.instance))]
    if name == "enum":
        return [not_in_enum(path, kind.options)]
    if name in ("oneOf", "anyOf"):
        return [invalid(path, "value matches none of the allowed forms")]
    return [invalid(path, error.message)]


def _keys_as_strings(path: JsonPath, data: Any) -> JsonPath:
    """jsonschema-rs gives a mapping key "1" as the int 1; only list indices are ints here."""
    node, parts = data, []
    for part in path:
        if isinstance(node, dict):
            part = str(part)
            node = node.get(part)
        else:
            node = (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
                else None
            )
        parts.append(part)
    return tuple(parts)
