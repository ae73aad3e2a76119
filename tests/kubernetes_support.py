"""Helpers for the Kubernetes tests (no tests here): fixtures, a runner, recorded kubeconform."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from examplecheck import settings
from examplecheck.findings import Finding
from examplecheck.kubernetes.check import KubernetesResult, check_kubernetes
from examplecheck.yamlload import YamlDocument, load_yaml

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "kubernetes"
VERSIONS: tuple[str, ...] = tuple(settings.data_of(REPO, "versions")["kubernetes"])
KUBECONFORM_REPLAY = REPO / "tests" / "kubeconform_replay.py"
# Tests whose root is a tmp folder reuse the repository's schema cache instead of deriving one.
SHARED_CACHE = REPO / ".cache" / "examplecheck"


def load(*paths: Path, root: Path = REPO) -> list[YamlDocument]:
    documents: list[YamlDocument] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            result = load_yaml(file, file.relative_to(root).as_posix())
            assert not result.findings, result.findings
            documents.extend(result.documents)
    return documents


def run(*paths: Path, engine: str = "builtin", root: Path = REPO) -> KubernetesResult:
    documents = load(*paths, root=root)
    # The practice warnings have their own tests (test_kubernetes_practices.py).
    return check_kubernetes(documents, versions=VERSIONS, root=root, engine=engine, practices=False)


def brief(findings: list[Finding]) -> list[tuple[str, int, str]]:
    """(file name, line, rule) of each finding, sorted: what most assertions compare."""
    return sorted((Path(f.path).name, f.line, f.rule) for f in findings)


def install_recorded_kubeconform(bin_dir: Path, environ: dict[str, str]) -> Path:
    """Put a ``kubeconform`` on PATH that replays the real binary's recorded reports."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "kubeconform"
    script.write_text(
        f"#!{sys.executable}\nimport runpy\n"
        f"runpy.run_path({str(KUBECONFORM_REPLAY)!r}, run_name='__main__')\n",
        "utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    environ["PATH"] = f"{bin_dir}{os.pathsep}{environ.get('PATH', '')}"
    return script
