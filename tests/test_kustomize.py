"""Kustomizations rendered by the real kustomize (or `kubectl kustomize`), the output checked as
manifests, findings back on the resource or patch file that holds the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.executables import CheckerCouldNotRun
from examplecheck.findings import Severity
from examplecheck.wrappers import kustomize
from tests.required_tools import needs

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "kustomize"
PREFIX = "tests/fixtures/kustomize"
VERSIONS = ["1.35"]

needs_kustomize = needs(kustomize.find_binary(), "neither kustomize nor kubectl is installed here")


def _errors(report):
    return [f for f in report.findings if f.severity is Severity.ERROR]


def _copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "k")
    path = tmp_path / "k" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path / "k"


@needs_kustomize
def test_base_and_overlay_render_and_pass():
    report = check_paths([FIXTURE], root=ROOT, kubernetes_versions=VERSIONS)
    assert _errors(report) == []
    assert report.files[f"{PREFIX}/base/kustomization.yaml"] == "kustomization"
    # A patch is a partial object: checked in the overlay's render, not alone.
    assert report.files[f"{PREFIX}/overlays/prod/replicas.yaml"] == "kustomize-part"
    label = kustomize.find_binary().label
    assert label in report.tools_of(f"{PREFIX}/overlays/prod/kustomization.yaml")
    assert "kubernetes-api" in report.tools_of(f"{PREFIX}/base/deployment.yaml")


@needs_kustomize
def test_a_bad_patch_value_is_reported_on_the_patch_line(tmp_path):
    folder = _copy(tmp_path, "overlays/prod/replicas.yaml", "replicas: 3", "replicas: three")
    report = check_paths([folder], root=ROOT, kubernetes_versions=VERSIONS)
    [error] = _errors(report)
    assert (error.path, error.line, error.column, error.rule) == (
        (folder / "overlays/prod/replicas.yaml").as_posix(),
        6,
        13,
        "k8s-schema-type",
    )
    assert "overlays/prod)" in error.message  # which build found it


@needs_kustomize
def test_a_bad_value_in_a_patched_container_is_reported_on_the_patch_line(tmp_path):
    """Strategic merge patches match list items by name: the patch's container, not the
    base's, holds the value (the handbook's prod overlay patches resources this way)."""
    shutil.copytree(ROOT / "examples/kubernetes/kustomize", tmp_path / "k")
    patch = tmp_path / "k/overlays/prod/resources-patch.yaml"
    text = patch.read_text(encoding="utf-8")
    assert "memory: 2Gi" in text
    patch.write_text(text.replace("memory: 2Gi", "memory: 2Gb"), encoding="utf-8")
    report = check_paths([tmp_path / "k"], root=ROOT, kubernetes_versions=VERSIONS)
    [error] = _errors(report)
    line = next(n for n, t in enumerate(patch.read_text().splitlines(), 1) if "2Gb" in t)
    assert (error.path, error.line, error.rule) == (
        patch.as_posix(),
        line,
        "k8s-invalid-quantity",
    )


@needs_kustomize
def test_a_base_mistake_is_reported_once_on_the_base_line(tmp_path):
    folder = _copy(
        tmp_path,
        "base/deployment.yaml",
        "image: nginx:1.27\n",
        "image: nginx:1.27\n          imagePullPolicy: Sometimes\n",
    )
    report = check_paths([folder], root=ROOT, kubernetes_versions=VERSIONS)
    found = [(e.path, e.line, e.rule) for e in _errors(report)]
    assert found == [((folder / "base/deployment.yaml").as_posix(), 18, "k8s-invalid-value")]


@needs_kustomize
def test_a_missing_resource_fails_the_build_at_its_line(tmp_path):
    folder = _copy(tmp_path, "base/kustomization.yaml", "- service.yaml", "- services.yaml")
    report = check_paths([folder], root=ROOT, kubernetes_versions=VERSIONS)
    found = {(e.path, e.line) for e in _errors(report) if e.rule == "kustomize-build"}
    assert found == {  # the base's line, and the overlay's line naming that base
        ((folder / "base/kustomization.yaml").as_posix(), 5),
        ((folder / "overlays/prod/kustomization.yaml").as_posix(), 5),
    }


@needs_kustomize
def test_a_kustomization_that_is_not_yaml_is_a_syntax_finding_not_a_crash(tmp_path):
    folder = _copy(tmp_path, "overlays/prod/kustomization.yaml", "resources:", "resources: [")
    report = check_paths([folder], root=ROOT, kubernetes_versions=VERSIONS)
    broken = (folder / "overlays/prod/kustomization.yaml").as_posix()
    assert any(e.path == broken and e.rule == "yaml-syntax" for e in _errors(report))
    assert not [e for e in _errors(report) if e.rule == "checker-crash"]


PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: {name}
"""


@needs_kustomize
@pytest.mark.parametrize(("selects", "rejected"), [("web", False), ("nothing", True)])
def test_an_overlay_resource_is_in_one_set_with_the_base(tmp_path, selects, rejected):
    """An overlay's PDB selects the base's pods: the render is one set, whatever folders."""
    folder = _copy(
        tmp_path, "overlays/prod/kustomization.yaml", "resources:\n", "resources:\n  - pdb.yaml\n"
    )
    (folder / "overlays/prod/pdb.yaml").write_text(PDB.format(name=selects), encoding="utf-8")
    report = check_paths([folder], root=ROOT, kubernetes_versions=VERSIONS)
    found = [(Path(e.path).name, e.rule) for e in _errors(report)]
    assert found == ([("pdb.yaml", "k8s-pdb-selects-nothing")] if rejected else [])


def test_without_kustomize_the_run_says_so(monkeypatch):
    monkeypatch.setattr(kustomize, "find_binary", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    report = check_paths([FIXTURE / "base"], root=ROOT, kubernetes_versions=VERSIONS)
    missing = [f for f in report.findings if f.rule == "tool-missing"]
    assert [f.path for f in missing] == [f"{PREFIX}/base/kustomization.yaml"]
    assert kustomize.PINNED in missing[0].message


def test_without_kustomize_ci_cannot_run(monkeypatch):
    monkeypatch.setattr(kustomize, "find_binary", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(CheckerCouldNotRun, match="kustomize not found"):
        check_paths([FIXTURE / "base"], root=ROOT, kubernetes_versions=VERSIONS)


def test_parts_follow_bases_and_patches():
    overlay = FIXTURE / "overlays" / "prod" / "kustomization.yaml"
    import yaml

    found = kustomize.parts(overlay.resolve(), yaml.safe_load(overlay.read_text()))
    names = sorted(p.relative_to(FIXTURE.resolve()).as_posix() for p in found)
    assert names == [
        "base/deployment.yaml",
        "base/service.yaml",
        "overlays/prod/replicas.yaml",
    ]
