"""The one reader of ``conf/``: every settings file is loaded and validated here.

The checker, the Sphinx extensions, the CI tools and the tests read conf/*.yaml through
``read``. Our own files are validated against their JSON Schema (conf/schemas/<name>.schema
.json); yamllint's and hadolint's configuration files belong to those tools, so only their
YAML is checked here. Anything wrong is one ``ConfigError`` naming the file, the line and
what is wrong, which the CLI turns into exit status 2: never a traceback, never a
checker-crash. A schema node may carry ``x-message``: the sentence said when it fails
("{value}" in it is the failing value).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .findings import Finding
from .yamlload import YamlDocument, load_yaml

CONF = "conf"
SCHEMAS = Path(CONF) / "schemas"
# The settings files: name -> whether a JSON Schema of ours describes it.
FILES = {
    "versions": True,
    "exceptions": True,
    "sets": True,
    "crds": True,
    "images": True,
    "cli": True,
    "inventory": True,
    "terms": True,  # the preferred terms of the pages' prose (docs/_ext/prose_terms.py)
    "yamllint": False,  # yamllint's own configuration (yamllint validates it)
    "hadolint": False,  # hadolint's own configuration (hadolint validates it)
}
_SCHEMA_ROOT = Path(__file__).resolve().parents[1] / SCHEMAS  # the repository's schemas


class ConfigError(Exception):
    """``conf/`` is unusable: the checker cannot run (exit status 2)."""


@dataclass(frozen=True)
class SettingsFile:
    """One settings file: its data (a mapping) and its document, to name lines."""

    display: str  # "conf/sets.yaml"
    data: dict[str, Any]
    document: YamlDocument

    def line_of(self, *path: str | int) -> int:
        return self.document.locate(list(path))[0]

    def fail(self, path: list[str | int], message: str) -> ConfigError:
        """A ConfigError for the node at ``path``: "conf/x.yaml:7: <message>"."""
        return ConfigError(f"{self.display}:{self.line_of(*path)}: {message}")


def path_of(root: Path, name: str) -> Path:
    if name not in FILES:
        raise ValueError(f"no settings file {name!r}; known: {', '.join(FILES)}")
    return root / CONF / f"{name}.yaml"


def read(root: Path, name: str) -> SettingsFile | None:
    """``conf/<name>.yaml`` under ``root``, validated; None when the file does not exist."""
    path = path_of(root, name)
    if not path.exists():
        return None
    return read_file(path, f"{CONF}/{name}.yaml", name if FILES[name] else None)


def read_file(path: Path, display: str, schema_name: str | None = None) -> SettingsFile:
    """One settings file given by path (a tool's configuration the tool then reads itself):
    its YAML must load to a mapping, and meet ``schema_name``'s schema when given."""
    loaded = load_yaml(path, display)
    if loaded.findings or not loaded.documents:
        raise ConfigError(load_problem(display, loaded.findings))
    document = loaded.documents[0]
    if not isinstance(document.data, dict):
        raise ConfigError(f"{display}:{document.line}: expected a mapping of settings")
    settings = SettingsFile(display, document.data, document)
    if schema_name is not None:
        _validate(settings, schema_name)
    return settings


def data_of(root: Path, name: str) -> dict[str, Any]:
    """The validated mapping of ``conf/<name>.yaml``, or {} when there is none."""
    settings = read(root, name)
    return settings.data if settings is not None else {}


def load_problem(display: str, findings: list[Finding]) -> str:
    """``conf/x.yaml is unusable (line 3, column 7): <why>`` for the loader's first finding."""
    if not findings:
        return f"{display} is unusable: no YAML document"
    first = findings[0]
    where = f" (line {first.line}, column {first.column})" if first.line else ""
    return f"{display} is unusable{where}: {first.message}"


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((_SCHEMA_ROOT / f"{name}.schema.json").read_text(encoding="utf-8"))


def _validate(settings: SettingsFile, name: str) -> None:
    described = schema(name)
    validator = jsonschema.Draft202012Validator(described)
    errors = list(validator.iter_errors(settings.data))
    if not errors:
        return
    # The first problem in the file, as a reader meets it; the most precise at that line.
    error = min(
        errors,
        key=lambda e: (settings.line_of(*e.absolute_path), -len(e.absolute_path), str(e.path)),
    )
    where = list(error.absolute_path)
    message = _message(described, error)
    shown = ".".join(str(part) for part in where) or "(top level)"
    raise settings.fail(where, f"{message} ({shown})")


def _message(described: dict[str, Any], error: jsonschema.ValidationError) -> str:
    """The deepest ``x-message`` on the failing schema path, else jsonschema's own words.

    An ``x-message`` is a sentence, or a mapping from the failing keyword ("required",
    "additionalProperties" ...) to a sentence ("*": any other). "{value}" in it is the failing
    value, "{extra}" the keys an ``additionalProperties: false`` object does not allow.
    """
    node: Any = described
    found = _said(described, error.validator)
    for step in error.schema_path:
        if not isinstance(node, dict | list):
            break
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "x-message" in node:
            found = _said(node, error.validator) or found
    if not found:
        return error.message
    if "{extra}" in found:
        allowed = (
            set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        )
        extra = sorted(set(error.instance) - allowed) if isinstance(error.instance, dict) else []
        found = found.replace("{extra}", ", ".join(map(str, extra)))
    return found.replace("{value}", repr(error.instance)) if "{value}" in found else found


def _said(node: dict[str, Any], keyword: str) -> str | None:
    said = node.get("x-message")
    if isinstance(said, dict):
        return said.get(keyword) or said.get("*")
    return said
