"""The checker stays quiet on valid input: tests/corpus/valid/ holds manifests, a Compose file
and Dockerfiles a real cluster or Docker accepts, with the variations the examples lack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from examplecheck.api import check_paths
from examplecheck.findings import Report, Severity

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "valid"
# Warnings the checker may give on the corpus, each with why it is acceptable. Empty today:
# a warning on valid input is a false alarm too, so a new one fails until someone decides.
KNOWN_WARNINGS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def report() -> Report:
    return check_paths([CORPUS], root=ROOT)


def _relative(path: str) -> str:
    """A report path (relative to the repository root) relative to the corpus."""
    return (ROOT / path).relative_to(CORPUS).as_posix()


def test_valid_corpus_has_no_errors(report: Report) -> None:
    errors = [f for f in report.sorted_findings() if f.severity is Severity.ERROR]
    assert not errors, "\n".join(f"{f.path}:{f.line} {f.rule}: {f.message}" for f in errors)


def test_valid_corpus_warnings_are_the_known_ones(report: Report) -> None:
    warnings = {
        (Path(f.path).name, f.rule): f"{f.path}:{f.line} {f.message}"
        for f in report.sorted_findings()
        if f.severity is not Severity.ERROR
    }
    assert set(warnings) == set(KNOWN_WARNINGS), warnings


KUSTOMIZE = CORPUS / "kustomize"  # a kustomization and the resource it renders


def _manifests() -> list[Path]:
    """The plain manifests: no Compose file, nothing a kustomization renders."""
    return sorted(
        p
        for p in CORPUS.rglob("*.yaml")
        if p.name != "compose.yaml" and not p.is_relative_to(KUSTOMIZE)
    )


def test_every_file_is_checked_as_what_it_is(report: Report) -> None:
    kinds = {_relative(path): kind for path, kind in report.files.items()}
    for manifest in _manifests():
        assert kinds[manifest.relative_to(CORPUS).as_posix()] == "kubernetes", manifest
    assert kinds["compose/compose.yaml"] == "compose"
    assert kinds["docker/Dockerfile"] == "dockerfile"
    assert kinds["compose/Dockerfile.api"] == "dockerfile"
    assert kinds["kustomize/kustomization.yaml"] == "kustomization"
    assert kinds["kustomize/deployment.yaml"] == "kustomize-part"  # checked in the render
    schema_checked = {
        _relative(path)
        for path, checks in report.checked_by.items()
        if any(check.strict for check in checks)
    }
    # gateway.yaml holds only Gateway API kinds: conf/crds.yaml says no schema offline.
    expected = {m.relative_to(CORPUS).as_posix() for m in _manifests()} - {"web/gateway.yaml"}
    assert expected <= schema_checked


def _kinds(paths: list[Path]) -> set[str]:
    kinds = set()
    for path in paths:
        for document in yaml.safe_load_all(path.read_text("utf-8")):
            if isinstance(document, dict) and "kind" in document:
                kinds.add(document["kind"])
    return kinds


def test_corpus_covers_every_kind_the_site_uses() -> None:
    examples = [
        p
        for p in (ROOT / "examples").rglob("*.yaml")
        if "templates" not in p.parts and not (p.parent / "Chart.yaml").exists()
    ]
    missing = _kinds(examples) - _kinds([*_manifests(), *KUSTOMIZE.glob("*.yaml")])
    assert not missing, f"add a valid {sorted(missing)} to tests/corpus/valid/"


def test_a_defect_in_the_corpus_is_reported(tmp_path: Path) -> None:
    """The corpus test can fail: one broken port in a copy gives an error on its line."""
    copy = tmp_path / "valid"
    shutil.copytree(CORPUS, copy)
    deployment = copy / "web" / "deployment.yaml"
    text = deployment.read_text("utf-8")
    deployment.write_text(text.replace("containerPort: 9090", "containerPort: 70000"), "utf-8")
    line = text[: text.index("containerPort: 9090")].count("\n") + 1
    report = check_paths([copy], root=ROOT)
    errors = {(Path(f.path).name, f.line, f.rule) for f in report.findings if f.severity == "error"}
    assert ("deployment.yaml", line, "k8s-invalid-port") in errors
