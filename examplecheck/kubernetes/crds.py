"""Custom resources: which kinds ``conf/crds.yaml`` declares, and whether they are schema-checked.

No package on the registries ships the Gateway API CRDs' openAPIV3Schema, so those kinds are
declared "not schema-checked offline" with a reason that the site shows. They still get the
API and cross-file rules, and their ``metadata`` is checked against the built-in ObjectMeta
schema (every kind shares it). Any other kind without a built-in schema stays an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..findings import Check

# A declared custom resource's spec: no offline schema; the real API server checks it.
SPEC_NOT_CHECKED = Check("crd-spec-schema", scope="spec", done=False, where="nox -s apiserver")


@dataclass(frozen=True)
class CustomResource:
    group: str
    kind: str
    schema_checked: bool
    reason: str


def load_custom_resources(root: Path) -> dict[tuple[str, str], CustomResource]:
    """(group, kind) -> declaration from conf/crds.yaml (its shape: conf/schemas/crds.schema
    .json); an absent file declares nothing."""
    table: dict[tuple[str, str], CustomResource] = {}
    for entry in settings.data_of(root, "crds").get("custom_resources") or []:
        reason = " ".join(entry["reason"].split())
        for kind in entry["kinds"]:
            table[(entry["group"], kind)] = CustomResource(entry["group"], kind, False, reason)
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
