"""The offline schema copy: naming, derivation, regeneration; no reference leaves the disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubernetes_support import REPO, VERSIONS

from examplecheck.kubernetes.engines import schemas


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        ("v1", "Service", "service-v1.json"),
        ("apps/v1", "Deployment", "deployment-apps-v1.json"),
        ("networking.k8s.io/v1", "Ingress", "ingress-networking-v1.json"),
        (
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscaler-autoscaling-v2.json",
        ),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterrole-rbac-v1.json"),
    ],
)
def test_schema_filename_follows_kubeconform_kind_suffix(api_version, kind, expected):
    assert schemas.schema_filename(api_version, kind) == expected


def test_offline_text_rewrites_refs_and_drops_remote_ids():
    text = (
        '{"$id": "https://kubernetes.io/api/pod/v1", "properties": {"metadata": '
        '{"$ref": "/api/_definitions.json#/$defs/io.k8s.ObjectMeta"}}}'
    )
    out = json.loads(schemas.offline_text(text))
    assert "$id" not in out
    assert out["properties"]["metadata"]["$ref"] == "_definitions.json#/$defs/io.k8s.ObjectMeta"


def _walk(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$id", "$dynamicRef") and isinstance(value, str):
                found.append((key, value))
            _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)


def test_derived_cache_has_no_reference_that_leaves_the_disk():
    folder = schemas.ensure_cache(VERSIONS, REPO)
    checked = 0
    for version in VERSIONS:
        set_folder = folder / schemas.set_name(version)
        definitions = json.loads((set_folder / schemas.DEFINITIONS).read_text("utf-8"))["$defs"]
        for path in set_folder.glob("*.json"):
            references: list[tuple[str, str]] = []
            _walk(json.loads(path.read_text("utf-8")), references)
            for key, value in references:
                assert key == "$ref", f"{path.name}: {key} {value} left in the offline copy"
                target, _, pointer = value.partition("#")
                assert not target.startswith(("http:", "https:", "/")), f"{path.name}: {value}"
                assert target in ("", schemas.DEFINITIONS), f"{path.name}: {value}"
                # Every ref lands on a definition that exists in this very set.
                assert pointer.startswith("/$defs/")
                assert pointer.removeprefix("/$defs/") in definitions, f"{path.name}: {value}"
                checked += 1
    assert checked > 10_000  # The walk really saw the references.


def test_cache_is_rederived_when_the_package_version_changes(tmp_path, monkeypatch):
    monkeypatch.setenv(schemas.CACHE_ENV, str(tmp_path))
    first = schemas.ensure_cache(["1.33"], REPO)
    assert (first / "v1.33.0-local-strict" / "deployment-apps-v1.json").is_file()
    monkeypatch.setattr(schemas, "SCHEMA_PACKAGE_VERSION", "0.0-test")
    second = schemas.ensure_cache(["1.33"], REPO)
    assert second != first and second.name == "kubernetes-validate-0.0-test"
    assert (second / "v1.33.0-local-strict" / "_definitions.json").is_file()
    assert not first.exists()  # The stale copy is gone.


def test_incomplete_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv(schemas.CACHE_ENV, str(tmp_path))
    folder = schemas.ensure_cache(["1.33"], REPO)
    set_folder = folder / "v1.33.0-local-strict"
    (set_folder / ".complete").unlink()
    (set_folder / "service-v1.json").unlink()
    schemas.ensure_cache(["1.33"], REPO)
    assert (set_folder / "service-v1.json").is_file()


def test_missing_schema_set_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(schemas.CACHE_ENV, str(tmp_path))
    with pytest.raises(schemas.SchemaSetMissing, match=r"1\.99"):
        schemas.ensure_cache(["1.99"], REPO)


def test_kubeconform_location_is_a_local_go_template():
    location = schemas.kubeconform_location(Path("/cache/kv"))
    assert location == (
        "/cache/kv/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/"
        "{{ .ResourceKind }}{{ .KindSuffix }}.json"
    )
    assert not location.startswith("http")


def test_a_copy_finished_by_a_concurrent_run_is_kept(tmp_path):
    source = schemas.package_schema_dir() / "v1.33.0-local-strict"
    target = tmp_path / "v1.33.0-local-strict"
    target.mkdir()
    (target / "marker").write_text("other run", "utf-8")
    (target / ".complete").write_text("other run", "utf-8")
    schemas._derive_set(source, target)  # Loses the race: no error, no leftovers.
    assert (target / "marker").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["v1.33.0-local-strict"]
