"""`nox -s new-example`: a template by file type, the include line, and never an overwrite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.new_example import ScaffoldError, include_line, scaffold

ROOT = Path(__file__).resolve().parents[1]


def test_a_kubernetes_manifest_gets_a_named_object_and_its_include_line(tmp_path: Path) -> None:
    target, line = scaffold("kubernetes/config/App_Settings.yaml", root=tmp_path)
    assert target == tmp_path / "examples/kubernetes/config/App_Settings.yaml"
    document = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert document["apiVersion"] == "v1"
    assert document["metadata"]["name"] == "app-settings"  # DNS-1123, as the API server needs
    assert line == "```{example} kubernetes/config/App_Settings.yaml\n```"


@pytest.mark.parametrize(
    ("path", "first_instruction"),
    [
        ("docker/web/Dockerfile", "FROM "),
        ("compose/web/compose.yaml", "services:"),
        ("docker/web/build.sh", "set -euo pipefail"),
    ],
)
def test_each_file_type_gets_its_own_template(
    tmp_path: Path, path: str, first_instruction: str
) -> None:
    target, _ = scaffold(path, root=tmp_path)
    assert first_instruction in target.read_text(encoding="utf-8")


def test_an_examples_prefix_is_accepted(tmp_path: Path) -> None:
    target, line = scaffold("examples/kubernetes/pods/pod.yaml", root=tmp_path)
    assert target == tmp_path / "examples/kubernetes/pods/pod.yaml"
    assert "{example} kubernetes/pods/pod.yaml" in line


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "examples/kubernetes/pods/pod.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text("kept\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        scaffold("kubernetes/pods/pod.yaml", root=tmp_path)
    assert existing.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.parametrize(
    "path", ["../outside.yaml", "/etc/passwd.yaml", "deployment.yaml", "notes/readme.txt"]
)
def test_paths_outside_examples_or_of_unknown_type_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ScaffoldError):
        scaffold(path, root=tmp_path)
    assert not (tmp_path / "examples").exists()


def test_the_yaml_templates_pass_the_repository_yamllint_settings(tmp_path: Path) -> None:
    files = [
        scaffold("kubernetes/demo/configmap.yaml", root=tmp_path)[0],
        scaffold("compose/demo/compose.yaml", root=tmp_path)[0],
    ]
    done = subprocess.run(
        [sys.executable, "-m", "yamllint", "--strict", "-c", str(ROOT / "conf/yamllint.yaml")]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_command_line_refuses_with_exit_status_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.new_example", "kubernetes/workloads/../../escape.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "inside examples/" in done.stderr


def test_include_line_is_a_myst_fence() -> None:
    assert include_line(Path("docker/x/Dockerfile")) == "```{example} docker/x/Dockerfile\n```"


@pytest.mark.slow
def test_the_contributor_path_a_scaffold_passes_the_checker_and_fails_once_broken(
    tmp_path: Path,
) -> None:
    # CONTRIBUTING.md's steps on a scratch copy of conf/: scaffold, check, break, check again.
    shutil.copytree(ROOT / "conf", tmp_path / "conf")
    for path in ("kubernetes/demo/app.yaml", "docker/demo/Dockerfile", "compose/demo/compose.yaml"):
        scaffold(path, root=tmp_path)

    def check() -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "examplecheck", "--root", str(tmp_path)]
        return subprocess.run(
            [*command, str(tmp_path / "examples")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    passed = check()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    manifest = tmp_path / "examples/kubernetes/demo/app.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("  name: app\n", "  name: App_1\n", 1),
        encoding="utf-8",
    )
    failed = check()
    assert failed.returncode == 1
    assert "examples/kubernetes/demo/app.yaml:" in failed.stdout
    assert "k8s-invalid-name" in failed.stdout
