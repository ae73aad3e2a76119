"""Inputs that used to crash the checker or mislead it: each is now a finding, or exit 2 with
one line saying which file (and line) is wrong, through the real CLI, never a traceback."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from examplecheck.api import check_paths
from examplecheck.kubernetes.check import check_kubernetes
from examplecheck.kubernetes.engines import kubeconform
from tests.required_tools import missing

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 60
# Every conf file the checker reads, and an example that makes it read that file.
CONF_FILES = [
    "versions.yaml",
    "exceptions.yaml",
    "images.yaml",
    "cli.yaml",
    "crds.yaml",
    "sets.yaml",
    "yamllint.yaml",
    "hadolint.yaml",
]
BROKEN_CONF = {
    "syntax": ("a: [unclosed\n", "is unusable (line 2, column 1): while parsing a flow sequence"),
    "a-list": ("- one\n- two\n", ""),
}


def checker(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "examplecheck", *map(str, args)]
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    )


def could_not_run(result: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of an exit-2 run (the schema engine line aside)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if "schemas checked by" not in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("examplecheck: could not run: ")
    return lines[0]


def rules_on(result: subprocess.CompletedProcess[str], path: Path) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line.split()[2] for line in result.stdout.splitlines() if line.startswith(str(path))]


def test_a_symlink_loop_on_the_command_line_is_named_as_one(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    line = could_not_run(checker(tmp_path / "a.yaml"))
    assert "symlink loop" in line and "no such file" not in line


def test_a_broken_symlink_on_the_command_line_says_where_it_points(tmp_path):
    (tmp_path / "gone.yaml").symlink_to("nowhere.yaml")
    assert "broken symlink" in could_not_run(checker(tmp_path / "gone.yaml"))


def test_a_symlink_loop_in_a_folder_is_a_finding(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = checker(tmp_path)
    assert result.returncode == 1, result.stderr
    assert rules_on(result, tmp_path / "a") == ["file-unreadable"]
    assert "checker-crash" not in result.stdout


@pytest.mark.parametrize("name", ["pipe.yaml", "pipe"])
def test_a_fifo_is_a_finding_and_no_hang(tmp_path, name):
    os.mkfifo(tmp_path / name)  # reading it would block forever
    for given in (tmp_path, tmp_path / name):
        result = checker(given)
        assert rules_on(result, tmp_path / name) == ["file-unreadable"]
        assert result.returncode == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_a_file_without_read_permission_is_a_finding(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n", "utf-8")
    path.chmod(0)
    try:
        assert rules_on(checker(path), path) == ["file-unreadable"]
    finally:
        path.chmod(0o644)


@pytest.fixture
def site_copy(tmp_path):
    """A root with the repository's conf/ and one example that reads each conf file."""
    shutil.copytree(ROOT / "conf", tmp_path / "conf")
    (tmp_path / ".cache").symlink_to(ROOT / ".cache")  # the derived schema copy
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n", "utf-8"
    )
    (examples / "Dockerfile").write_text('FROM postgres:17.6\nCMD ["postgres"]\n', "utf-8")
    (examples / "page.md").write_text("# t\n\n```console\n$ kubectl get pods\n```\n", "utf-8")
    assert checker("--root", tmp_path, examples).returncode == 0
    return tmp_path


@pytest.mark.parametrize("broken", sorted(BROKEN_CONF))
@pytest.mark.parametrize("name", CONF_FILES)
def test_a_malformed_conf_file_is_exit_2_naming_it(site_copy, name, broken):
    text, where = BROKEN_CONF[broken]
    (site_copy / "conf" / name).write_text(text, "utf-8")
    line = could_not_run(checker("--root", site_copy, site_copy / "examples"))
    assert f"conf/{name}" in line
    assert where in line
    assert "checker-crash" not in line


ENGINES = ["builtin", "kubeconform"]


def check(path: Path, engine: str):
    if engine == "kubeconform" and kubeconform.find_binary() is None:
        missing("no kubeconform binary: `nox -s tests` builds it (noxfile.py GO_TOOLS)")
    engine_checker = functools.partial(check_kubernetes, engine=engine, practices=False)
    return check_paths([path], root=ROOT, kubernetes_checker=engine_checker)


@pytest.mark.parametrize("engine", ENGINES)
def test_non_string_keys_are_the_strings_kubectl_sends(tmp_path, engine):
    (tmp_path / "keys.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    1: x\n"
        "    true: yes-string\ndata:\n  2: b\n5: top\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeSelector: {1: 2}\n"
        "  containers:\n    - {name: c, image: 'nginx:1.27'}\n",
        "utf-8",
    )
    report = check(tmp_path / "keys.yaml", engine)
    found = sorted((f.line, f.rule, f.message.split(" (")[0]) for f in report.findings)
    assert found == [
        (10, "k8s-schema-unknown-field", 'unknown field "5" in'),
        (17, "k8s-schema-type", "spec.nodeSelector.1: expected string, got integer"),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_null_key_is_one_error_on_its_line(tmp_path, engine):
    (tmp_path / "null.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  ~: c\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  num: 1\n",
        "utf-8",
    )
    report = check(tmp_path / "null.yaml", engine)
    assert [(f.line, f.column, f.rule) for f in report.findings] == [
        (7, 3, "k8s-null-key"),
        (14, 8, "k8s-schema-type"),  # the next document keeps its own result
    ]
