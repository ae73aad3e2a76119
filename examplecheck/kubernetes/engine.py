"""The in-process schema engine: jsonschema-rs over the same offline schema files kubeconform reads.

Each (version, schema file) is compiled once per process; ``_definitions.json`` is registered
under its ``file://`` URI, and a retriever that refuses everything keeps validation off the
network even if a schema were to name a remote reference.
"""

from __future__ import annotations

import base64
import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema_rs

from .linemap import JsonPath
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
        self._registries: dict[Path, jsonschema_rs.Registry] = {}
        self._validators: dict[Path, Any] = {}

    def _registry(self, folder: Path) -> jsonschema_rs.Registry:
        registry = self._registries.get(folder)
        if registry is None:
            definitions = json.loads((folder / DEFINITIONS).read_text("utf-8"))
            uri = (folder / DEFINITIONS).resolve().as_uri()
            registry = jsonschema_rs.Registry([(uri, definitions)], retriever=_refuse)
            self._registries[folder] = registry
        return registry

    def validator(self, schema_path: Path) -> Any:
        validator = self._validators.get(schema_path)
        if validator is None:
            schema = json.loads(schema_path.read_text("utf-8"))
            validator = jsonschema_rs.validator_for(
                schema,
                registry=self._registry(schema_path.parent),
                retriever=_refuse,
                base_uri=schema_path.resolve().as_uri(),
            )
            self._validators[schema_path] = validator
        return validator

    def validate(self, data: Any, schema_path: Path) -> list[SchemaViolation]:
        validator = self.validator(schema_path)
        try:
            if validator.is_valid(data):
                return []
        except ValueError:  # Non-JSON YAML values (int keys, dates): compare as JSON would.
            data = jsonable(data)
            if validator.is_valid(data):
                return []
        return [v for error in validator.iter_errors(data) for v in to_violations(error)]


def to_violations(error: Any) -> list[SchemaViolation]:
    path: JsonPath = tuple(error.instance_path)
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
