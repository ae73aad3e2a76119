"""The Kubernetes JSON schemas on disk: kubernetes-validate's strict sets, made offline-ready.

kubernetes-validate ships ``v{X.Y}.0-local-strict`` folders whose files carry
``$id: https://kubernetes.io/api/...`` and refs to ``/api/_definitions.json``. A validator that
follows those (kubeconform) would try the network. We derive a copy once, per package version,
into a cache folder: refs point at the sibling ``_definitions.json``, remote ``$id``s are gone.
Both engines (kubeconform and the in-process one) read that same copy.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
from kubernetes_validate.version import __version__ as SCHEMA_PACKAGE_VERSION

CACHE_ENV = "EXAMPLECHECK_CACHE"
DEFINITIONS = "_definitions.json"
# kubeconform's template variables; with -kubernetes-version 1.33.0 this names
# v1.33.0-local-strict/deployment-apps-v1.json, the layout of kubernetes-validate.
LOCATION_TEMPLATE = (
    "{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
_REMOTE_REF = "/api/_definitions.json#"
_COMPLETE = ".complete"


class SchemaSetMissing(Exception):
    """A configured Kubernetes version has no strict schema set in the installed package."""


def package_schema_dir() -> Path:
    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


def set_name(version: str) -> str:
    """``1.33`` -> ``v1.33.0-local-strict`` (kubeconform's NormalizedKubernetesVersion + suffix)."""
    return f"v{version}.0-local-strict"


def schema_filename(api_version: str, kind: str) -> str:
    """File name the way kubeconform's KindSuffix builds it: ``{kind}-{group label}-{version}``."""
    group_parts = api_version.split("/")
    suffix = "-" + group_parts[0].split(".")[0].lower()
    if len(group_parts) > 1:
        suffix += "-" + group_parts[1].lower()
    return f"{kind.lower()}{suffix}.json"


def offline_text(text: str) -> str:
    """One schema file's text with refs made sibling-relative and remote ids removed."""
    return json.dumps(_offline(json.loads(text)), ensure_ascii=False, separators=(",", ":"))


def _offline(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$id" and isinstance(value, str):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(_REMOTE_REF):
                value = DEFINITIONS + "#" + value.removeprefix(_REMOTE_REF)
            out[key] = _offline(value)
        return out
    if isinstance(node, list):
        return [_offline(item) for item in node]
    return node


def cache_root(root: Path) -> Path:
    configured = os.environ.get(CACHE_ENV)
    base = Path(configured) if configured else root / ".cache" / "examplecheck"
    return base / "schemas"


def _derive_set(source: Path, target: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        for path in source.iterdir():
            if path.suffix == ".json":
                (tmp / path.name).write_text(offline_text(path.read_text("utf-8")), "utf-8")
        (tmp / _COMPLETE).write_text(SCHEMA_PACKAGE_VERSION, "utf-8")
        try:
            tmp.rename(target)
        except OSError:
            if not (target / _COMPLETE).is_file():
                raise
            shutil.rmtree(tmp)  # A concurrent run finished first; keep its copy.
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def ensure_cache(versions: list[str] | tuple[str, ...], root: Path) -> Path:
    """Derive the offline copy of each version's set (once) and return the cache folder.

    The folder is named after the kubernetes-validate version, so an upgrade derives anew;
    folders of other package versions are removed.
    """
    base = cache_root(root)
    folder = base / f"kubernetes-validate-{SCHEMA_PACKAGE_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in base.glob("kubernetes-validate-*"):
        if stale != folder and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    for version in versions:
        source = package_schema_dir() / set_name(version)
        if not (source / DEFINITIONS).is_file():
            raise SchemaSetMissing(
                f"kubernetes-validate {SCHEMA_PACKAGE_VERSION} has no schema set "
                f"{set_name(version)} for Kubernetes {version}"
            )
        target = folder / set_name(version)
        if not (target / _COMPLETE).is_file():
            if target.exists():
                shutil.rmtree(target)
            _derive_set(source, target)
    return folder


def kubeconform_location(cache_folder: Path) -> str:
    return str(cache_folder / LOCATION_TEMPLATE)


@dataclass
class SchemaIndex:
    """Which schema files exist in one version's set (directory listing, read once)."""

    version: str
    folder: Path
    files: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, cache_folder: Path, version: str) -> SchemaIndex:
        folder = cache_folder / set_name(version)
        return cls(version, folder, frozenset(p.name for p in folder.glob("*.json")))

    def path_for(self, api_version: str, kind: str) -> Path | None:
        name = schema_filename(api_version, kind)
        return self.folder / name if name in self.files else None

    def api_versions_of(self, kind: str) -> list[str]:
        """apiVersions that serve ``kind`` here, read from the candidates' GVK annotations."""
        found = []
        for name in sorted(self.files):
            if name.startswith(kind.lower() + "-") and _kind_part(name) == kind.lower():
                found.extend(resource_api_versions(self.folder / name, kind))
        return found


def _kind_part(filename: str) -> str:
    stem = filename.removesuffix(".json")
    parts = stem.split("-")
    # {kind}-{version} or {kind}-{group}-{version}; kinds themselves contain no '-'.
    return parts[0]


@cache
def resource_api_versions(path: Path, kind: str) -> tuple[str, ...]:
    """apiVersions that serve ``kind`` with this schema file (its GVK annotation), if any."""
    try:
        schema = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return ()
    out = []
    for gvk in schema.get("x-kubernetes-group-version-kind", []):
        if gvk.get("kind") == kind:
            group = gvk.get("group", "")
            out.append(f"{group}/{gvk['version']}" if group else gvk["version"])
    return tuple(out)
