"""Schema violations as both engines report them, before they become findings.

kubeconform and the in-process engine word their errors differently; both are reduced to
one ``SchemaViolation`` (JSON path, optional key, rule id, our own message) so that the same
mistake yields the same finding whichever engine ran. A violation seen in several Kubernetes
versions becomes one finding that names the versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..findings import Finding, Severity
from ..yamlload import YamlDocument
from .linemap import JsonPath, dotted, locate

RULE_UNKNOWN_FIELD = "k8s-schema-unknown-field"
RULE_REQUIRED = "k8s-schema-required"
RULE_TYPE = "k8s-schema-type"
RULE_ENUM = "k8s-schema-enum"
RULE_INVALID = "k8s-schema-invalid"
RULE_UNAVAILABLE = "k8s-api-version-unavailable"
RULE_UNKNOWN_KIND = "k8s-unknown-kind"
RULE_NOT_A_RESOURCE = "k8s-not-a-resource"
RULE_TOOL_ERROR = "k8s-schema-tool-error"


@dataclass(frozen=True)
class SchemaViolation:
    path: JsonPath
    rule: str
    message: str
    key: str | None = None  # For unknown/missing fields: the field's name inside ``path``.


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def unknown_field(path: JsonPath, name: str) -> SchemaViolation:
    where = dotted(path)
    return SchemaViolation(
        path, RULE_UNKNOWN_FIELD, f'unknown field "{name}" in {where} (strict schema)', name
    )


def required_field(path: JsonPath, name: str) -> SchemaViolation:
    return SchemaViolation(
        path, RULE_REQUIRED, f'required field "{name}" is missing in {dotted(path)}', name
    )


def wrong_type(path: JsonPath, expected: Iterable[str], got: str) -> SchemaViolation:
    wanted = " or ".join(sorted(set(expected) - {"null"})) or "null"
    return SchemaViolation(path, RULE_TYPE, f"{dotted(path)}: expected {wanted}, got {got}")


def not_in_enum(path: JsonPath, options: Sequence[object]) -> SchemaViolation:
    allowed = ", ".join(repr(o) if not isinstance(o, str) else f'"{o}"' for o in options)
    return SchemaViolation(path, RULE_ENUM, f"{dotted(path)}: must be one of {allowed}")


def invalid(path: JsonPath, detail: str) -> SchemaViolation:
    return SchemaViolation(path, RULE_INVALID, f"{dotted(path)}: {detail}")


def version_span(versions: Sequence[str], configured: Sequence[str]) -> str:
    """``1.33–1.35`` for a run of consecutive configured versions, else a comma list."""
    order = {v: i for i, v in enumerate(configured)}
    chosen = sorted(set(versions), key=lambda v: order.get(v, len(order)))
    runs: list[list[str]] = []
    for version in chosen:
        if runs and order.get(version, -9) == order.get(runs[-1][-1], -99) + 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def merge_to_findings(
    document: YamlDocument,
    per_version: dict[str, list[SchemaViolation]],
    configured: Sequence[str],
    tool: str,
) -> list[Finding]:
    """One finding per distinct violation, naming the versions in which it occurs."""
    versions_of: dict[SchemaViolation, list[str]] = {}
    for version, violations in per_version.items():
        for violation in violations:
            versions_of.setdefault(violation, []).append(version)
    findings = []
    for violation, versions in versions_of.items():
        line, column = locate(document, violation.path, violation.key)
        span = version_span(versions, configured)
        findings.append(
            Finding(
                document.path,
                line,
                column,
                Severity.ERROR,
                violation.rule,
                tool,
                f"{violation.message} (Kubernetes {span})",
            )
        )
    return findings
