"""Custom resources: which kinds ``conf/crds.yaml`` declares, and whether they are schema-checked.

No package on the registries ships the Gateway API CRDs' openAPIV3Schema, so those kinds are
declared "not schema-checked offline" with a reason that the site shows. They still get the
API and cross-file rules, and their ``metadata`` is checked against the built-in ObjectMeta
schema (every kind shares it). Any other kind without a built-in schema stays an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..conffile import load_mapping, mapping_entries, strings
from ..findings import Check

CONFIG = Path("conf") / "crds.yaml"
# A declared custom resource's spec: no offline schema; the real API server checks it.
SPEC_NOT_CHECKED = Check("crd-spec-schema", scope="spec", done=False, where="nox -s apiserver")


class CrdConfigError(Exception):
    """conf/crds.yaml is malformed."""


@dataclass(frozen=True)
class CustomResource:
    group: str
    kind: str
    schema_checked: bool
    reason: str


def load_custom_resources(root: Path) -> dict[tuple[str, str], CustomResource]:
    """(group, kind) -> declaration; an absent file declares nothing."""
    path = root / CONFIG
    if not path.is_file():
        return {}
    document = load_mapping(path, str(CONFIG), CrdConfigError)
    table: dict[tuple[str, str], CustomResource] = {}
    for line, entry in mapping_entries(document, "custom_resources", CrdConfigError):
        group, reason = entry.get("group"), str(entry.get("reason", "")).strip()
        if not isinstance(group, str) or not group or not reason:
            raise CrdConfigError(f"{CONFIG}:{line}: every entry needs a group and a reason")
        if entry.get("schema_checked", False):
            raise CrdConfigError(
                f"{CONFIG}:{line}: {group} claims schema_checked, but no CRD schema is wired in"
            )
        if not strings(entry.get("kinds") or []):
            raise CrdConfigError(f"{CONFIG}:{line}: `kinds` must be a list of kind names")
        for kind in entry.get("kinds") or []:
            table[(group, kind)] = CustomResource(group, kind, False, reason)
    return table


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def declared(
    table: dict[tuple[str, str], CustomResource], api_version: str, kind: str
) -> CustomResource | None:
    return table.get((group_of(api_version), kind))


def unchecked_kinds(root: Path) -> list[CustomResource]:
    """For the site: the custom resource kinds it must label as not schema-checked."""
    return [c for c in load_custom_resources(root).values() if not c.schema_checked]
